// What makes one watcher run look again: the `ip monitor`s (one in the root namespace, one per
// namespace it cannot hear), inotify on the directories that name namespaces and pods, Docker's event
// stream, the slow /proc re-scan, the periodic read of namespaces beyond the monitor cap, and the
// timers of retries. Each says only what to look at (TriggerSink); the run decides when and reads.
import 'server-only';
import path from 'node:path';
import type { Namespace } from '../../../shared/host/types';
import { NS_MONITOR_ARGS, parseMonitorLine, ROOT_MONITOR_ARGS, SupervisedStream } from '../monitor';
import { DEFAULT_OWNER_OPTIONS } from '../owners';
import { dockerSocket, watchDockerEvents, type DockerEventWatch } from '../owners/docker';
import { helperPids, ownPids } from '../ownprocs';
import { ipArgvIn } from '../read';
import { processFingerprint, watchNamespaceDirs, type NamespaceDirWatch } from './nswatch';
import type { RediscoverCause, ResolvedOptions, WatchStats } from './options';

/** What the triggers ask of the run they serve. */
export interface TriggerSink {
  /** re-read this namespace */
  mark(id: string): void;
  /** re-read the host's own namespace */
  markRoot(): void;
  /** discover the namespaces again (some came or went, or their owners changed); `why` is counted */
  rediscover(why: RediscoverCause): void;
  /** discover and re-read everything (a monitor was down and missed events) */
  fullReread(): void;
}

export class Triggers {
  private stopped = false;
  private rootMonitor: SupervisedStream | null = null;
  private nsMonitors = new Map<string, SupervisedStream>();
  private monitorPidOf = new Map<SupervisedStream, number>();
  /** nsid (as the root namespace numbers them) → namespace id: routes `[nsid N]` events */
  private rootNsids = new Map<number, string>();
  private unknownNsidAt = new Map<number, number>();
  /** namespaces beyond the monitor cap, re-read every `overflowReadMs` */
  private overflow: string[] = [];
  private lastOverflowRead = 0;
  private dirWatch: NamespaceDirWatch | null = null;
  private dockerEvents: DockerEventWatch | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private retryDelay = new Map<string, number>();
  private rescanning = false;
  private lastFingerprint = '';
  private ticksSinceFull = 0;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly stats: WatchStats,
    private readonly sink: TriggerSink,
  ) {}

  /** Starts listening; resolves once the /proc fingerprint the first re-scan compares with is taken. */
  async start(): Promise<void> {
    const root: SupervisedStream = new SupervisedStream(['ip', ...ROOT_MONITOR_ARGS], (line) => this.onRootLine(line), {
      stream: this.o.stream,
      log: this.o.log,
      onStart: (pid, restart) => {
        this.trackPid(root, pid);
        // a monitor that was down missed events: read everything again once it listens
        if (restart) this.later(this.o.settleMs, () => this.sink.fullReread());
      },
      onExit: () => this.trackPid(root, undefined),
    });
    this.rootMonitor = root;
    root.start();
    const owners = this.o.owners;
    const sock = owners === false ? null : owners.docker === undefined ? dockerSocket() : owners.docker;
    // a container that starts or stops: discover again now, not at the next /proc re-scan
    if (sock && !sock.unusable)
      this.dockerEvents = watchDockerEvents(sock.path, () => this.sink.rediscover('docker-event'), this.o.log);
    // and the directories that name pods: libcni's cache is written after the namespace appears (the
    // runtime's ADD), kubelet's log links when a container starts — each a change of who owns what
    const ownerDirs =
      owners === false
        ? []
        : [
            owners.cniDir ?? DEFAULT_OWNER_OPTIONS.cniDir,
            owners.kubeletLogs ?? DEFAULT_OWNER_OPTIONS.kubeletLogs,
            // Podman: containers.json's directory (a container made, removed, renamed), netavark's network files
            path.dirname(owners.podmanContainers ?? DEFAULT_OWNER_OPTIONS.podmanContainers),
            owners.podmanNetworks ?? DEFAULT_OWNER_OPTIONS.podmanNetworks,
          ];
    this.dirWatch = watchNamespaceDirs(
      [this.o.dirs.named, this.o.dirs.docker, ...ownerDirs],
      () => this.sink.rediscover('dir-change'),
      () => this.onTick(),
      this.o.rescanMs,
    );
    // taken before the first discovery: whatever changes after it shows on the first tick
    this.lastFingerprint = await processFingerprint(this.o.dirs.proc, ownPids);
  }

  /** Ends every process, watch and timer; nothing calls the sink afterwards. */
  stop(): void {
    this.stopped = true;
    for (const m of [this.rootMonitor, ...this.nsMonitors.values()]) {
      if (!m) continue;
      m.stop();
      this.trackPid(m, undefined);
    }
    this.dirWatch?.close();
    this.dockerEvents?.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Calls fn after ms, unless stopped by then. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  /** A read of this namespace failed: read it again later, waiting twice as long each time (up to 30 s). */
  retry(id: string): void {
    const delay = Math.min((this.retryDelay.get(id) ?? 500) * 2, 30_000);
    this.retryDelay.set(id, delay);
    this.later(delay, () => this.sink.mark(id));
  }

  /** Read fine, or gone: its next failure starts the backoff over. */
  resetRetry(id: string): void {
    this.retryDelay.delete(id);
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
   * After each new state: `rootNsids` (the root namespace's nsids, placed) route the root monitor's
   * `[nsid N]` lines. Namespaces it cannot hear get an `ip monitor` of their own, up to
   * `maxNsMonitors`; the rest are re-read every `overflowReadMs`.
   */
  listen(namespaces: readonly Namespace[], rootNsids: Map<number, string>): void {
    if (this.stopped) return;
    this.rootNsids = rootNsids;
    const heard = new Set(rootNsids.values());
    const want = namespaces.filter((n) => !n.root && n.path && !heard.has(n.id));
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
            this.sink.mark(id);
          }
        },
        {
          stream: this.o.stream,
          log: this.o.log,
          maxBackoffMs: 30_000,
          onStart: (pid) => {
            this.trackPid(m, pid);
            // changes between our last read and the moment it listens: read once more when it surely does
            this.later(250, () => this.sink.mark(id));
          },
          onExit: () => {
            this.trackPid(m, undefined);
            // usually: the namespace (or the path we entered it by) is gone
            this.sink.rediscover('monitor-exit');
            this.sink.mark(id);
          },
        },
      );
      this.nsMonitors.set(id, m);
      m.start();
    }
    this.overflow = want.filter((n) => !keep.has(n.id)).map((n) => n.id);
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

  private onRootLine(line: string): void {
    const m = parseMonitorLine(line);
    if (!m) return;
    this.stats.monitorLines++;
    if (m.nsidEvent) this.sink.rediscover('nsid-event'); // a namespace got or lost an nsid: something came or went
    if (m.where === 'current') {
      this.sink.markRoot();
      return;
    }
    const id = this.rootNsids.get(m.nsid);
    if (id) {
      this.sink.mark(id);
      return;
    }
    // An nsid we cannot place yet (a namespace that just got one): look again, at most once a second per nsid.
    const now = Date.now();
    if (now - (this.unknownNsidAt.get(m.nsid) ?? 0) < 1000) return;
    this.unknownNsidAt.set(m.nsid, now);
    this.sink.rediscover('unknown-nsid');
    this.sink.markRoot(); // the root's nsid list and links are what place it
    for (const o of this.overflow) this.sink.mark(o);
  }

  private onTick(): void {
    void this.rescan();
    const now = Date.now();
    if (this.overflow.length && now - this.lastOverflowRead >= this.o.overflowReadMs) {
      this.lastOverflowRead = now;
      for (const id of this.overflow) this.sink.mark(id);
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
    try {
      const fp = await processFingerprint(this.o.dirs.proc, ownPids);
      if (this.stopped) return;
      const moved = fp !== this.lastFingerprint;
      if (moved || ++this.ticksSinceFull >= this.o.fullRescanEvery) {
        this.lastFingerprint = fp;
        this.ticksSinceFull = 0;
        this.sink.rediscover(moved ? 'processes' : 'periodic');
      }
    } finally {
      this.rescanning = false;
    }
  }
}
