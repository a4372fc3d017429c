// Reading many named namespaces with ONE process: `ip -all netns exec ip -j -d -force -batch FILE`
// enters each /var/run/netns entry in turn (fork + setns + exec, what a shell loop of `ip -n` does)
// and prints "\nnetns: NAME\n" before each one's documents. With hundreds of namespaces the cost is
// spawning, and one spawn from node is far cheaper than one per namespace.
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandError, type Runner } from '../ip/run';
import { NAMESPACE_BATCH, parseNamespace, splitBatch, type ParsedNamespace } from '../ip/parse';
import type { Namespace } from './types';

/** where `ip -n` / `ip -all netns` look (compiled into iproute2) */
export const IP_NETNS_DIR = '/var/run/netns';
/** below this many, one process per namespace (in parallel) is as fast */
export const BULK_MIN = 8;

/** Can `ip -all netns exec` reach it (a named namespace under iproute2's own directory)? */
export function inIpNetnsDir(ns: Pick<Namespace, 'root' | 'source' | 'name' | 'path'>): boolean {
  return !ns.root && ns.source === 'named' && !!ns.name && ns.path === `${IP_NETNS_DIR}/${ns.name}`;
}

/** root-only place for the batch file: nothing to clean up, and no other user can swap it */
export const BULK_RUN_DIR = '/run/linkscape';
const BATCH = NAMESPACE_BATCH.join('\n') + '\n';
let batchFilePath: string | null = null;

/**
 * The batch as a file: every child of `-all netns exec` shares one stdin, so `-batch -` cannot work.
 * It lives in a root-owned 0700 directory under /run, checked before use, written once per boot.
 */
function batchFile(): string {
  if (batchFilePath) return batchFilePath;
  mkdirSync(BULK_RUN_DIR, { recursive: true, mode: 0o700 });
  const st = lstatSync(BULK_RUN_DIR);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new Error(`${BULK_RUN_DIR} is not a private directory of this user`);
  }
  const file = path.join(BULK_RUN_DIR, 'namespace.batch');
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

/** Split `ip -all netns exec …` stdout into each namespace's part, by its "netns: NAME" header. */
export function splitAllNetns(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (name !== null) out.set(name, lines.join('\n'));
  };
  for (const line of stdout.split('\n')) {
    const m = /^netns: (.*)$/.exec(line);
    if (m) {
      flush();
      name = m[1];
      lines = [];
    } else if (name !== null) lines.push(line);
  }
  flush();
  return out;
}

/** Is reading `wanted` in bulk worth it: enough of them, and most of what the directory holds? */
export function worthBulk(wanted: number, dir: string = IP_NETNS_DIR): boolean {
  if (wanted < BULK_MIN) return false;
  try {
    return wanted * 2 >= readdirSync(dir).length;
  } catch {
    return false;
  }
}

/**
 * Read these named namespaces with one `ip -all netns exec`. Returns what it could parse; a namespace
 * missing from the result (not entered, vanished, cut off by the timeout) is for the caller to read alone,
 * which also says why it failed.
 */
export async function readNamedInBulk(run: Runner, named: Namespace[], timeoutMs = 10_000): Promise<Map<string, ParsedNamespace>> {
  const out = new Map<string, ParsedNamespace>();
  // without root no namespace can be entered: each is read alone, which says why
  if (process.getuid?.() !== 0) return out;
  let stdout: string;
  try {
    stdout = (await run(['ip', '-all', 'netns', 'exec', 'ip', '-j', '-d', '-force', '-batch', batchFile()], { timeoutMs: timeoutMs + 250 * named.length })).stdout;
  } catch (e) {
    if (!(e instanceof CommandError)) return out;
    stdout = e.stdout; // keep every namespace that was read completely
  }
  const sections = splitAllNetns(stdout);
  for (const ns of named) {
    const text = sections.get(ns.name ?? '');
    if (!text?.trim()) continue;
    try {
      const parsed = parseNamespace(ns.id, splitBatch(text));
      if (parsed.links.length) out.set(ns.id, parsed); // every namespace has lo: none means a failed read
    } catch {
      /* a cut-off last document: read it alone */
    }
  }
  return out;
}
