// The live host: one watcher per server process, started by the first subscriber, stopped after the
// last one leaves. Kernel events (ip monitor) and namespace comings and goings (inotify, a slow /proc
// re-scan) mark namespaces dirty; bursts are coalesced; only dirty namespaces are re-read with `ip -j`;
// the host is re-resolved in memory and the difference is published as a numbered event.
// How each kind of namespace converges: docs/live.md. The files of this folder: README.md.
import type { Runner } from '../../ip/run';
import type { HostSnapshot, ReadProgress } from '../../../shared/host/types';
import { resolveOptions, sleep, type ResolvedOptions, type WatchOptions, type WatchStats } from './options';
import type { WatchItem } from './ring';
import { WatchRun } from './run';

export type { WatchOptions, WatchStats } from './options';
export type { WatchItem } from './ring';

class Subscriber {
  queue: WatchItem[] = [];
  resync = false;
  private wake: (() => void) | null = null;
  notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  wait(): Promise<void> {
    return new Promise((res) => (this.wake = res));
  }
}

/** the id of progress items: matches no epoch, so resuming from one gets a snapshot */
export const PROGRESS_ID = 'progress';

export class HostWatcher {
  private readonly o: ResolvedOptions;
  private subs = new Set<Subscriber>();
  /** the run under way (from a start to its stop), and its start */
  private run: WatchRun | null = null;
  private starting: Promise<void> | null = null;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;

  readonly stats: WatchStats = {
    flushes: 0,
    namespaceReads: 0,
    events: 0,
    monitorLines: 0,
    rediscoveries: 0,
    rediscoverAsks: {},
    resyncs: 0,
    quickPublishes: 0,
    quickMismatches: 0,
    flushCpuMicros: 0,
    lastFlushMs: 0,
  };

  constructor(opts: WatchOptions) {
    this.o = resolveOptions(opts);
  }

  // ---- subscribers ----

  get subscriberCount(): number {
    return this.subs.size;
  }

  get started(): boolean {
    return this.starting !== null;
  }

  /**
   * Events for one subscriber: first the snapshot (or, when `lastEventId` is still in the ring buffer,
   * the diffs it missed), then every diff. A subscriber that falls `queueSize` events behind gets a fresh
   * snapshot instead of the backlog. Ends when `signal` aborts or the consumer returns.
   */
  async *subscribe(
    lastEventId: string | null = null,
    signal?: AbortSignal,
  ): AsyncGenerator<WatchItem, void, undefined> {
    const sub = new Subscriber();
    this.subs.add(sub);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    const onAbort = () => sub.notify();
    signal?.addEventListener('abort', onAbort);
    try {
      // until the first snapshot: how far its read is, as it goes
      const started = this.ensureStarted();
      let ready = false;
      const settled = started.then(
        () => void (ready = true),
        () => void (ready = true),
      );
      let shown: ReadProgress | null = null;
      while (!ready && !this.run?.snapshot && !signal?.aborted) {
        const p = this.run?.progress ?? null;
        if (p && p !== shown) {
          shown = p;
          yield { id: PROGRESS_ID, seq: -1, event: { type: 'progress', progress: p } };
          continue;
        }
        await Promise.race([settled, sub.wait()]);
      }
      await started;
      if (signal?.aborted) return;
      for (const item of this.catchUp(lastEventId, sub)) yield item;
      while (!signal?.aborted) {
        if (sub.resync) {
          sub.resync = false;
          sub.queue = [];
          yield this.snapshotItem();
          continue;
        }
        const item = sub.queue.shift();
        if (item) yield item;
        else await sub.wait();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.subs.delete(sub);
      if (this.subs.size === 0) this.scheduleStop();
    }
  }

  /** The current state as an event (what a new subscriber gets first). */
  current(): WatchItem | null {
    return this.run?.snapshot ? this.snapshotItem() : null;
  }

  private snapshotItem(): WatchItem {
    const ring = this.run?.ring;
    const seq = ring?.seq ?? 0;
    return {
      id: ring?.idOf(seq) ?? `-${seq}`,
      seq,
      event: { type: 'snapshot', snapshot: this.run?.snapshot as HostSnapshot },
    };
  }

  /** Synchronous: nothing can be published between choosing the start point and clearing the queue. */
  private catchUp(lastEventId: string | null, sub: Subscriber): WatchItem[] {
    sub.queue = [];
    sub.resync = false;
    return this.run?.ring.since(lastEventId) ?? [this.snapshotItem()];
  }

  /** A run's new event, to every subscriber (one too far behind is dropped to a fresh snapshot). */
  private deliver(item: WatchItem): void {
    for (const s of this.subs) {
      if (s.resync) {
        /* already dropped to a snapshot */
      } else if (s.queue.length >= this.o.queueSize) {
        s.queue = [];
        s.resync = true;
        this.stats.resyncs++;
      } else s.queue.push(item);
      s.notify();
    }
  }

  // ---- lifecycle ----

  ensureStarted(): Promise<void> {
    if (!this.starting) {
      const run = new WatchRun(this.o, this.stats, {
        event: (item) => this.deliver(item),
        progress: () => {
          for (const s of this.subs) s.notify();
        },
      });
      this.run = run;
      const p = run.start();
      this.starting = p;
      p.catch(() => {
        if (this.starting === p) this.stop();
      });
    }
    return this.starting;
  }

  private scheduleStop(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    if (this.o.lingerMs <= 0) {
      this.stop();
      return;
    }
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      if (this.subs.size === 0) this.stop();
    }, this.o.lingerMs);
    this.lingerTimer.unref?.();
  }

  /** Stop the run (every process and timer) and drop it; the next subscriber starts afresh (with a new epoch). */
  stop(): void {
    this.run?.stop();
    this.run = null;
    this.starting = null;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    for (const s of this.subs) s.notify();
  }

  /** For tests: the pids of the monitors, so a test can kill one. */
  monitorPids(): ReturnType<WatchRun['monitorPids']> {
    return this.run?.monitorPids() ?? { root: undefined, rootBackoffMs: null, namespaces: {} };
  }

  /**
   * `host.snapshot` from the live state: the current snapshot once the watcher has caught up, or null
   * when it is not watching. Caught up: every re-read already asked for (marked, debounced, queued) is
   * done, and then `quietMs` passed without a new event — a change made by an `ip` that returned just
   * before the call reaches the monitor within that (its pipe), and is read before the answer. While
   * the host keeps changing it answers after `maxMs` with what it has. Changes no event announces
   * (namespaces beyond the monitor cap, read every `overflowReadMs`; processes' namespaces found by the
   * re-scan) can be that much older: `host.snapshot({fresh: true})` reads everything.
   */
  async currentSettled(quietMs = 25, maxMs = 1000): Promise<HostSnapshot | null> {
    const run = this.run;
    if (!this.starting || !run) return null;
    const deadline = Date.now() + maxMs;
    try {
      await this.starting;
    } catch {
      return null;
    }
    for (;;) {
      const before = run.kicks;
      await sleep(Math.max(0, Math.min(quietMs, deadline - Date.now())));
      // a host that never goes quiet (re-reads back to back) is never idle: answer at the deadline
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = await Promise.race([
        run.idle().then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
      if (run.isStopped) return null;
      if ((idle && run.kicks === before) || Date.now() >= deadline) return run.snapshot;
    }
  }

  /** For tests and benches: resolves once no flush is pending or running. */
  idle(): Promise<void> {
    return this.run?.idle() ?? Promise.resolve();
  }

  /**
   * Re-read these namespaces (ids or names; null = all) as if they had sent an event, for changes the
   * kernel makes without one: VF settings of a PF that is down, sysfs writes (sriov_numvfs). The host's
   * namespace is always included. A no-op while nobody watches.
   */
  reread(refs: Iterable<string> | null): void {
    if (refs === null) this.run?.fullReread();
    else this.run?.reread(new Set(refs));
  }
}

// ---- the one watcher of this server process ----

const KEY = Symbol.for('linkscape.hostWatcher');

export function hostWatcher(run: Runner): HostWatcher {
  const g = globalThis as unknown as Record<symbol, HostWatcher | undefined>;
  return (g[KEY] ??= new HostWatcher({ run }));
}

/** What `host.watch` streams: the shared watcher's events for one subscriber. */
export function watchHost(
  run: Runner,
  lastEventId: string | null,
  signal?: AbortSignal,
): AsyncGenerator<WatchItem, void, undefined> {
  return hostWatcher(run).subscribe(lastEventId, signal);
}
