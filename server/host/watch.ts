// The live host: one watcher per server process, started by the first subscriber, stopped after the
// last one leaves. Kernel events (ip monitor) and namespace comings and goings (inotify, a slow /proc
// re-scan) mark namespaces dirty; bursts are coalesced; only dirty namespaces are re-read with `ip -j`;
// the host is re-resolved in memory and the difference is published as a numbered event.
// How each kind of namespace converges: docs/live.md.
import type { Runner } from '../ip/run';
import { stream as defaultStream } from '../ip/run';
import type { ParsedNamespace } from '../ip/parse';
import { parseJsonDoc, parseNsids } from '../ip/parse';
import { computeDiff, deepEqual, isEmptyDiff } from '../../shared/host/diff';
import { NS_MONITOR_ARGS, parseMonitorLine, ROOT_MONITOR_ARGS, SupervisedStream, type Streamer } from './monitor';
import { discoverNamespaces, DEFAULT_DIRS, labelOf, type NamespaceDirs } from './namespaces';
import {
  applyOwners,
  DEFAULT_OWNER_OPTIONS,
  NO_OWNERS,
  readOwners,
  type OwnerFacts,
  type OwnerOptions,
} from './owners';
import { dockerSocket, watchDockerEvents, type DockerEventWatch } from './owners/docker';
import { processFingerprint, watchNamespaceDirs, type NamespaceDirWatch } from './nswatch';
import { helperPids, ownPids } from './ownprocs';
import { assembleHost, ipArgvIn, readNamespaces } from './read';
import { askNsids } from './nsids';
import { SYSFS_ROOT } from './sriov';
import type { HostSnapshot, Namespace, ReadProgress, WatchEvent } from '../../shared/host/types';

export interface WatchOptions {
  run: Runner;
  stream?: Streamer;
  dirs?: NamespaceDirs;
  sysRoot?: string;
  /** quiet time that ends a burst of events before re-reading */
  debounceMs?: number;
  /** a burst that never goes quiet is still read this often */
  maxWaitMs?: number;
  /** the /proc re-scan for namespaces no directory or nsid announces */
  rescanMs?: number;
  /** events kept for resuming subscribers */
  ringSize?: number;
  /** events queued per subscriber before it is dropped to a fresh snapshot */
  queueSize?: number;
  /** per-namespace `ip monitor`s for namespaces the root monitor cannot hear */
  maxNsMonitors?: number;
  /** every this many re-scan ticks, a full discovery even when no process changed (labels, stale entries) */
  fullRescanEvery?: number;
  /** how often namespaces beyond that cap are re-read */
  overflowReadMs?: number;
  /** an `ip` that takes longer is killed (and the namespace shown with the error) */
  readTimeoutMs?: number;
  readConcurrency?: number;
  /** wait after starting the root monitor before reading, so nothing falls between read and listen */
  settleMs?: number;
  /** keep watching this long after the last subscriber left, so a quick reconnect can resume */
  lingerMs?: number;
  /** give named namespaces without an nsid in the root namespace one (`ip netns set NAME auto`) */
  assignNsids?: boolean;
  /** where owners are looked up (owners/index.ts); false: not at all */
  owners?: OwnerOptions | false;
  log?: (msg: string) => void;
}

/** One event as the subscription delivers it: `id` is what a client passes back as lastEventId. */
export interface WatchItem {
  id: string;
  seq: number;
  event: WatchEvent;
}

export interface WatchStats {
  flushes: number;
  namespaceReads: number;
  events: number;
  monitorLines: number;
  rediscoveries: number;
  resyncs: number;
  /** CPU microseconds (user+system) spent in flushes, and wall ms of the last one */
  flushCpuMicros: number;
  lastFlushMs: number;
}

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** the id of progress items: matches no epoch, so resuming from one gets a snapshot */
export const PROGRESS_ID = 'progress';
/** waiting subscribers hear of progress at most this often (and once more at the end of the read) */
const PROGRESS_EVERY_MS = 100;
const envInt = (name: string, dflt: number) => {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(v) && v >= 0 ? v : dflt;
};

export class HostWatcher {
  private readonly o: Required<Omit<WatchOptions, 'log'>> & { log: (msg: string) => void };
  private generation = 0;
  private epoch = '';
  private seq = 0;
  private ring: WatchItem[] = [];
  private subs = new Set<Subscriber>();
  private starting: Promise<void> | null = null;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;

  // the host as last read: discovery, per-namespace parses, and the assembled snapshot
  private rootId = '';
  private namespaces: Namespace[] = [];
  private discoveryHidden: string[] = [];
  private parsed = new Map<string, ParsedNamespace>();
  /** the parses the current snapshot was assembled from */
  private parsedFor = new Map<string, ParsedNamespace>();
  private errors = new Map<string, string>();
  private snapshot: HostSnapshot | null = null;
  /** the first full read's progress, while there is no snapshot yet */
  private progress: ReadProgress | null = null;
  private progressSentAt = 0;
  /** nsid (as the root namespace numbers them) → namespace id: routes `[nsid N]` events */
  private rootNsids = new Map<number, string>();
  /** named namespaces known to have an nsid in the root namespace (or that could not get one) */
  private nsidChecked = new Set<string>();
  /** every namespace's nsids as the kernel answered (nsids.ts): kept while both ends are present, only new ones asked */
  private exactNsids = new Map<string, Map<number, string>>();

  // triggers
  private rootMonitor: SupervisedStream | null = null;
  private nsMonitors = new Map<string, SupervisedStream>();
  private monitorPidOf = new Map<SupervisedStream, number>();
  private overflow: string[] = [];
  private lastOverflowRead = 0;
  private dirWatch: NamespaceDirWatch | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private retryDelay = new Map<string, number>();
  private unknownNsidAt = new Map<number, number>();
  private staleRetries = 0;
  private rescanning = false;
  private lastFingerprint = '';
  private ticksSinceFull = 0;
  /** who owns the namespaces, as the last discovery found; the Docker event stream asks for a new one */
  private ownerFacts: OwnerFacts = NO_OWNERS;
  private dockerEvents: DockerEventWatch | null = null;

  // coalescing
  private dirty = new Set<string>();
  private rediscoverWanted = false;
  private firstMarkAt = 0;
  private debounceTimer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];
  private pendingFlushes = 0;
  /** counts every event that asked for a re-read (currentSettled: has anything new been heard?) */
  private kicks = 0;

  readonly stats: WatchStats = {
    flushes: 0,
    namespaceReads: 0,
    events: 0,
    monitorLines: 0,
    rediscoveries: 0,
    resyncs: 0,
    flushCpuMicros: 0,
    lastFlushMs: 0,
  };

  constructor(opts: WatchOptions) {
    this.o = {
      stream: defaultStream,
      dirs: DEFAULT_DIRS,
      sysRoot: SYSFS_ROOT,
      debounceMs: 30,
      maxWaitMs: 150,
      rescanMs: envInt('LINKSCAPE_WATCH_RESCAN_MS', 2000),
      ringSize: 1000,
      queueSize: 256,
      maxNsMonitors: envInt('LINKSCAPE_WATCH_NS_MONITORS', 64),
      fullRescanEvery: 15,
      overflowReadMs: 5000,
      readTimeoutMs: 10_000,
      readConcurrency: 4,
      settleMs: 50,
      lingerMs: 5000,
      assignNsids: true,
      owners: {},
      ...opts,
      log: opts.log ?? ((m) => console.warn(`[watch] ${m}`)),
    };
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
      while (!ready && !this.snapshot && !signal?.aborted) {
        const p = this.progress;
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
    return this.snapshot ? this.snapshotItem() : null;
  }

  private snapshotItem(): WatchItem {
    return {
      id: this.idOf(this.seq),
      seq: this.seq,
      event: { type: 'snapshot', snapshot: this.snapshot as HostSnapshot },
    };
  }

  private idOf(seq: number): string {
    return `${this.epoch}-${seq}`;
  }

  /** Synchronous: nothing can be published between choosing the start point and clearing the queue. */
  private catchUp(lastEventId: string | null, sub: Subscriber): WatchItem[] {
    sub.queue = [];
    sub.resync = false;
    const m = lastEventId ? /^(.+)-(\d+)$/.exec(lastEventId) : null;
    if (m && m[1] === this.epoch) {
      const seq = Number(m[2]);
      if (seq === this.seq) return [];
      const oldest = this.ring[0]?.seq ?? this.seq + 1;
      if (seq < this.seq && seq >= oldest - 1) return this.ring.filter((e) => e.seq > seq);
    }
    return [this.snapshotItem()];
  }

  private publish(event: WatchEvent): void {
    const item: WatchItem = { id: this.idOf(++this.seq), seq: this.seq, event };
    this.stats.events++;
    this.ring.push(item);
    if (this.ring.length > this.o.ringSize) this.ring.splice(0, this.ring.length - this.o.ringSize);
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
      const p = this.start();
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

  private async start(): Promise<void> {
    const gen = ++this.generation;
    this.epoch = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    this.seq = 0;
    this.ring = [];
    this.rootMonitor = new SupervisedStream(['ip', ...ROOT_MONITOR_ARGS], (line) => this.onRootLine(line), {
      stream: this.o.stream,
      log: this.o.log,
      onStart: (pid, restart) => {
        this.trackPid(this.rootMonitor as SupervisedStream, pid);
        // a monitor that was down missed events: read everything again once it listens
        if (restart) this.later(this.o.settleMs, () => this.fullReread());
      },
      onExit: () => this.trackPid(this.rootMonitor as SupervisedStream, undefined),
    });
    this.rootMonitor.start();
    const sock =
      this.o.owners === false ? null : this.o.owners.docker === undefined ? dockerSocket() : this.o.owners.docker;
    // a container that starts or stops: discover again now, not at the next /proc re-scan
    if (sock && !sock.unusable)
      this.dockerEvents = watchDockerEvents(sock.path, () => this.requestRediscover(), this.o.log);
    // and the directories that name pods: libcni's cache is written after the namespace appears (the
    // runtime's ADD), kubelet's log links when a container starts — each a change of who owns what
    const ownerDirs =
      this.o.owners === false
        ? []
        : [
            this.o.owners.cniDir ?? DEFAULT_OWNER_OPTIONS.cniDir,
            this.o.owners.kubeletLogs ?? DEFAULT_OWNER_OPTIONS.kubeletLogs,
          ];
    this.dirWatch = watchNamespaceDirs(
      [this.o.dirs.named, this.o.dirs.docker, ...ownerDirs],
      () => this.requestRediscover(),
      () => this.onTick(),
      this.o.rescanMs,
    );
    // taken before the first discovery: whatever changes after it shows on the first tick
    this.lastFingerprint = await processFingerprint(this.o.dirs.proc, ownPids);
    this.ticksSinceFull = 0;
    await sleep(this.o.settleMs);
    if (gen !== this.generation) throw new Error('watcher stopped while starting');
    this.rediscoverWanted = true;
    await this.enqueueFlush(gen);
    if (gen !== this.generation) throw new Error('watcher stopped while starting');
    if (!this.snapshot) throw new Error('could not read the host');
  }

  /** Stop every process and timer; the next subscriber starts afresh (with a new epoch). */
  stop(): void {
    this.generation++;
    this.starting = null;
    this.rootMonitor?.stop();
    if (this.rootMonitor) this.trackPid(this.rootMonitor, undefined);
    this.rootMonitor = null;
    for (const m of this.nsMonitors.values()) {
      m.stop();
      this.trackPid(m, undefined);
    }
    this.nsMonitors.clear();
    this.dirWatch?.close();
    this.dirWatch = null;
    this.dockerEvents?.close();
    this.dockerEvents = null;
    this.ownerFacts = NO_OWNERS;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    this.dirty.clear();
    this.rediscoverWanted = false;
    this.firstMarkAt = 0;
    this.namespaces = [];
    this.parsed.clear();
    this.parsedFor.clear();
    this.errors.clear();
    this.retryDelay.clear();
    this.snapshot = null;
    this.progress = null;
    this.progressSentAt = 0;
    this.rootNsids.clear();
    this.nsidChecked.clear();
    this.exactNsids.clear();
    this.overflow = [];
    this.ring = [];
    for (const s of this.subs) s.notify();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** For tests: the pids of the monitors, so a test can kill one. */
  monitorPids(): {
    root: number | undefined;
    rootBackoffMs: number | null;
    namespaces: Record<string, number | undefined>;
  } {
    return {
      root: this.rootMonitor?.pid,
      rootBackoffMs: this.rootMonitor?.lastBackoffMs ?? null,
      namespaces: Object.fromEntries([...this.nsMonitors].map(([id, m]) => [id, m.pid])),
    };
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
    if (!this.starting) return null;
    const gen = this.generation;
    const deadline = Date.now() + maxMs;
    try {
      await this.starting;
    } catch {
      return null;
    }
    for (;;) {
      const before = this.kicks;
      await sleep(Math.max(0, Math.min(quietMs, deadline - Date.now())));
      // a host that never goes quiet (re-reads back to back) is never idle: answer at the deadline
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = await Promise.race([
        this.idle().then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
      if (gen !== this.generation) return null;
      if ((idle && this.kicks === before) || Date.now() >= deadline) return this.snapshot;
    }
  }

  /** For tests and benches: resolves once no flush is pending or running. */
  idle(): Promise<void> {
    if (this.pendingFlushes === 0 && !this.debounceTimer) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private trackPid(m: SupervisedStream, pid: number | undefined): void {
    const old = this.monitorPidOf.get(m);
    if (old !== undefined) helperPids.delete(old);
    if (pid === undefined) this.monitorPidOf.delete(m);
    else {
      this.monitorPidOf.set(m, pid);
      helperPids.add(pid);
    }
  }

  private later(ms: number, fn: () => void): void {
    const gen = this.generation;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (gen === this.generation) fn();
    }, ms);
    this.timers.add(t);
  }

  // ---- triggers ----

  private onRootLine(line: string): void {
    const m = parseMonitorLine(line);
    if (!m) return;
    this.stats.monitorLines++;
    if (m.nsidEvent) this.requestRediscover(); // a namespace got or lost an nsid: something came or went
    if (m.where === 'current') {
      this.mark(this.rootId);
      return;
    }
    const id = this.rootNsids.get(m.nsid);
    if (id) {
      this.mark(id);
      return;
    }
    // An nsid we cannot place yet (a namespace that just got one): look again, at most once a second per nsid.
    const now = Date.now();
    if (now - (this.unknownNsidAt.get(m.nsid) ?? 0) < 1000) return;
    this.unknownNsidAt.set(m.nsid, now);
    this.requestRediscover();
    this.mark(this.rootId); // the root's nsid list and links are what place it
    for (const o of this.overflow) this.mark(o);
  }

  private onTick(): void {
    void this.rescan();
    const now = Date.now();
    if (this.overflow.length && now - this.lastOverflowRead >= this.o.overflowReadMs) {
      this.lastOverflowRead = now;
      for (const id of this.overflow) this.mark(id);
    }
  }

  /**
   * The slow re-scan: processes come and go without any event. A readlink pass tells whether the
   * holders changed; only then (or every `fullRescanEvery` ticks, for labels and stale entries) is
   * the full discovery run.
   */
  private async rescan(): Promise<void> {
    if (this.rescanning) return;
    this.rescanning = true;
    const gen = this.generation;
    try {
      const fp = await processFingerprint(this.o.dirs.proc, ownPids);
      if (gen !== this.generation) return;
      if (fp !== this.lastFingerprint || ++this.ticksSinceFull >= this.o.fullRescanEvery) {
        this.lastFingerprint = fp;
        this.ticksSinceFull = 0;
        this.requestRediscover();
      }
    } finally {
      this.rescanning = false;
    }
  }

  /**
   * Re-read these namespaces (ids or names; null = all) as if they had sent an event, for changes the
   * kernel makes without one: VF settings of a PF that is down, sysfs writes (sriov_numvfs). The host's
   * namespace is always included. A no-op while nobody watches.
   */
  reread(refs: Iterable<string> | null): void {
    if (refs === null) return this.fullReread();
    const want = new Set(refs);
    for (const n of this.namespaces)
      if (n.root || want.has(n.id) || (n.name !== null && want.has(n.name))) this.mark(n.id);
  }

  private fullReread(): void {
    this.rediscoverWanted = true;
    for (const n of this.namespaces) this.dirty.add(n.id);
    this.kick();
  }

  private requestRediscover(): void {
    this.rediscoverWanted = true;
    this.kick();
  }

  private mark(id: string): void {
    if (!id) return;
    this.dirty.add(id);
    this.kick();
  }

  /** Debounce: wait for `debounceMs` of quiet, but never longer than `maxWaitMs` since the first mark. */
  private kick(): void {
    if (!this.starting) return;
    this.kicks++;
    const now = Date.now();
    if (!this.firstMarkAt) this.firstMarkAt = now;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    const wait = Math.max(0, Math.min(this.o.debounceMs, this.firstMarkAt + this.o.maxWaitMs - now));
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.firstMarkAt = 0;
      void this.enqueueFlush(this.generation);
    }, wait);
  }

  private enqueueFlush(gen: number): Promise<void> {
    this.pendingFlushes++;
    const p = this.chain
      .then(() => this.flush(gen))
      .catch((e) => this.o.log(`update failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    this.chain = p.finally(() => {
      this.pendingFlushes--;
      if (this.pendingFlushes === 0 && !this.debounceTimer) for (const w of this.idleWaiters.splice(0)) w();
    });
    return this.chain;
  }

  // ---- one round: rediscover if asked, re-read dirty namespaces, re-resolve, diff, publish ----

  private async flush(gen: number): Promise<void> {
    if (gen !== this.generation) return;
    const dirty = this.dirty;
    this.dirty = new Set();
    let rediscover = this.rediscoverWanted;
    this.rediscoverWanted = false;
    if (!rediscover && dirty.size === 0) return;
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    let changed = false;
    const vanished = new Set<string>();
    /** namespaces whose parse was replaced or dropped in this flush */
    const reread = new Set<string>();
    for (let round = 0; round < 3; round++) {
      if (rediscover) {
        changed = (await this.rediscover(dirty)) || changed;
        if (gen !== this.generation) return;
        rediscover = false;
      }
      const byId = new Map(this.namespaces.map((n) => [n.id, n]));
      const toRead = [...dirty].map((id) => byId.get(id)).filter((n): n is Namespace => !!n);
      dirty.clear();
      if (toRead.length === 0) break;
      // progress is told of the first full read only (a second round re-reads the few that vanished meanwhile)
      const first = !this.snapshot && round === 0;
      const reads = await readNamespaces(this.o.run, toRead, {
        timeoutMs: this.o.readTimeoutMs,
        concurrency: this.o.readConcurrency,
        onProgress: first ? (done, total) => this.setProgress(gen, { done, total }) : undefined,
      });
      if (gen !== this.generation) return;
      this.stats.namespaceReads += toRead.length;
      for (const n of toRead) reread.add(n.id);
      changed = true;
      for (const [id, p] of reads.parsed) {
        this.parsed.set(id, p);
        this.errors.delete(id);
        this.retryDelay.delete(id);
        vanished.delete(id);
      }
      for (const [id, msg] of reads.errors) {
        this.parsed.delete(id);
        this.errors.set(id, msg);
        this.scheduleRetry(id);
      }
      if (reads.gone.size === 0) break;
      // Deleted while we read it: not an error. Look again: gone, or still held by someone else (new path)?
      for (const id of reads.gone) {
        this.parsed.delete(id);
        vanished.add(id);
        dirty.add(id);
      }
      rediscover = true;
    }
    if (vanished.size) {
      // still listed but unreadable as gone after retries: it is going away; drop it like readHost does
      const before = this.namespaces.length;
      this.namespaces = this.namespaces.filter((n) => !vanished.has(n.id) || this.parsed.has(n.id));
      changed ||= this.namespaces.length !== before;
    }
    if (changed) await this.publishNext(gen, reread);
    const cpu = process.cpuUsage(cpu0);
    this.stats.flushes++;
    this.stats.flushCpuMicros += cpu.user + cpu.system;
    this.stats.lastFlushMs = Date.now() - t0;
  }

  /** the first read's progress for subscribers waiting on it: woken at most every PROGRESS_EVERY_MS, and at the end */
  private setProgress(gen: number, p: ReadProgress): void {
    if (gen !== this.generation || this.snapshot) return;
    this.progress = p;
    const now = Date.now();
    if (p.done < p.total && now - this.progressSentAt < PROGRESS_EVERY_MS) return;
    this.progressSentAt = now;
    for (const s of this.subs) s.notify();
  }

  private async publishNext(gen: number, reread: ReadonlySet<string>): Promise<void> {
    const present = this.namespaces.map((n) => ({ ...n, error: this.errors.get(n.id) ?? null }));
    // namespaces not re-read keep the parse the previous snapshot was built from (see DiffHint)
    const sameParse = new Set(
      present
        .filter((n) => !reread.has(n.id) && this.parsed.has(n.id) && this.parsedFor.get(n.id) === this.parsed.get(n.id))
        .map((n) => n.id),
    );
    const exact = await askNsids(this.o.run, present, this.parsed, this.exactNsids, this.snapshot ? reread : undefined);
    if (gen !== this.generation) return;
    this.exactNsids = exact;
    const { snapshot, nsidMaps } = await assembleHost(
      present,
      this.parsed,
      this.discoveryHidden,
      this.o.sysRoot,
      this.ownerFacts,
      exact,
    );
    if (gen !== this.generation) return;
    this.rootNsids = new Map(Object.entries(nsidMaps[this.rootId] ?? {}).map(([k, v]) => [Number(k), v]));
    const prev = this.snapshot;
    this.snapshot = snapshot;
    this.progress = null; // the read it told of is done
    this.parsedFor = new Map(this.parsed);
    if (prev) {
      const diff = computeDiff(prev, snapshot, { sameParse });
      if (!isEmptyDiff(diff, prev)) this.publish({ type: 'diff', diff });
    }
    this.updateNsMonitors();
  }

  /** Re-discover namespaces; new ones join `dirty`. Returns whether the list (or its metadata) changed. */
  private async rediscover(dirty: Set<string>): Promise<boolean> {
    this.stats.rediscoveries++;
    const d = await discoverNamespaces(this.o.dirs);
    const owners = this.o.owners === false ? NO_OWNERS : await readOwners(d.namespaces, this.o.owners);
    applyOwners(d.namespaces, owners, labelOf);
    const ownersChanged =
      !deepEqual(this.ownerFacts.docker, owners.docker) ||
      !deepEqual(this.ownerFacts.cni, owners.cni) ||
      !deepEqual(this.ownerFacts.hidden, owners.hidden);
    this.ownerFacts = owners;
    const root = d.namespaces.find((n) => n.root);
    if (root) this.rootId = root.id;
    if (this.o.assignNsids && (await this.assignNsids(d.namespaces))) dirty.add(this.rootId);
    const before = new Set(this.namespaces.map((n) => n.id));
    const now = new Set(d.namespaces.map((n) => n.id));
    // new ones, and ones never read; ones whose read failed wait for their retry (a hanging `ip` costs its timeout)
    for (const n of d.namespaces)
      if (!before.has(n.id) || (!this.parsed.has(n.id) && !this.errors.has(n.id))) dirty.add(n.id);
    for (const id of before) {
      if (now.has(id)) continue;
      this.parsed.delete(id);
      this.errors.delete(id);
      this.retryDelay.delete(id);
    }
    for (const name of [...this.nsidChecked])
      if (!d.namespaces.some((n) => n.name === name && n.source === 'named')) this.nsidChecked.delete(name);
    const changed =
      ownersChanged || !deepEqual(this.namespaces, d.namespaces) || !deepEqual(this.discoveryHidden, d.hidden);
    this.namespaces = d.namespaces;
    this.discoveryHidden = d.hidden;
    // `ip netns add` creates the file a moment before it mounts the namespace on it: look again shortly
    if (d.hidden.some((h) => h.includes('not a mounted namespace')) && this.staleRetries < 20) {
      this.staleRetries++;
      this.later(100, () => this.requestRediscover());
    } else this.staleRetries = 0;
    return changed;
  }

  /**
   * `ip monitor all-nsid` in the root namespace hears only namespaces that have an nsid there. Named
   * namespaces get one with `ip netns set NAME auto` — the documented iproute2 way (ip-netns(8)); it
   * changes nothing but that id. Returns whether any was assigned.
   */
  private async assignNsids(namespaces: Namespace[]): Promise<boolean> {
    const named = namespaces.filter((n) => n.source === 'named' && n.name && !this.nsidChecked.has(n.name));
    if (named.length === 0) return false;
    let have: Set<string>;
    try {
      const out = (await this.o.run(['ip', '-j', 'netns', 'list-id'])).stdout;
      have = new Set(
        parseNsids(parseJsonDoc(out))
          .map((e) => e.name)
          .filter((x): x is string => !!x),
      );
    } catch (e) {
      this.o.log(`ip netns list-id: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    // a batch line is split on whitespace: a name that is not a plain token gets a monitor of its own instead
    const missing = named.map((n) => n.name as string).filter((name) => !have.has(name) && /^[\w.@:+-]+$/.test(name));
    for (const n of named) this.nsidChecked.add(n.name as string);
    if (missing.length === 0) return false;
    // one process for all of them (200 namespaces must not cost 200 spawns)
    try {
      await this.o.run(['ip', '-force', '-batch', '-'], {
        input: missing.map((name) => `netns set ${name} auto\n`).join(''),
      });
    } catch (e) {
      // Another watcher may have given it one first ("already has a nsid assigned"): that is fine. Others
      // stay unheard by the root monitor and get monitors of their own (updateNsMonitors).
      const errors = (e instanceof Error ? e.message : String(e))
        .split('\n')
        .filter((l) => l.startsWith('Error') && !/already has a nsid/i.test(l));
      if (errors.length)
        this.o.log(
          `ip netns set NAME auto failed for ${errors.length} of ${missing.length} namespace(s): ${errors[0]}`,
        );
    }
    return true;
  }

  /**
   * Namespaces the root monitor cannot hear (no nsid in the root namespace that we can place) get an
   * `ip monitor` of their own, up to `maxNsMonitors`; the rest are re-read every `overflowReadMs`.
   */
  private updateNsMonitors(): void {
    const heard = new Set(this.rootNsids.values());
    const want = this.namespaces.filter((n) => !n.root && n.path && !heard.has(n.id));
    want.sort((a, b) => Number(this.nsMonitors.has(b.id)) - Number(this.nsMonitors.has(a.id)));
    const keep = new Set(want.slice(0, this.o.maxNsMonitors).map((n) => n.id));
    for (const [id, m] of this.nsMonitors) {
      if (keep.has(id)) continue;
      m.stop();
      this.trackPid(m, undefined);
      this.nsMonitors.delete(id);
    }
    for (const ns of want) {
      if (!keep.has(ns.id) || this.nsMonitors.has(ns.id)) continue;
      const id = ns.id;
      const m: SupervisedStream = new SupervisedStream(
        ipArgvIn(ns, NS_MONITOR_ARGS),
        (line) => {
          if (parseMonitorLine(line)) {
            this.stats.monitorLines++;
            this.mark(id);
          }
        },
        {
          stream: this.o.stream,
          log: this.o.log,
          maxBackoffMs: 30_000,
          onStart: (pid) => {
            this.trackPid(m, pid);
            // changes between our last read and the moment it listens: read once more when it surely does
            this.later(250, () => this.mark(id));
          },
          onExit: () => {
            this.trackPid(m, undefined);
            // usually: the namespace (or the path we entered it by) is gone
            this.requestRediscover();
            this.mark(id);
          },
        },
      );
      this.nsMonitors.set(id, m);
      m.start();
    }
    this.overflow = want.filter((n) => !keep.has(n.id)).map((n) => n.id);
  }

  private scheduleRetry(id: string): void {
    const delay = Math.min((this.retryDelay.get(id) ?? 500) * 2, 30_000);
    this.retryDelay.set(id, delay);
    this.later(delay, () => this.mark(id));
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
