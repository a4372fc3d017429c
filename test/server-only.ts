// What `server-only` is under vitest: nothing. The package's default entry throws (it is empty only under
// the `react-server` condition, which Next's server bundle uses); vitest runs server modules in plain node,
// so vitest.config.ts aliases the package to this module. A client file importing a server module is
// refused by ESLint and by `next build` (test/unit/boundary.test.ts).
export {};
