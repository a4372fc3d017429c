// Benchmark: big hosts. One lab grown from 200 to 1,000 to 2,000 namespaces (each with a veth to a hub
// namespace and a macvlan on its veth end, as lab200 makes them; never the root namespace), and at
// each size: a full read (readHost), host.snapshot from the watcher's live state (currentSettled), what
// encoding that snapshot costs, the longest the event loop stalls while host.watch sends it (in parts,
// and whole for comparison), server CPU per event (one namespace changed → re-read, resolve, diff,
// delivered), and the process's RSS with the watcher holding the host. Ratios printed in one run.
// The lab is removed in finally and on SIGINT/SIGTERM. BENCH_SCALE_SIZES=200,1000 for fewer sizes;
// BENCH_SCALE_PREFIX=NAME names the namespaces NAME-hub, NAME-0, ….
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { readHost } from '../server/host/read';
import { run } from '../server/ip/run';
import { HostWatcher } from '../server/host/watch';
import { applyDiff } from '../shared/host/diff';
import type { HostSnapshot } from '../shared/host/types';
import { isTrackedEnvelope } from '@trpc/server';
import { onWire } from '../server/api/wire';
import { jsonInParts } from '../server/api/snapshotQuery';
import { ipBatch, isRoot, onInterrupt, pool, type BenchMetric, type BenchResult } from './lib/lab200';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '200,1000,2000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const EVENTS = Number(process.env.BENCH_SCALE_EVENTS ?? 20);
const log = (s: string) => process.stderr.write(`[scale] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

/** CPU (ms) of this process's reaped children so far (/proc/self/stat cutime+cstime; USER_HZ 100): the ip, nsenter and xargs a read starts */
const childCpuMs = (): number => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  return (Number(f[13]) + Number(f[14])) * 10;
};

/** The longest the event loop went without running a timer while `work` ran (ms): what other requests wait at worst. */
async function longestStall(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    await work();
    worst = Math.max(worst, performance.now() - last);
  } finally {
    clearInterval(tick);
  }
  return worst;
}

/** host.watch's first event on the wire, as tRPC sends it: each yielded event JSON-encoded, then UTF-8 (the SSE frame) */
async function sendSnapshot(snapshot: HostSnapshot, whole: boolean): Promise<number> {
  const enc = new TextEncoder();
  let bytes = 0;
  if (whole) process.env.LINKSCAPE_PART_ITEMS = String(Number.MAX_SAFE_INTEGER);
  try {
    for await (const t of onWire('bench-1', { type: 'snapshot', snapshot })) {
      const data = isTrackedEnvelope(t) ? t[1] : t;
      bytes += enc.encode(`id: bench\ndata: ${JSON.stringify(data)}\n\n`).length;
    }
  } finally {
    delete process.env.LINKSCAPE_PART_ITEMS;
  }
  return bytes;
}

/** the watcher idle, or 5 s passed (a big host may be re-read back to back by its re-scans) */
const settle = (w: HostWatcher) => Promise.race([w.idle(), sleep(5000)]);

interface AtSize {
  n: number;
  /** namespaces the read found (other people's work on this machine adds theirs) */
  seen: number;
  readMs: number;
  /** CPU of the read's child processes per namespace read (ms; the machine is shared: CPU is what grows, wall time also waits) */
  childMsPerNs: number;
  liveMs: number;
  liveMaxMs: number;
  encodeMs: number;
  mb: number;
  /** the longest the event loop stalled while host.watch's snapshot was encoded: in parts (as sent), and whole */
  stallMs: number;
  wholeStallMs: number;
  /** the same for host.snapshot's body, as a plain GET gets it (server/api/snapshotQuery.ts) */
  queryStallMs: number;
  eventCpuMs: number;
  eventMs: number;
  rssMb: number;
}

export default async function bench(): Promise<BenchResult> {
  const name = `big hosts: reads, live snapshot, per-event CPU and RSS at ${SIZES.join(', ')} namespaces`;
  if (!isRoot()) return { name, metrics: [], notes: [], skipped: 'needs root (makes namespaces)' };
  // BENCH_SCALE_PREFIX: the namespaces' name prefix (a shared machine: each runner keeps to its own)
  const prefix = process.env.BENCH_SCALE_PREFIX || `lsB${process.pid % 100000}`;
  const hub = `${prefix}-hub`;
  const names: string[] = [];
  const removeSync = () => {
    spawnSync('ip', ['-force', '-batch', '-'], {
      input: [hub, ...names].map((n) => `netns del ${n}`).join('\n') + '\n',
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  };
  const offInterrupt = onInterrupt(log, removeSync);
  const grow = async (to: number) => {
    const from = names.length;
    const add = Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);
    names.push(...add);
    await ipBatch(
      null,
      [...(from === 0 ? [hub] : []), ...add].map((n) => `netns add ${n}`),
    );
    await ipBatch(hub, [
      ...(from === 0 ? ['link set lo up'] : []),
      ...add.flatMap((n, i) => [
        `link add h${from + i} type veth peer name veth0 netns ${n}`,
        `link set h${from + i} up`,
      ]),
    ]);
    await pool(add, 4, (n) =>
      ipBatch(n, [
        'link set lo up',
        'link set veth0 up',
        'link add mv0 link veth0 type macvlan mode bridge',
        'link set mv0 up',
      ]),
    );
  };
  const results: AtSize[] = [];
  const notes: string[] = [];
  try {
    for (const n of SIZES) {
      let t = performance.now();
      await grow(n);
      log(`lab at ${n} namespaces (+hub) in ${Math.round(performance.now() - t)} ms`);
      // ---- full read ----
      const rounds = n <= 200 ? 3 : n <= 1000 ? 2 : Number(process.env.BENCH_SCALE_BIG_ROUNDS ?? 2);
      const reads: number[] = [];
      const childPerNs: number[] = [];
      const ownPerNs: number[] = [];
      let snap: HostSnapshot | null = null;
      for (let r = 0; r < rounds; r++) {
        const c0 = childCpuMs();
        const own0 = process.cpuUsage();
        t = performance.now();
        snap = await readHost(run);
        reads.push(performance.now() - t);
        const own = process.cpuUsage(own0);
        await sleep(50); // the last children reaped into cutime
        childPerNs.push((childCpuMs() - c0) / snap.namespaces.length);
        ownPerNs.push((own.user + own.system) / 1000 / snap.namespaces.length);
        log(
          `${n}: full read ${r + 1}/${rounds}: ${Math.round(reads[r])} ms (${snap.namespaces.length} namespaces, ${snap.links.length} links), children ${childPerNs[r].toFixed(2)} ms CPU per namespace, this process ${ownPerNs[r].toFixed(2)} ms`,
        );
      }
      const ours = snap!.links.filter(
        (l) => l.name === 'veth0' && snap!.namespaces.find((x) => x.id === l.nsId)?.name?.startsWith(`${prefix}-`),
      );
      const unpaired = ours.filter((l) => !l.peerId).length;
      if (unpaired) notes.push(`${n}: ${unpaired} of ${ours.length} lab veths without a peer in the read`);
      snap = null;
      // ---- the watcher: live snapshot, per-event CPU, RSS ----
      const watcher = new HostWatcher({ run, lingerMs: 0, log: (m) => log(`watcher: ${m}`) });
      const ac = new AbortController();
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
      try {
        t = performance.now();
        await until(() => true, 600_000);
        log(`${n}: watcher's first read ${Math.round(performance.now() - t)} ms`);
        await sleep(500);
        await settle(watcher);
        const live: number[] = [];
        for (let i = 0; i < 10; i++) {
          t = performance.now();
          const s = await watcher.currentSettled();
          live.push(performance.now() - t);
          if (!s) throw new Error('no live snapshot while watching');
        }
        t = performance.now();
        const json = JSON.stringify(await watcher.currentSettled());
        const encodeMs = performance.now() - t;
        const settled = (await watcher.currentSettled())!;
        const stalls: number[] = [];
        const wholeStalls: number[] = [];
        const queryStalls: number[] = [];
        for (let r = 0; r < 3; r++) {
          stalls.push(await longestStall(() => sendSnapshot(settled, false).then(() => undefined)));
          queryStalls.push(
            await longestStall(async () => {
              const enc = new TextEncoder();
              for await (const piece of jsonInParts(settled as unknown as Record<string, unknown>)) enc.encode(piece);
            }),
          );
          wholeStalls.push(await longestStall(() => sendSnapshot(settled, true).then(() => undefined)));
        }
        const ids = new Map((state as HostSnapshot | null)!.namespaces.map((x) => [x.name, x.id]));
        const cpu: number[] = [];
        const lat: number[] = [];
        const rediscoveries0 = watcher.stats.rediscoveries;
        const asks0 = { ...watcher.stats.rediscoverAsks };
        const events0 = Date.now();
        for (let k = 0; k < EVENTS; k++) {
          const ns = names[(k * 37) % n];
          const nsId = ids.get(ns);
          // a value the link does not have now (an earlier size changed the same namespaces)
          const cur =
            (state as HostSnapshot | null)!.links.find((l) => l.nsId === nsId && l.name === 'mv0')?.mtu ?? 1500;
          const mtu = cur > 1300 ? cur - 1 : cur + 1;
          // the watcher's own account of its flushes (re-read, resolve, diff, publish): the event may be
          // heard and read while this process still waits for the ip that made it (fork is slow here)
          const f0 = watcher.stats.flushCpuMicros;
          t = performance.now();
          await ipBatch(ns, [`link set mv0 mtu ${mtu}`]);
          await until((st) => st.links.some((l) => l.nsId === nsId && l.name === 'mv0' && l.mtu === mtu), 20_000);
          lat.push(performance.now() - t);
          await settle(watcher);
          cpu.push((watcher.stats.flushCpuMicros - f0) / 1000);
          await sleep(30);
        }
        const rssMb = process.memoryUsage().rss / 2 ** 20;
        // a steady host needs no rediscovery for an MTU change: what asked for them while the events ran
        const asks = Object.entries(watcher.stats.rediscoverAsks)
          .map(([why, k]) => [why, k - ((asks0 as Record<string, number>)[why] ?? 0)] as const)
          .filter(([, k]) => k > 0)
          .map(([why, k]) => `${why} ${k}`);
        const rediscoveries = `${watcher.stats.rediscoveries - rediscoveries0} rediscoveries in ${((Date.now() - events0) / 1000).toFixed(1)} s of events (asked by: ${asks.join(', ') || 'nothing'})`;
        log(`${n}: ${rediscoveries}`);
        notes.push(`${n}: ${rediscoveries}`);
        results.push({
          n,
          seen: (state as HostSnapshot | null)!.namespaces.length,
          readMs: Math.min(...reads),
          childMsPerNs: median(childPerNs),
          liveMs: median(live),
          liveMaxMs: Math.max(...live),
          encodeMs,
          mb: json.length / 2 ** 20,
          stallMs: median(stalls),
          wholeStallMs: median(wholeStalls),
          queryStallMs: median(queryStalls),
          eventCpuMs: median(cpu),
          eventMs: p95(lat),
          rssMb,
        });
        const r = results.at(-1)!;
        log(
          `${n}: read ${Math.round(r.readMs)} ms · live snapshot ${r.liveMs.toFixed(1)} ms (max ${r.liveMaxMs.toFixed(1)}) · encode ${Math.round(r.encodeMs)} ms for ${r.mb.toFixed(1)} MB · longest stall sending it ${r.stallMs.toFixed(1)} ms in parts (host.snapshot ${r.queryStallMs.toFixed(1)} ms), ${Math.round(r.wholeStallMs)} ms whole · event CPU ${r.eventCpuMs.toFixed(1)} ms (p95 latency ${Math.round(r.eventMs)} ms) · RSS ${Math.round(r.rssMb)} MB`,
        );
      } catch (e) {
        // keep the sizes measured so far (and this size's read): say what failed instead of losing the run
        results.push({
          n,
          seen: 0,
          readMs: Math.min(...reads),
          childMsPerNs: median(childPerNs),
          liveMs: NaN,
          liveMaxMs: NaN,
          encodeMs: NaN,
          mb: NaN,
          stallMs: NaN,
          wholeStallMs: NaN,
          queryStallMs: NaN,
          eventCpuMs: NaN,
          eventMs: NaN,
          rssMb: process.memoryUsage().rss / 2 ** 20,
        });
        notes.push(`${n}: the watcher part failed: ${e instanceof Error ? e.message : String(e)}`);
        log(`${n}: watcher part failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        ac.abort();
        watcher.stop();
        await loop;
      }
    }
  } finally {
    const t = performance.now();
    removeSync();
    offInterrupt();
    log(`lab removed in ${Math.round(performance.now() - t)} ms`);
  }
  const at = (n: number) => results.find((r) => r.n === n);
  const metrics: BenchMetric[] = [];
  for (const r of results) {
    metrics.push({
      name: `full read at ${r.n} (${r.seen} namespaces on the host; best of the rounds: the machine is shared)`,
      value: Math.round(r.readMs),
      unit: 'ms',
    });
    metrics.push({
      name: `full read at ${r.n}: ip/nsenter/xargs CPU per namespace (median)`,
      value: Number(r.childMsPerNs.toFixed(2)),
      unit: 'ms',
    });
    metrics.push({
      name: `host.snapshot from live state at ${r.n} (median of 10)`,
      value: Number(r.liveMs.toFixed(1)),
      unit: 'ms',
      ...(r.n === 1000 ? { goal: '< 100 ms', ok: r.liveMs < 100 } : {}),
    });
    metrics.push({
      name: `JSON encoding of that snapshot at ${r.n} (${r.mb.toFixed(1)} MB)`,
      value: Math.round(r.encodeMs),
      unit: 'ms',
    });
    metrics.push({
      name: `longest event-loop stall while host.watch sends that snapshot at ${r.n}, in parts (median of 3)`,
      value: Number(r.stallMs.toFixed(1)),
      unit: 'ms',
      ...(r.n >= 1000 ? { goal: '< 50 ms', ok: r.stallMs < 50 } : {}),
    });
    metrics.push({
      name: `the same while host.snapshot's body is written (a plain GET, in parts)`,
      value: Number(r.queryStallMs.toFixed(1)),
      unit: 'ms',
      ...(r.n >= 1000 ? { goal: '< 50 ms', ok: r.queryStallMs < 50 } : {}),
    });
    metrics.push({
      name: `the same, sent whole (one event, as before parts)`,
      value: Math.round(r.wholeStallMs),
      unit: 'ms',
    });
    metrics.push({
      name: `latency ip → state at ${r.n} (p95, incl. the ip's own spawn)`,
      value: Math.round(r.eventMs),
      unit: 'ms',
    });
    metrics.push({
      name: `server CPU per event at ${r.n} (median of ${EVENTS})`,
      value: Number(r.eventCpuMs.toFixed(1)),
      unit: 'ms',
    });
    metrics.push({
      name: `server RSS with the watcher at ${r.n}`,
      value: Math.round(r.rssMb),
      unit: 'MB',
      ...(r.n === 1000 ? { goal: '< 300 MB', ok: r.rssMb < 300 } : {}),
    });
  }
  const ratio = (a: AtSize | undefined, b: AtSize | undefined, f: (r: AtSize) => number) =>
    a && b ? Number((f(b) / f(a)).toFixed(2)) : null;
  const r1 = ratio(at(200), at(1000), (r) => r.readMs);
  const r2 = ratio(at(1000), at(2000), (r) => r.readMs);
  const rc = ratio(at(200), at(1000), (r) => r.eventCpuMs);
  if (r1 !== null)
    metrics.push({ name: 'read(1000) / read(200)', value: r1, unit: '×', goal: '≤ 5.5×', ok: r1 <= 5.5 });
  if (r2 !== null)
    metrics.push({ name: 'read(2000) / read(1000)', value: r2, unit: '×', goal: '≤ 2.2×', ok: r2 <= 2.2 });
  if (rc !== null)
    metrics.push({ name: 'CPU per event: 1000 / 200', value: rc, unit: '×', goal: '≤ 1.5×', ok: rc <= 1.5 });
  notes.push(
    `${os.availableParallelism()} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )}; per-event CPU is the watcher's flushes (process.cpuUsage around each: re-read, resolve, diff, publish), RSS is this process's after the events (it also held the earlier sizes' garbage)`,
  );
  return { name, metrics, notes };
}
