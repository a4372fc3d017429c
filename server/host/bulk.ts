// Reading many namespaces with a few processes instead of one per namespace. Each is
// `xargs -0 -t -I{} nsenter --net={} -- ip -j -d -force -batch FILE` fed the namespaces' paths: for each
// path in turn xargs starts nsenter, which enters it (setns, nothing else) and becomes the inner ip,
// every inner ip's answer streaming back on the shared stdout. The namespaces are dealt out to one such
// process per CPU, so the reads run side by side, and each line is parsed as it arrives, while ip still works.
// With hundreds of namespaces the cost is spawning: a spawn from node costs far more than one from xargs.
// (It was `ip -batch -` of `netns exec NAME …` lines: each of those remounts /sys in a new mount
// namespace, copying every mount of the host, one per named namespace: O(N) per namespace, O(N²) a read.)
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Streamer } from '../ip/run';
import { bulkArgv, bulkInput as pathsInput, bulkSections, bulkUsablePath } from '../ip/netns';
import { classifyBatch, CONTENT_BATCH, isLinkDoc, parseJsonDoc, parseNamespace, type ParsedNamespace } from '../ip/parse';
import type { Namespace } from './types';

/** below this many, one process per namespace (in parallel) is as fast */
export const BULK_MIN = 8;
/** at most this many bulk processes at once */
export const BULK_MAX_STREAMS = 4;

/** Which namespaces go into a bulk read: any but the host's with a path xargs passes on intact (server/ip/netns.ts). */
export function bulkReadable(ns: Pick<Namespace, 'root' | 'source' | 'name' | 'path'>): boolean {
  return !ns.root && !!ns.path && bulkUsablePath(ns.path);
}

/** root-only place for the batch file: nothing to clean up, and no other user can swap it (LINKSCAPE_RUN_DIR moves it) */
export const bulkRunDir = (): string => process.env.LINKSCAPE_RUN_DIR || '/run/linkscape';
const BATCH = CONTENT_BATCH.join('\n') + '\n';
let batchFilePath: string | null = null;

/**
 * The inner batch as a file: every inner ip shares the outer one's stdin, so it cannot read `-`.
 * It lives in a root-owned 0700 directory under /run, checked before use, written once per boot.
 */
function batchFile(): string {
  const dir = bulkRunDir();
  if (batchFilePath && path.dirname(batchFilePath) === dir) return batchFilePath;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new Error(`${dir} is not a private directory of this user`);
  }
  // named after its content: a server of an older version (the four-line batch) keeps its own file
  const file = path.join(dir, 'content.batch');
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* first use */
  }
  if (current !== BATCH) {
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, BATCH, { mode: 0o600 });
    renameSync(tmp, file);
  }
  batchFilePath = file;
  return file;
}

/** How many bulk processes for n namespaces: one per CPU, each with at least BULK_MIN namespaces. */
export function bulkStreams(n: number, cpus: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(cpus, BULK_MAX_STREAMS, Math.floor(n / BULK_MIN)));
}

/** Deal `items` out into `k` runs of consecutive items, sizes differing by at most one. */
export function dealOut<T>(items: T[], k: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const size = Math.floor(items.length / k) + (i < items.length % k ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out.filter((c) => c.length);
}

/**
 * The stdout of one bulk process, cut into one group of documents per namespace read. Every inner ip
 * answers `link show` first, and only that answer is a list of links without addresses, so each such
 * document starts the next namespace's group. A line that is not JSON (a process cut off mid-line)
 * marks its group broken.
 */
export class BatchGroups {
  readonly groups: { docs: unknown[][]; broken: boolean }[] = [];
  /** documents before the first group: never expected, so they make the whole read suspect */
  stray = 0;
  /** `onClosed(i, group)`: group i is complete (the next one began), so it can be parsed while ip goes on */
  constructor(private readonly onClosed?: (index: number, group: { docs: unknown[][]; broken: boolean }) => void) {}
  push(line: string): void {
    const t = line.trim();
    if (!t) return;
    let doc: unknown[];
    try {
      doc = parseJsonDoc(t);
    } catch {
      const last = this.groups.at(-1);
      if (last) last.broken = true;
      else this.stray++;
      return;
    }
    if (isLinkDoc(doc)) {
      this.groups.push({ docs: [doc], broken: false });
      const n = this.groups.length;
      if (n > 1) this.onClosed?.(n - 2, this.groups[n - 2]);
    } else if (this.groups.length) this.groups[this.groups.length - 1].docs.push(doc);
    else this.stray++;
  }
}

/** The argv of the inner ip each namespace runs (the batch file holds CONTENT_BATCH). */
export const innerArgv = (file: string): string[] => ['ip', '-j', '-d', '-force', '-batch', file];

/**
 * The 1-based place of the first namespace whose command wrote anything to stderr (it is gone, or not a
 * namespace any more, or its ip failed), from the `-t` sections of a bulk process's stderr; 0 when
 * stderr holds something before the first command (xargs' own failure: nothing can be placed).
 */
export function failedItem(stderr: string, file: string): number | null {
  const { before, sections } = bulkSections(stderr, innerArgv(file));
  if (before.length) return 0;
  const i = sections.findIndex((lines) => lines.length > 0);
  return i < 0 ? null : i + 1;
}

/**
 * How many of the first groups are whole answers, the i-th for the i-th namespace asked. A command that
 * wrote nothing to stderr answered in full: nsenter entered and ip printed every document (link list
 * first). The first one that wrote something (failedItem) may have printed part of an answer or none,
 * so the groups from there on cannot be placed: every namespace before it was answered, in order; the
 * rest are for the caller (xargs went on with them, but their answers are not used). After a timeout the
 * groups before the last are complete; the last may be cut off. When the count does not add up, nothing
 * is guessed.
 */
export function usableGroups(asked: number, groups: BatchGroups, stderr: string, timedOut: boolean, file: string): number {
  if (groups.stray) return 0;
  const got = groups.groups.length;
  const stop = failedItem(stderr, file);
  if (stop === 0) return 0;
  if (stop !== null) {
    const complete = stop - 1;
    return complete > asked || got < complete ? 0 : complete;
  }
  if (timedOut) return Math.min(asked, Math.max(0, got - 1));
  return got === asked ? asked : 0;
}

/** usableGroups as pairs of namespace and documents (broken groups left out). */
export function matchGroups<T>(asked: T[], groups: BatchGroups, stderr: string, timedOut: boolean, file: string): [T, unknown[][]][] {
  const out: [T, unknown[][]][] = [];
  const n = usableGroups(asked.length, groups, stderr, timedOut, file);
  for (let i = 0; i < n; i++) if (!groups.groups[i].broken) out.push([asked[i], groups.groups[i].docs]);
  return out;
}

/** What one bulk process is: its argv (xargs, nsenter per path, the inner ip) and its stdin (the paths). */
export function bulkCommand(paths: string[], file: string): { argv: string[]; input: string } {
  return { argv: bulkArgv(innerArgv(file)), input: pathsInput(paths) };
}

/** The inner batch file, written if needed (for benchmarks that replay a bulk read from a shell). */
export const innerBatchFile = (): string => batchFile();

/**
 * One bulk process over `named`: the namespaces it read (complete, parsed), and the index of the first
 * one that failed (its answers and those after it are not used), if one did.
 */
async function readChunk(stream: Streamer, named: Namespace[], file: string, timeoutMs: number, onAnswer?: () => void): Promise<{ parsed: Map<string, ParsedNamespace>; stoppedAt: number | null }> {
  // Groups come in the order asked, without gaps (ip stops at the first failure), so a closed group is
  // parsed at once as the namespace in its place, while ip works on the next; which of them count is
  // known at the end.
  const early = new Map<number, ParsedNamespace | null>();
  const parseGroup = (i: number, g: { docs: unknown[][]; broken: boolean }): ParsedNamespace | null => {
    if (g.broken || i >= named.length) return null;
    try {
      const p = parseNamespace(named[i].id, classifyBatch(g.docs));
      return p.links.length ? p : null; // every namespace has lo: none means a failed read
    } catch {
      return null; // not what ip prints: read it alone
    }
  };
  const groups = new BatchGroups((i, g) => {
    early.set(i, parseGroup(i, g));
    g.docs = []; // parsed: the documents are not needed any more
    onAnswer?.();
  });
  const { argv, input } = bulkCommand(named.map((ns) => ns.path as string), file);
  const handle = stream(argv, (line) => groups.push(line), { input, timeoutMs: timeoutMs + 250 * named.length, group: true });
  return handle.done.then(
    (done) => {
      const parsed = new Map<string, ParsedNamespace>();
      const usable = usableGroups(named.length, groups, done.stderr, !!done.timedOut, file);
      for (let i = 0; i < usable; i++) {
        const p = early.has(i) ? early.get(i)! : parseGroup(i, groups.groups[i]);
        if (p) parsed.set(named[i].id, p);
      }
      if (groups.groups.length > early.size) onAnswer?.(); // the last answer closes with the stream
      const item = done.timedOut ? null : failedItem(done.stderr, file);
      return { parsed, stoppedAt: item !== null && item > 0 && item <= named.length ? item - 1 : null };
    },
    () => ({ parsed: new Map<string, ParsedNamespace>(), stoppedAt: null }),
  );
}

/** how many times one chunk is started again after stopping at a failed namespace */
export const BULK_RESTARTS = 8;

/**
 * Read these namespaces (all bulkReadable) with bulkStreams() processes side by side. Returns what
 * it could read; a namespace missing from the result (gone, failed, cut off by the timeout) is for the
 * caller to read alone, which also says why. After a failed namespace a new process reads the ones after
 * it (a few times), so one vanished pod does not cost a single read for every namespace behind it. `onAnswer` is called as each namespace's answer arrives (for progress).
 */
export async function readNamedInBulk(stream: Streamer, named: Namespace[], timeoutMs = 10_000, streams?: number, onAnswer?: () => void): Promise<Map<string, ParsedNamespace>> {
  const out = new Map<string, ParsedNamespace>();
  // without root no namespace can be entered: each is read alone, which says why
  if (process.getuid?.() !== 0) return out;
  const file = batchFile();
  const readable = named.filter(bulkReadable);
  await Promise.all(
    dealOut(readable, streams ?? bulkStreams(readable.length)).map(async (chunk) => {
      let rest = chunk;
      for (let start = 0; start <= BULK_RESTARTS && rest.length; start++) {
        const { parsed, stoppedAt } = await readChunk(stream, rest, file, timeoutMs, onAnswer);
        parsed.forEach((p, id) => out.set(id, p));
        if (stoppedAt === null) break;
        rest = rest.slice(stoppedAt + 1);
      }
    }),
  );
  return out;
}
