// Long-lived processes this server keeps inside other namespaces (the watcher's per-namespace
// `ip monitor`s). They are not holders: a namespace only they keep alive is gone for the user,
// and discovery must not list them, or the namespace would never go away.
export const helperPids = new Set<number>();
