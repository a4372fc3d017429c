// Long-lived processes this server keeps inside other namespaces (the watcher's per-namespace
// `ip monitor`s). They are not holders: a namespace only they keep alive is gone for the user,
// and discovery must not list them, or the namespace would never go away.
import { runningChildren } from '../ip/run';

export const helperPids = new Set<number>();

/** This server's own processes, long-lived helpers or a read running right now: never a namespace's holders. */
export const ownPids = { has: (pid: number): boolean => helperPids.has(pid) || runningChildren.has(pid) };

/** The name prefix of this server's scratch namespaces (the capability probe's): its own doing, not the host's. */
export const OWN_SCRATCH_PREFIX = `linkscape-probe-${process.pid}-`;
export const isOwnScratchNamespace = (name: string): boolean => name.startsWith(OWN_SCRATCH_PREFIX);
