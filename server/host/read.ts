// Read the whole host: discover namespaces, read each with one `ip -batch` process (in parallel),
// resolve ids across namespaces, add SR-IOV facts from sysfs.
import os from 'node:os';
import type { Runner } from '../ip/run';
import { CommandError } from '../ip/run';
import { NAMESPACE_BATCH, parseNamespace, splitBatch, type ParsedNamespace } from '../ip/parse';
import { discoverNamespaces, DEFAULT_DIRS, type NamespaceDirs } from './namespaces';
import { resolveHost } from './resolve';
import { enrichSriov, SYSFS_ROOT } from './sriov';
import { computeWarnings } from './warnings';
import type { HostSnapshot, Namespace } from './types';

export interface ReadOptions {
  dirs?: NamespaceDirs;
  sysRoot?: string;
  /** how many `ip` processes at once */
  concurrency?: number;
  timeoutMs?: number;
}

/** argv that runs `ip` inside a namespace: the server's own directly, any other through nsenter. */
export function ipArgvIn(ns: Pick<Namespace, 'root' | 'path'>, args: string[]): string[] {
  if (ns.root || !ns.path) return ['ip', ...args];
  return ['nsenter', `--net=${ns.path}`, '--', 'ip', ...args];
}

export async function readNamespace(run: Runner, ns: Namespace, timeoutMs = 10_000): Promise<ParsedNamespace> {
  const input = NAMESPACE_BATCH.join('\n') + '\n';
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

export async function readHost(run: Runner, opts: ReadOptions = {}): Promise<HostSnapshot> {
  const { namespaces, hidden } = await discoverNamespaces(opts.dirs ?? DEFAULT_DIRS);
  const parsed = new Map<string, ParsedNamespace>();
  const concurrency = opts.concurrency ?? Math.max(2, os.availableParallelism() * 2);
  const gone = new Set<string>();
  await mapLimit(namespaces, concurrency, async (ns) => {
    try {
      parsed.set(ns.id, await readNamespace(run, ns, opts.timeoutMs));
    } catch (e) {
      // A namespace that vanished while we read it is not an error: it is simply gone.
      const msg = e instanceof Error ? e.message : String(e);
      if (/No such file|does not exist|cannot open/i.test(msg) && !ns.root) gone.add(ns.id);
      else ns.error = msg;
    }
  });
  const present = namespaces.filter((n) => !gone.has(n.id));
  const { links, unresolved } = resolveHost(present, parsed);
  await enrichSriov(links, opts.sysRoot ?? SYSFS_ROOT);
  const routes = present.flatMap((n) => parsed.get(n.id)?.routes ?? []);
  const isRoot = typeof process.getuid === 'function' ? process.getuid() === 0 : false;
  if (!isRoot) {
    hidden.unshift('not running as root: other processes\' namespaces and some details (VF settings, nsids) may be missing, and editing is off');
  }
  for (const n of present) if (n.error) hidden.push(`namespace ${n.label}: ${n.error}`);
  return {
    takenAt: new Date().toISOString(),
    hostname: os.hostname(),
    root: isRoot,
    hidden,
    namespaces: present,
    links,
    routes,
    warnings: computeWarnings(present, links, unresolved),
  };
}
