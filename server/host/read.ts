// Read the whole host: discover namespaces, read each with one `ip -batch` process (in parallel),
// resolve ids across namespaces, add SR-IOV facts from sysfs.
import 'server-only';
import os from 'node:os';
import { CommandError, stream as defaultStream, type Runner, type Streamer } from '../ip/run';
import { CONTENT_BATCH, NAMESPACE_BATCH, parseNamespace, splitBatch, type ParsedNamespace } from '../ip/parse';
import { discoverNamespaces, DEFAULT_DIRS, labelOf, type NamespaceDirs } from './namespaces';
import { applyOwners, NO_OWNERS, readOwners, tagLinkNetworks, type OwnerFacts, type OwnerOptions } from './owners';
import { resolveHost, type NsidMaps } from './resolve';
import { askNsids, assignRootNsids } from './nsids';
import { enrichSriov, SYSFS_ROOT } from './sriov';
import { computeWarnings } from './warnings';
import { BULK_MIN, bulkReadable, readNamedInBulk } from './bulk';
import { inNamespace, type NsEntry } from '../ip/netns';
import type { HostSnapshot, Namespace, Route } from '../../shared/host/types';

export interface ReadOptions {
  dirs?: NamespaceDirs;
  sysRoot?: string;
  /** how many `ip` processes at once */
  concurrency?: number;
  timeoutMs?: number;
  /** how the bulk read of named namespaces runs its processes (bulk.ts); tests pass a fake */
  stream?: Streamer;
  /** how many bulk processes side by side (default bulk.ts bulkStreams: one per CPU) */
  bulkStreams?: number;
  /** where owners are looked up (owners/index.ts); false: not at all */
  owners?: OwnerOptions | false;
}

/** argv that runs `ip ARGS` inside a namespace (server/ip/netns.ts: nsenter with its path, O(1) however many namespaces exist). */
export function ipArgvIn(ns: NsEntry, args: string[]): string[] {
  return inNamespace(ns, ['ip', ...args]);
}

/**
 * The host's namespace also lists its nsids (by name): the anchor every other namespace's are asked
 * through. `listNsids`: any other lists its own too (`netns list-id`, O(N) each: for reads of a few).
 */
export async function readNamespace(
  run: Runner,
  ns: Namespace,
  timeoutMs = 10_000,
  listNsids = false,
): Promise<ParsedNamespace> {
  const input = (ns.root || listNsids ? NAMESPACE_BATCH : CONTENT_BATCH).join('\n') + '\n';
  let stdout: string;
  try {
    stdout = (await run(ipArgvIn(ns, ['-j', '-d', '-force', '-batch', '-']), { input, timeoutMs })).stdout;
  } catch (e) {
    // -force still exits non-zero when one line failed (e.g. `netns list-id` on an old kernel): keep what printed.
    if (e instanceof CommandError && e.stdout.trim() && !e.timedOut) stdout = e.stdout;
    else throw e;
  }
  return parseNamespace(ns.id, splitBatch(stdout));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A read that failed because the namespace went away while we looked: not an error, a removal. */
export function isNamespaceGone(e: unknown, ns: Pick<Namespace, 'root'>): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  // nsenter's "reassociate … failed: Invalid argument": the path holds no namespace any more (`ip netns del`
  // unmounts it before it removes the file: a read in between opens a plain file)
  return (
    !ns.root &&
    (/No such file|does not exist|cannot open/i.test(msg) ||
      /^nsenter: reassociate to namespace '[^']*' failed: Invalid argument$/m.test(msg))
  );
}

export interface NamespaceReads {
  parsed: Map<string, ParsedNamespace>;
  /** ids of namespaces that vanished while being read */
  gone: Set<string>;
  /** id → why it could not be read (shown on the namespace and in the banner) */
  errors: Map<string, string>;
}

/**
 * Read the given namespaces, each with one `ip -batch`, a few at a time; many named ones through a few
 * bulk processes (bulk.ts) while the others are read alongside. Never throws per namespace.
 */
export async function readNamespaces(
  run: Runner,
  namespaces: Namespace[],
  opts: Pick<ReadOptions, 'concurrency' | 'timeoutMs' | 'stream' | 'bulkStreams'> & {
    onProgress?: (done: number, total: number) => void;
    /** every namespace lists its own nsids too (no bulk read): for reads of a few that must change nothing */
    listNsids?: boolean;
  } = {},
): Promise<NamespaceReads> {
  const out: NamespaceReads = { parsed: new Map(), gone: new Set(), errors: new Map() };
  const concurrency = opts.concurrency ?? Math.max(2, os.availableParallelism() * 2);
  // answers so far (a namespace the bulk read answered badly is read again alone: at most the total)
  let answered = 0;
  const answer = opts.onProgress
    ? () => opts.onProgress!(Math.min(++answered, namespaces.length), namespaces.length)
    : undefined;
  const readOne = async (ns: Namespace) => {
    try {
      out.parsed.set(ns.id, await readNamespace(run, ns, opts.timeoutMs, opts.listNsids));
    } catch (e) {
      if (isNamespaceGone(e, ns)) out.gone.add(ns.id);
      else out.errors.set(ns.id, e instanceof Error ? e.message : String(e));
    }
    answer?.();
  };
  const named = namespaces.filter(bulkReadable);
  const bulk = new Set(named.length >= BULK_MIN && !opts.listNsids ? named : []);
  const alone = namespaces.filter((ns) => !bulk.has(ns));
  await Promise.all([
    bulk.size
      ? readNamedInBulk(opts.stream ?? defaultStream, [...bulk], opts.timeoutMs, opts.bulkStreams, answer).then(
          (m) => m.forEach((p, id) => out.parsed.set(id, p)),
          () => undefined, // e.g. no temp dir for the batch file: every one is read alone below
        )
      : null,
    mapLimit(alone, concurrency, readOne),
  ]);
  // whatever the bulk read did not bring back is read alone, which also says why it failed
  await mapLimit(
    [...bulk].filter((ns) => !out.parsed.has(ns.id)),
    concurrency,
    readOne,
  );
  opts.onProgress?.(namespaces.length, namespaces.length);
  return out;
}

/** Every namespace's routes in the namespaces' order, as a snapshot lists them (a loop: flatMap costs more at 1,000). */
export function routesOf(namespaces: readonly Namespace[], parsed: ReadonlyMap<string, ParsedNamespace>): Route[] {
  const out: Route[] = [];
  for (const n of namespaces) for (const r of parsed.get(n.id)?.routes ?? []) out.push(r);
  return out;
}

export interface Assembled {
  snapshot: HostSnapshot;
  /** per namespace: its nsids → namespace ids, as resolved (the watcher routes `[nsid N]` events with the root's) */
  nsidMaps: Record<string, Record<number, string>>;
  /** what did not resolve (resolveHost's lines), which the warnings tell: the watcher's quick path keeps them */
  unresolved: string[];
}

/**
 * Resolve and assemble a snapshot from per-namespace parses: in memory, no `ip` runs (only sysfs for SR-IOV).
 * `namespaces` are the present ones, in discovery order, with `error` set where a read failed.
 */
export async function assembleHost(
  namespaces: Namespace[],
  parsed: Map<string, ParsedNamespace>,
  discoveryHidden: string[],
  sysRoot: string = SYSFS_ROOT,
  owners: OwnerFacts = NO_OWNERS,
  /** nsids as the kernel answered them (nsids.ts askNsids) */
  exact?: NsidMaps,
): Promise<Assembled> {
  const { links, unresolved, nsidMaps } = resolveHost(namespaces, parsed, exact);
  tagLinkNetworks(links, owners);
  // enrichSriov mutates `sriov`, which resolveHost shares with the parse: copy it so parses stay as read
  for (const l of links) if (l.sriov) l.sriov = structuredClone(l.sriov);
  await enrichSriov(links, sysRoot);
  const order = new Map(namespaces.map((n, i) => [n.id, i]));
  links.sort((a, b) => (order.get(a.nsId) ?? 0) - (order.get(b.nsId) ?? 0) || a.ifindex - b.ifindex);
  const routes = routesOf(namespaces, parsed);
  const isRoot = typeof process.getuid === 'function' ? process.getuid() === 0 : false;
  const hidden = [...discoveryHidden, ...owners.hidden];
  if (!isRoot) {
    hidden.unshift(
      "not running as root: other processes' namespaces and some details (VF settings, nsids) may be missing, and editing is off",
    );
  }
  for (const n of namespaces) if (n.error) hidden.push(`namespace ${n.label}: ${n.error}`);
  return {
    snapshot: {
      takenAt: new Date().toISOString(),
      hostname: os.hostname(),
      root: isRoot,
      hidden,
      namespaces,
      links,
      routes,
      warnings: computeWarnings(namespaces, links, unresolved),
    },
    nsidMaps,
    unresolved,
  };
}

export async function readHost(run: Runner, opts: ReadOptions = {}): Promise<HostSnapshot> {
  const { namespaces, hidden } = await discoverNamespaces(opts.dirs ?? DEFAULT_DIRS);
  // named namespaces get an nsid in the host's, through which their own nsids are asked (nsids.ts)
  await assignRootNsids(run, namespaces);
  // owners are looked up while ip reads (files and a socket: no process)
  const [reads, owners] = await Promise.all([
    readNamespaces(run, namespaces, opts),
    opts.owners === false ? NO_OWNERS : readOwners(namespaces, opts.owners),
  ]);
  // A namespace that vanished while we read it is not an error: it is simply gone.
  const present = namespaces.filter((n) => !reads.gone.has(n.id));
  for (const n of present) n.error = reads.errors.get(n.id) ?? null;
  applyOwners(present, owners, labelOf);
  const exact = await askNsids(run, present, reads.parsed);
  return (await assembleHost(present, reads.parsed, hidden, opts.sysRoot ?? SYSFS_ROOT, owners, exact)).snapshot;
}
