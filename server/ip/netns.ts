// Running a program inside a network namespace: the one rule every caller uses (reads, monitors, the
// bulk reader's `netns exec` lines, edit plans, ping). Pure: argv in, argv out.

/** where `ip -n` and `ip netns exec` look for names (iproute2's compiled-in NETNS_RUN_DIR) */
export const IP_NETNS_DIR = '/var/run/netns';
/** the same directory as most hosts spell it (/var/run is a link to /run) */
const IP_NETNS_DIRS = [IP_NETNS_DIR, '/run/netns'];

/** What entering needs to know of a namespace (a Namespace of the snapshot, or an edit plan's NsState). */
export interface NsEntry {
  root: boolean;
  source?: string;
  name: string | null;
  path: string | null;
  label?: string;
}

/**
 * A name iproute2 reads back as the same single word, in argv (`ip -n NAME`) and in a batch line
 * (`netns exec NAME …`, split on blanks, quotes and `#` special); never one that could pass for an option.
 */
export function ipUsableName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.:@+=,%-]*$/.test(name) && name.length <= 255;
}

/** Can iproute2 reach it by name: a named namespace bound in its own directory, with a usable name? */
export function ipKnowsByName(ns: NsEntry): boolean {
  if (ns.root || ns.source !== 'named' || !ns.name || !ns.path) return false;
  return IP_NETNS_DIRS.some((d) => ns.path === `${d}/${ns.name}`) && ipUsableName(ns.name);
}

export class NoWayInError extends Error {
  constructor(ns: NsEntry) {
    super(`namespace ${ns.label ?? ns.name ?? '?'} has no path to enter`);
    this.name = 'NoWayInError';
  }
}

/**
 * argv that runs `argv` inside ns: the server's own namespace directly; `ip`/`bridge` in a namespace iproute2
 * knows by name with `ip -n` (one exec where nsenter costs two); anything else through nsenter with its
 * path. A namespace with no way in throws: running in the host's namespace instead would be a lie, or worse.
 */
export function inNamespace(ns: NsEntry, argv: string[]): string[] {
  if (ns.root) return argv;
  // ip and bridge (both iproute2) take -n NAME
  if ((argv[0] === 'ip' || argv[0] === 'bridge') && ipKnowsByName(ns)) return [argv[0], '-n', ns.name as string, ...argv.slice(1)];
  if (!ns.path) throw new NoWayInError(ns);
  return ['nsenter', `--net=${ns.path}`, '--', ...argv];
}

/** The value after `netns` in `ip link … netns X`: a name iproute2 knows, else a path (iproute2 opens X as a path when it holds '/'). */
export function netnsTarget(ns: NsEntry, selfPid: number): string {
  // the host's namespace by the server's own /proc entry: PID 1 may live elsewhere (a container, a sandbox)
  if (ns.root) return `/proc/${selfPid}/ns/net`;
  if (ipKnowsByName(ns)) return ns.name as string;
  if (!ns.path) throw new NoWayInError(ns);
  return ns.path;
}
