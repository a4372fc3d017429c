// Reading many namespaces with a few processes instead of one per namespace. Each is
// `xargs -0 -t -I{} nsenter --net={} -- ip -j -d -force -batch FILE` fed the namespaces' paths: for each
// path in turn xargs starts nsenter, which enters it (setns, nothing else) and becomes the inner ip,
// every inner ip's answer streaming back on the shared stdout. The namespaces are dealt out to one such
// process per CPU, so the reads run side by side, and each line is parsed as it arrives, while ip still works.
// With hundreds of namespaces the cost is spawning: a spawn from node costs far more than one from xargs.
// (It was `ip -batch -` of `netns exec NAME …` lines: each of those remounts /sys in a new mount
// namespace, copying every mount of the host, one per named namespace: O(N) per namespace, O(N²) a read.)
import 'server-only';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Streamer } from '../ip/run';
import { bulkArgv, bulkInput as pathsInput, bulkSections, bulkUsablePath } from '../ip/netns';
import {
  classifyBatch,
  CONTENT_BATCH,
  isLinkDoc,
  parseJsonDoc,
  parseNamespace,
  type ParsedNamespace,
} from '../ip/parse';
import type { Namespace } from '../../shared/host/types';

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
export interface BatchGroup {
  docs: unknown[][];
  /** the group's lines as ip printed them: to parse it again as another namespace's (bulk.ts placeGroups) */
  lines: string[];
  broken: boolean;
}

export class BatchGroups {
  readonly groups: BatchGroup[] = [];
  /** documents before the first group: never expected, so they make the whole read suspect */
  stray = 0;
  /** `onClosed(i, group)`: group i is complete (the next one began), so it can be parsed while ip goes on */
  constructor(private readonly onClosed?: (index: number, group: BatchGroup) => void) {}
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
      this.groups.push({ docs: [doc], lines: [t], broken: false });
      const n = this.groups.length;
      if (n > 1) this.onClosed?.(n - 2, this.groups[n - 2]);
    } else if (this.groups.length) {
      const last = this.groups[this.groups.length - 1];
      last.docs.push(doc);
      last.lines.push(t);
    } else this.stray++;
  }
}

/** The argv of the inner ip each namespace runs (the batch file holds CONTENT_BATCH). */
export const innerArgv = (file: string): string[] => ['ip', '-j', '-d', '-force', '-batch', file];

/** A command's stderr section that holds only nsenter's own words: it never entered (gone, or no namespace there) and printed nothing. */
const notEntered = (lines: string[]): boolean => lines.length > 0 && lines.every((l) => l.startsWith('nsenter: '));

export interface Placement {
  /** [namespace asked, group] pairs: the group is that namespace's whole answer */
  placed: [number, number][];
  /** the first namespace whose ip failed (it may have printed part of an answer): nothing after it is placed */
  stoppedAt: number | null;
}

/**
 * Which group is which namespace's answer, from the `-t` sections of a bulk process's stderr (one per
 * command started, in order). A command that wrote nothing to stderr answered in full (nsenter entered,
 * ip printed every document, the link list first): it takes the next group. One that wrote only nsenter's
 * message never ran ip: no group, and the next ones go on. One that wrote anything else (its ip failed)
 * may have printed part of an answer, so nothing from there on can be placed: `stoppedAt`, for the
 * caller to start again after it. After a timeout the last command started may be cut off: it is not
 * placed. When the count does not add up, nothing is guessed.
 */
export function placeGroups(
  asked: number,
  groups: BatchGroups,
  stderr: string,
  timedOut: boolean,
  file: string,
): Placement {
  const none: Placement = { placed: [], stoppedAt: null };
  if (groups.stray) return none;
  const { before, sections } = bulkSections(stderr, innerArgv(file));
  if (before.length || sections.length > asked) return none;
  const got = groups.groups.length;
  const placed: [number, number][] = [];
  let g = 0;
  const last = timedOut ? sections.length - 1 : sections.length;
  for (let k = 0; k < last; k++) {
    const lines = sections[k];
    if (lines.length === 0) {
      if (g >= got) return none;
      placed.push([k, g++]);
    } else if (!notEntered(lines)) return { placed, stoppedAt: k };
  }
  if (timedOut) return got - g <= 1 ? { placed, stoppedAt: null } : none;
  return sections.length === asked && g === got ? { placed, stoppedAt: null } : none;
}

/** A group's documents, parsed again from its lines if they were let go. */
const docsOf = (g: BatchGroup): unknown[][] =>
  g.docs.length || !g.lines.length ? g.docs : g.lines.map((l) => parseJsonDoc(l));

/** placeGroups as pairs of namespace and documents (broken groups left out). */
export function matchGroups<T>(
  asked: T[],
  groups: BatchGroups,
  stderr: string,
  timedOut: boolean,
  file: string,
): [T, unknown[][]][] {
  return placeGroups(asked.length, groups, stderr, timedOut, file)
    .placed.filter(([, g]) => !groups.groups[g].broken)
    .map(([k, g]) => [asked[k], docsOf(groups.groups[g])]);
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
async function readChunk(
  stream: Streamer,
  named: Namespace[],
  file: string,
  timeoutMs: number,
  onAnswer?: () => void,
): Promise<{ parsed: Map<string, ParsedNamespace>; stoppedAt: number | null }> {
  // Groups come in the order asked, so a closed group is parsed at once as the namespace in its place,
  // while ip works on the next; whose each one really is is known at the end (placeGroups): after a
  // namespace that could not be entered they shift by one, and are parsed again from their lines.
  const early = new Map<number, ParsedNamespace | null>();
  const parseGroup = (i: number, g: BatchGroup): ParsedNamespace | null => {
    if (g.broken || i >= named.length) return null;
    try {
      const p = parseNamespace(named[i].id, classifyBatch(docsOf(g)));
      return p.links.length ? p : null; // every namespace has lo: none means a failed read
    } catch {
      return null; // not what ip prints: read it alone
    }
  };
  const groups = new BatchGroups((i, g) => {
    early.set(i, parseGroup(i, g));
    g.docs = []; // parsed: the documents are not needed any more (the lines stay, in case the group shifts)
    onAnswer?.();
  });
  const { argv, input } = bulkCommand(
    named.map((ns) => ns.path as string),
    file,
  );
  const handle = stream(argv, (line) => groups.push(line), {
    input,
    timeoutMs: timeoutMs + 250 * named.length,
    group: true,
  });
  return handle.done.then(
    (done) => {
      const parsed = new Map<string, ParsedNamespace>();
      const { placed, stoppedAt } = placeGroups(named.length, groups, done.stderr, !!done.timedOut, file);
      for (const [k, g] of placed) {
        const p = k === g && early.has(g) ? early.get(g)! : parseGroup(k, groups.groups[g]);
        if (p) parsed.set(named[k].id, p);
      }
      if (groups.groups.length > early.size) onAnswer?.(); // the last answer closes with the stream
      return { parsed, stoppedAt };
    },
    () => ({ parsed: new Map<string, ParsedNamespace>(), stoppedAt: null }),
  );
}

/** how many times one chunk is started again after a namespace whose ip failed */
export const BULK_RESTARTS = 8;

/**
 * Read these namespaces (all bulkReadable) with bulkStreams() processes side by side. Returns what
 * it could read; a namespace missing from the result (gone, failed, cut off by the timeout) is for the
 * caller to read alone, which also says why. A namespace that could not be entered (a vanished pod) is
 * just skipped; after one whose ip failed, a new process reads the ones behind it (a few times). `onAnswer` is called as each namespace's answer arrives (for progress).
 */
export async function readNamedInBulk(
  stream: Streamer,
  named: Namespace[],
  timeoutMs = 10_000,
  streams?: number,
  onAnswer?: () => void,
): Promise<Map<string, ParsedNamespace>> {
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
