// The benches' lab: COUNT network namespaces with a unique prefix, each with a veth to a hub namespace
// (made here too — never the root namespace) and a macvlan child mv0 on its veth end. Nothing is made
// outside these namespaces; `removeSync()` deletes them all (safe to call twice, and from a signal handler).
// Also the small helpers the benches share, and the result shape scripts/bench.mjs expects.
import { spawn, spawnSync } from 'node:child_process';

export interface BenchMetric {
  name: string;
  value: number;
  unit: string;
  /** human goal, e.g. "≤ 1.0×" */
  goal?: string;
  ok?: boolean;
}
export interface BenchResult {
  name: string;
  metrics: BenchMetric[];
  notes: string[];
  skipped?: string;
}

export function sh(argv: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // no stdin pipe unless there is input: writing to a program that exited without reading it is EPIPE
    const c = spawn(argv[0], argv.slice(1), { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (d) => (stdout += d));
    c.stderr!.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (c.stdin) {
      c.stdin.on('error', () => {}); // the exit status and stderr tell what went wrong
      c.stdin.end(input);
    }
  });
}

export async function ipBatch(ns: string | null, lines: string[]): Promise<void> {
  const r = await sh(['ip', ...(ns ? ['-n', ns] : []), '-force', '-batch', '-'], lines.join('\n') + '\n');
  if (r.code !== 0) throw new Error(`ip ${ns ? `-n ${ns} ` : ''}-batch: ${r.stderr.trim()}`);
}

export async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * Ctrl-C or a kill while a bench runs: `cleanup` (remove what it made) and exit 130. Returns the function
 * that takes the handlers off again (call it in the bench's finally, after its own cleanup).
 */
export function onInterrupt(log: (s: string) => void, cleanup: () => void): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: removing the bench namespaces`);
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export interface Lab200 {
  prefix: string;
  hub: string;
  /** the COUNT namespaces (not the hub) */
  names: string[];
  /** make the hub and the namespaces, veths and macvlans; resolves when all exist */
  build: () => Promise<void>;
  /** delete every namespace this lab may have made (with everything in them) */
  removeSync: () => void;
}

/** `tag` keeps benches apart (e.g. 'lsb' → `lsb<pid>-0`…; BENCH_LAB_PREFIX=NAME → `NAME-0`… on a shared machine); nothing is made until build(). */
export function lab200(tag: string, count: number): Lab200 {
  const prefix = process.env.BENCH_LAB_PREFIX || `${tag}${process.pid % 100000}`;
  const hub = `${prefix}-hub`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  return {
    prefix,
    hub,
    names,
    build: async () => {
      await ipBatch(
        null,
        [hub, ...names].map((n) => `netns add ${n}`),
      );
      await ipBatch(hub, [
        'link set lo up',
        ...names.flatMap((n, i) => [`link add h${i} type veth peer name veth0 netns ${n}`, `link set h${i} up`]),
      ]);
      await pool(names, 4, (n) =>
        ipBatch(n, [
          'link set lo up',
          'link set veth0 up',
          'link add mv0 link veth0 type macvlan mode bridge',
          'link set mv0 up',
        ]),
      );
    },
    removeSync: () => {
      spawnSync('ip', ['-force', '-batch', '-'], {
        input: [hub, ...names].map((n) => `netns del ${n}`).join('\n') + '\n',
        stdio: ['pipe', 'ignore', 'ignore'],
      });
    },
  };
}
