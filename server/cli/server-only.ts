// What `server-only` is in the CLI's bundle (dist/snapshot.mjs, plain node): nothing. The package's default
// entry throws (it is empty only under the `react-server` condition, which Next's server bundle uses), so
// build:cli (package.json) aliases it to this module.
export {};
