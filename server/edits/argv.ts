// How a plan names namespaces in argv. Pure.
import type { NsState } from './model';

/** Where `ip netns add` puts names (iproute2's NETNS_RUN_DIR); `ip -n NAME` only finds names there. */
const NETNS_RUN_DIRS = ['/var/run/netns', '/run/netns'];

function ipKnowsByName(ns: NsState): boolean {
  if (ns.source !== 'named' || !ns.name || !ns.path) return false;
  return NETNS_RUN_DIRS.some((d) => ns.path === `${d}/${ns.name}`) && /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(ns.name);
}

/** argv that runs `ip ARGS` inside ns: the host's directly, a named one with `ip -n`, any other through nsenter. */
export function ipIn(ns: NsState, args: string[]): string[] {
  if (ns.root) return ['ip', ...args];
  if (ipKnowsByName(ns)) return ['ip', '-n', ns.name!, ...args];
  if (!ns.path) throw new Error(`namespace ${ns.label} has no path to enter`);
  return ['nsenter', `--net=${ns.path}`, '--', 'ip', ...args];
}

/**
 * The value after `netns` in `ip link add|set … netns X`. iproute2 opens X as a path when it contains '/',
 * else as a name under /var/run/netns; so unnamed namespaces go by /proc/PID/ns/net and the host's by
 * the server's own /proc/PID/ns/net (PID 1 may live elsewhere, e.g. in a container or sandbox).
 */
export function netnsTarget(ns: NsState, selfPid: number): string {
  if (ns.root) return `/proc/${selfPid}/ns/net`;
  if (ipKnowsByName(ns)) return ns.name!;
  if (!ns.path) throw new Error(`namespace ${ns.label} has no path to enter`);
  return ns.path;
}
