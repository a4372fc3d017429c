// Running a program inside a network namespace: the one rule every caller uses (reads, monitors, the
// bulk reader, edit plans, ping). Pure: argv in, argv out.

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
 * argv the server itself runs inside ns (reads, monitors, fdb, ping): the server's own namespace directly,
 * any other through nsenter with its path. nsenter --net only calls setns(2), whatever the host holds;
 * `ip -n NAME` and `ip netns exec` also unshare a mount namespace and remount /sys in it, which copies
 * every mount of the host — one per named namespace — so each entry by name costs O(N) and a full read
 * O(N²); a long-lived `ip -n NAME monitor` even keeps its copy of all those mounts. What is read does not
 * differ: ip reads nothing under /sys (checked: strace, and identical JSON for link/addr/route/neigh -d,
 * and bridge fdb). A namespace with no way in throws: running in the host's namespace instead would be a
 * lie, or worse.
 */
export function inNamespace(ns: NsEntry, argv: string[]): string[] {
  if (ns.root) return argv;
  if (!ns.path) throw new NoWayInError(ns);
  return ['nsenter', `--net=${ns.path}`, '--', ...argv];
}

/**
 * argv of a command a plan shows (and applies): what users read and copy, so `ip -n NAME` / `bridge -n NAME`
 * for a namespace iproute2 knows by name, as they would type it; anything else as inNamespace. Plans are
 * a few steps: the O(N) of entering by name (see inNamespace) does not add up there.
 */
export function commandInNamespace(ns: NsEntry, argv: string[]): string[] {
  if (!ns.root && (argv[0] === 'ip' || argv[0] === 'bridge') && ipKnowsByName(ns))
    return [argv[0], '-n', ns.name as string, ...argv.slice(1)];
  return inNamespace(ns, argv);
}

/**
 * How the bulk reader (server/host/bulk.ts) runs `argv` in many namespaces from one process: xargs reads
 * NUL-terminated namespace paths from stdin and runs `nsenter --net=PATH -- argv` for each in turn (no
 * shell: xargs execs argv; -I{} puts the path into the one argument). `-t` writes each command line to
 * stderr before running it, so what a command writes to stderr falls between its line and the next:
 * bulkSections() cuts stderr back into one section per namespace.
 */
export function bulkArgv(argv: string[]): string[] {
  return ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--', ...argv];
}

/** A path the bulk reader can pass to xargs and find again in its `-t` lines: printable, no blanks or quotes. */
export function bulkUsablePath(p: string): boolean {
  return /^\/[\x21-\x7e]*$/.test(p) && !/['"\\{}]/.test(p) && p.length <= 1024;
}

/** stdin for bulkArgv: the paths, each ended by NUL. */
export function bulkInput(paths: string[]): string {
  return paths.map((p) => `${p}\0`).join('');
}

/**
 * stderr of a bulkArgv process cut into what each command wrote: `sections[i]` holds the lines after the
 * i-th `-t` line (the i-th command started); `before` holds lines that came before any (xargs' own errors).
 * A `-t` line is xargs' echo of `nsenter --net=… -- argv…`: it starts with "nsenter " (nsenter's own
 * messages start with "nsenter: "), with the inner argv after the path.
 */
export function bulkSections(stderr: string, argv: string[]): { before: string[]; sections: string[][] } {
  const tail = ` -- ${argv.join(' ')}`;
  const out: { before: string[]; sections: string[][] } = { before: [], sections: [] };
  for (const line of stderr.split('\n')) {
    if (!line) continue;
    if (line.startsWith('nsenter ') && line.endsWith(tail)) out.sections.push([]);
    else (out.sections.at(-1) ?? out.before).push(line);
  }
  return out;
}

/** The value after `netns` in `ip link … netns X`: a name iproute2 knows, else a path (iproute2 opens X as a path when it holds '/'). */
export function netnsTarget(ns: NsEntry, selfPid: number): string {
  // the host's namespace by the server's own /proc entry: PID 1 may live elsewhere (a container, a sandbox)
  if (ns.root) return `/proc/${selfPid}/ns/net`;
  if (ipKnowsByName(ns)) return ns.name as string;
  if (!ns.path) throw new NoWayInError(ns);
  return ns.path;
}
