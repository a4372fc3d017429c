// Benchmark: the server's cost per live event at 200 namespaces (each with a veth to a hub namespace
// this bench makes — not the root namespace — and a macvlan on its veth end), against a full readHost
// measured in the same run. Per event = re-read ONE namespace + re-resolve the host in memory + diff.
// Measured two ways: (a) that pipeline called directly, with process.cpuUsage around it; (b) end to end
// through a running HostWatcher (ip monitor → debounce → re-read → resolve → diff → subscriber), with its
// CPU, and the latency from the `ip` command returning to the subscriber's state showing the change.
// CPU of the `ip`/`nsenter` children is reported separately (from /proc/self/stat cutime+cstime).
// Everything is made with a unique prefix and removed in finally and on SIGINT/SIGTERM.
// `npm run bench -- watch` (scripts/bench.mjs calls the default export), or `npx tsx --conditions=react-server bench/watch.ts`.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { applyDiff, computeDiff } from '../shared/host/diff';
import { discoverNamespaces } from '../server/host/namespaces';
import { assembleHost, readHost, readNamespaces } from '../server/host/read';
import { HostWatcher } from '../server/host/watch';
import { run } from '../server/ip/run';
import type { HostSnapshot, Namespace } from '../shared/host/types';
import { onInterrupt } from './lib/lab200';

/** what scripts/bench.mjs expects from a bench file's default export */
interface BenchResult {
  name: string;
  metrics: { name: string; value: number; unit: string; goal?: string; ok?: boolean }[];
  notes: string[];
  skipped?: string;
}

const COUNT = Number(process.env.BENCH_NAMESPACES ?? 200);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 40);
const FULL_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL_MS = 20;
const log = (s: string) => process.stderr.write(`[watch] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ipBatch(ns: string | null, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('ip', [...(ns ? ['-n', ns] : []), '-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ip ${ns ? `-n ${ns} ` : ''}-batch: ${stderr.trim()}`)),
    );
    c.stdin.end(lines.join('\n') + '\n');
  });
}
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs: number[]) => quantile(xs, 0.5);

/** CPU ms of this process, and of its reaped children (the ip processes), so far. */
function cpuNow(): { self: number; children: number } {
  const u = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  return { self: (u.user + u.system) / 1000, children: (Number(f[13]) + Number(f[14])) * tick };
}
function cpuSince(c0: { self: number; children: number }) {
  const c = cpuNow();
  return { self: c.self - c0.self, children: c.children - c0.children };
}

export default async function benchWatch(): Promise<BenchResult> {
  const name = `live updates: server cost per event with ${COUNT} namespaces vs a full readHost`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { name, metrics: [], notes: [], skipped: 'needs root (it makes network namespaces)' };

  const prefix = `lsbw${process.pid % 100000}`;
  const hub = `${prefix}-hub`;
  const names = Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`);
  const cleanupSync = () => {
    spawnSync('ip', ['-force', '-batch', '-'], {
      input: [hub, ...names].map((n) => `netns del ${n}`).join('\n') + '\n',
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  };
  const offInterrupt = onInterrupt(log, cleanupSync);
  let watcher: HostWatcher | null = null;
  const ac = new AbortController();

  try {
    let t = performance.now();
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
    log(`built ${COUNT} namespaces + hub ${hub} in ${Math.round(performance.now() - t)} ms`);

    // ---- baseline: a full readHost, same run ----
    await readHost(run); // warm-up
    const full: { wall: number; self: number; children: number }[] = [];
    for (let r = 0; r < FULL_ROUNDS; r++) {
      const c0 = cpuNow();
      t = performance.now();
      await readHost(run);
      const wall = performance.now() - t;
      await sleep(50); // let the last children be reaped into cutime
      full.push({ wall, ...cpuSince(c0) });
      log(
        `full readHost ${r + 1}/${FULL_ROUNDS}: ${Math.round(wall)} ms wall, ${Math.round(full[r].self)} ms CPU (+${Math.round(full[r].children)} ms in ip children)`,
      );
    }

    // ---- (a) the per-event pipeline, called directly ----
    const { namespaces, hidden } = await discoverNamespaces();
    const first = await readNamespaces(run, namespaces);
    const present = namespaces.filter((n) => !first.gone.has(n.id));
    const parsed = first.parsed;
    let prev: HostSnapshot = (await assembleHost(present, parsed, hidden)).snapshot;
    const bench = present.filter((n) => n.name?.startsWith(`${prefix}-`) && n.name !== hub);
    const direct: { self: number; children: number; upserts: number }[] = [];
    const readMs: number[] = [];
    const resolveMs: number[] = [];
    const diffMs: number[] = [];
    for (let k = 0; k < EVENTS; k++) {
      const ns: Namespace = bench[(k * 7) % bench.length];
      const mtu = 1400 - (k % 50);
      await ipBatch(ns.name, [`link set mv0 mtu ${mtu}`]);
      await sleep(20); // the change's own ip process is reaped before we start counting
      const c0 = cpuNow();
      const one = await readNamespaces(run, [ns]);
      const fresh = one.parsed.get(ns.id);
      if (!fresh) throw new Error(`could not re-read ${ns.name}: ${one.errors.get(ns.id) ?? 'gone'}`);
      parsed.set(ns.id, fresh);
      const c1 = cpuNow();
      const next = (await assembleHost(present, parsed, hidden)).snapshot;
      const c2 = cpuNow();
      // as the watcher does: every namespace but the re-read one kept its parse
      const diff = computeDiff(prev, next, {
        sameParse: new Set(present.filter((n) => n.id !== ns.id).map((n) => n.id)),
      });
      const used = cpuSince(c0);
      const c3 = cpuNow();
      resolveMs.push(c2.self - c1.self);
      diffMs.push(c3.self - c2.self);
      readMs.push(c1.self - c0.self);
      await sleep(20);
      const reaped = cpuSince(c0);
      const mv = diff.links.upsert.find((l) => l.nsId === ns.id && l.name === 'mv0');
      if (mv?.mtu !== mtu) throw new Error(`the diff does not show mtu ${mtu} on mv0 in ${ns.name}`);
      direct.push({ self: used.self, children: reaped.children, upserts: diff.links.upsert.length });
      prev = next;
    }

    // ---- (b) end to end through the watcher ----
    watcher = new HostWatcher({ run, lingerMs: 0, log: (m) => log(`watcher: ${m}`) });
    let state: HostSnapshot | null = null;
    const hook: { onState: (() => void) | null } = { onState: null };
    const loop = (async () => {
      for await (const item of watcher.subscribe(null, ac.signal)) {
        if (item.event.type === 'progress') continue;
        state =
          item.event.type === 'snapshot'
            ? item.event.snapshot
            : applyDiff(state as unknown as HostSnapshot, item.event.diff);
        hook.onState?.();
      }
    })();
    /** resolves when the subscriber's state satisfies pred (checked on each event: no polling) */
    const until = (pred: (s: HostSnapshot) => boolean, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such state within ${ms} ms`)), ms);
        const check = () => {
          if (state && pred(state)) {
            clearTimeout(timer);
            hook.onState = null;
            resolve();
          }
        };
        hook.onState = check;
        check();
      });
    t = performance.now();
    await until(() => true, 120_000);
    log(`watcher ready (first full read) in ${Math.round(performance.now() - t)} ms`);
    await sleep(500);
    await watcher.idle();
    const e2e: { latency: number; self: number; children: number; reads: number }[] = [];
    const idOf = new Map(bench.map((n) => [n.name, n.id]));
    for (let k = 0; k < EVENTS; k++) {
      const ns = bench[(k * 11) % bench.length];
      const mtu = 1300 - (k % 50);
      const nsId = idOf.get(ns.name) as string;
      const reads0 = watcher.stats.namespaceReads;
      await ipBatch(ns.name, [`link set mv0 mtu ${mtu}`]);
      await sleep(5);
      const c0 = cpuNow(); // from here: hearing the event, debounce, re-read, resolve, diff, delivery
      const t0 = performance.now();
      try {
        await until((st) => st.links.some((l) => l.nsId === nsId && l.name === 'mv0' && l.mtu === mtu), 5000);
      } catch {
        throw new Error(`the watcher did not deliver mtu ${mtu} on mv0 in ${ns.name} within 5 s`);
      }
      const latency = performance.now() - t0 + 5;
      await watcher.idle();
      const self = cpuSince(c0).self;
      await sleep(30);
      e2e.push({ latency, self, children: cpuSince(c0).children, reads: watcher.stats.namespaceReads - reads0 });
    }
    ac.abort();
    await loop;

    const fullSelf = median(full.map((f) => f.self));
    const fullChildren = median(full.map((f) => f.children));
    const fullWall = median(full.map((f) => f.wall));
    const dSelf = median(direct.map((d) => d.self));
    const eSelf = median(e2e.map((d) => d.self));
    const eChildren = e2e.reduce((a, d) => a + d.children, 0) / e2e.length;
    const lat = e2e.map((d) => d.latency);
    return {
      name,
      metrics: [
        { name: 'namespaces', value: present.length, unit: '' },
        { name: 'links', value: prev.links.length, unit: '' },
        { name: `full readHost CPU (median of ${FULL_ROUNDS})`, value: Math.round(fullSelf), unit: 'ms' },
        { name: 'full readHost wall', value: Math.round(fullWall), unit: 'ms' },
        {
          name: 'per event CPU: re-read 1 ns + resolve + diff (median)',
          value: Number(dSelf.toFixed(1)),
          unit: 'ms',
          goal: `< ${GOAL_MS} ms`,
          ok: dSelf < GOAL_MS,
        },
        {
          name: 'per event CPU, p95',
          value: Number(
            quantile(
              direct.map((d) => d.self),
              0.95,
            ).toFixed(1),
          ),
          unit: 'ms',
        },
        { name: '  of which spawn + ip + parse (median)', value: Number(median(readMs).toFixed(1)), unit: 'ms' },
        { name: '  of which resolve host in memory (median)', value: Number(median(resolveMs).toFixed(1)), unit: 'ms' },
        { name: '  of which diff (median)', value: Number(median(diffMs).toFixed(1)), unit: 'ms' },
        { name: 'full readHost / per event (CPU)', value: Number((fullSelf / dSelf).toFixed(1)), unit: '×' },
        {
          name: 'per event CPU through the watcher (median)',
          value: Number(eSelf.toFixed(1)),
          unit: 'ms',
          goal: `< ${GOAL_MS} ms`,
          ok: eSelf < GOAL_MS,
        },
        { name: 'full readHost / watcher event (CPU)', value: Number((fullSelf / eSelf).toFixed(1)), unit: '×' },
        {
          name: 'ip children CPU: full read vs per event',
          value: Number((fullChildren / Math.max(eChildren, 0.1)).toFixed(1)),
          unit: '×',
        },
        { name: 'latency ip returned → subscriber, p50', value: Math.round(median(lat)), unit: 'ms' },
        { name: 'latency ip returned → subscriber, p95', value: Math.round(quantile(lat, 0.95)), unit: 'ms' },
      ],
      notes: [
        `per event (direct): ${direct.map((d) => d.self.toFixed(1)).join(', ')} ms CPU; every diff upserted only the changed link (max ${Math.max(...direct.map((d) => d.upserts))})`,
        `through the watcher: ${e2e.map((d) => d.self.toFixed(1)).join(', ')} ms CPU; namespace reads per event: max ${Math.max(...e2e.map((d) => d.reads))}`,
        `ip/nsenter children: full readHost ${Math.round(fullChildren)} ms CPU, per event ~${eChildren.toFixed(1)} ms (USER_HZ resolution, averaged)`,
        `CPU is the Node process's (process.cpuUsage: user+system, all threads), which includes fork/exec cost of each spawn; ${os.availableParallelism()} CPUs, load average ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
        `each bench namespace: veth0 (peer h<i> in hub ${hub}, not the root namespace) and macvlan mv0 on veth0; events are \`ip -n NS link set mv0 mtu N\``,
      ],
    };
  } finally {
    ac.abort();
    watcher?.stop();
    offInterrupt();
    cleanupSync();
    log('removed the bench namespaces');
  }
}

// standalone: npx tsx --conditions=react-server bench/watch.ts
// (scripts/bench.mjs loads this file with `node -e …` and the path as argv[1]: not standalone then)
const evaluated = process.execArgv.some((a) => a === '-e' || a === '--eval' || a === '-p' || a === '--print');
if (!evaluated && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchWatch().then(
    (r) => {
      console.log(r.name);
      if (r.skipped) console.log(`SKIPPED: ${r.skipped}`);
      for (const m of r.metrics)
        console.log(
          `  ${m.name.padEnd(56)} ${String(m.value).padStart(8)} ${m.unit}${m.goal ? `  goal ${m.goal}: ${m.ok ? 'met' : 'MISSED'}` : ''}`,
        );
      for (const n of r.notes) console.log(`  - ${n}`);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
