// One watcher run, from a start to its stop: the host as last read, what is marked to be read again,
// the coalescing of bursts into flushes, and the numbered events of this run. HostWatcher makes a
// fresh one on every start and drops it on stop, so nothing of an earlier run is left over.
import type { ParsedNamespace } from '../../ip/parse';
import { parseJsonDoc, parseNetnsList } from '../../ip/parse';
import { computeDiff, deepEqual, diffNamespaces, isEmptyDiff } from '../../../shared/host/diff';
import { discoverNamespaces, labelOf } from '../namespaces';
import { applyOwners, NO_OWNERS, readOwners, type OwnerFacts } from '../owners';
import { assembleHost, readNamespaces } from '../read';
import { askNsids, unplaced } from '../nsids';
import { quickAssemble, unresolvedByLink, type Unresolved } from './quick';
import type { HostSnapshot, Namespace, ReadProgress, WatchEvent } from '../../../shared/host/types';
import { sleep, type RediscoverCause, type ResolvedOptions, type WatchStats } from './options';
import { EventRing, type WatchItem } from './ring';
import { Triggers, type TriggerSink } from './triggers';

/** LINKSCAPE_WATCH_VERIFY=1 (the tests): every quick snapshot is checked against the full assemble */
const VERIFY = process.env.LINKSCAPE_WATCH_VERIFY === '1';

/** waiting subscribers hear of progress at most this often (and once more at the end of the read) */
const PROGRESS_EVERY_MS = 100;

/** Where a run's news goes: the watcher's subscribers. */
export interface RunListener {
  /** a new event, already numbered in the run's ring */
  event(item: WatchItem): void;
  /** the first read got further (`progress`) */
  progress(): void;
}

export class WatchRun implements TriggerSink {
  readonly ring: EventRing;
  private readonly triggers: Triggers;
  private stopped = false;

  // the host as last read: discovery, per-namespace parses, and the assembled snapshot
  private rootId = '';
  private namespaces: Namespace[] = [];
  private discoveryHidden: string[] = [];
  private parsed = new Map<string, ParsedNamespace>();
  /** the parses the current snapshot was assembled from */
  private parsedFor = new Map<string, ParsedNamespace>();
  private errors = new Map<string, string>();
  private _snapshot: HostSnapshot | null = null;
  /** the first full read's progress, while there is no snapshot yet */
  private _progress: ReadProgress | null = null;
  private progressSentAt = 0;
  /** named namespaces known to have an nsid in the root namespace (or that could not get one) */
  private nsidChecked = new Set<string>();
  /** every namespace's nsids as the kernel answered (nsids.ts): kept while both ends are present, only new ones asked */
  private exactNsids = new Map<string, Map<number, string>>();
  /** who owns the namespaces, as the last discovery found */
  private ownerFacts: OwnerFacts = NO_OWNERS;
  private staleRetries = 0;
  /**
   * Something besides the re-read namespaces' parses changed since the last full assemble (the namespaces
   * found, their owners or labels, a read error): the next snapshot takes the full path, not the quick one.
   */
  private structureDirty = true;
  /** per namespace, what did not resolve in the current snapshot (the quick path keeps it) */
  private unresolved: Unresolved = new Map();

  // coalescing
  private dirty = new Set<string>();
  private rediscoverWanted = false;
  private firstMarkAt = 0;
  private debounceTimer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];
  private pendingFlushes = 0;
  /** counts every event that asked for a re-read (currentSettled: has anything new been heard?) */
  private _kicks = 0;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly stats: WatchStats,
    private readonly listener: RunListener,
  ) {
    this.ring = new EventRing(o.ringSize);
    this.triggers = new Triggers(o, stats, this);
  }

  get snapshot(): HostSnapshot | null {
    return this._snapshot;
  }

  get progress(): ReadProgress | null {
    return this._progress;
  }

  get kicks(): number {
    return this._kicks;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Listens, then reads the whole host; fails if stopped meanwhile or if nothing could be read. */
  async start(): Promise<void> {
    await this.triggers.start();
    await sleep(this.o.settleMs);
    if (this.stopped) throw new Error('watcher stopped while starting');
    this.rediscoverWanted = true;
    await this.enqueueFlush();
    if (this.stopped) throw new Error('watcher stopped while starting');
    if (!this._snapshot) throw new Error('could not read the host');
  }

  /** Ends every process and timer of this run; a flush under way publishes nothing more. */
  stop(): void {
    this.stopped = true;
    this.triggers.stop();
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  monitorPids(): ReturnType<Triggers['monitorPids']> {
    return this.triggers.monitorPids();
  }

  /** Resolves once no flush is pending or running. */
  idle(): Promise<void> {
    if (this.pendingFlushes === 0 && !this.debounceTimer) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** HostWatcher.reread: these namespaces (ids or names) and the host's own. */
  reread(refs: ReadonlySet<string>): void {
    for (const n of this.namespaces)
      if (n.root || refs.has(n.id) || (n.name !== null && refs.has(n.name))) this.mark(n.id);
  }

  // ---- TriggerSink ----

  fullReread(): void {
    this.count('full-reread');
    this.rediscoverWanted = true;
    for (const n of this.namespaces) this.dirty.add(n.id);
    this.kick();
  }

  rediscover(why: RediscoverCause): void {
    this.count(why);
    this.rediscoverWanted = true;
    this.kick();
  }

  private count(why: RediscoverCause): void {
    this.stats.rediscoverAsks[why] = (this.stats.rediscoverAsks[why] ?? 0) + 1;
  }

  markRoot(): void {
    this.mark(this.rootId);
  }

  mark(id: string): void {
    if (!id) return;
    this.dirty.add(id);
    this.kick();
  }

  /** Debounce: wait for `debounceMs` of quiet, but never longer than `maxWaitMs` since the first mark. */
  private kick(): void {
    if (this.stopped) return;
    this._kicks++;
    const now = Date.now();
    if (!this.firstMarkAt) this.firstMarkAt = now;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    const wait = Math.max(0, Math.min(this.o.debounceMs, this.firstMarkAt + this.o.maxWaitMs - now));
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.firstMarkAt = 0;
      void this.enqueueFlush();
    }, wait);
  }

  private enqueueFlush(): Promise<void> {
    this.pendingFlushes++;
    const p = this.chain
      .then(() => this.flush())
      .catch((e) => this.o.log(`update failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    this.chain = p.finally(() => {
      this.pendingFlushes--;
      if (this.pendingFlushes === 0 && !this.debounceTimer) for (const w of this.idleWaiters.splice(0)) w();
    });
    return this.chain;
  }

  // ---- one round: rediscover if asked, re-read dirty namespaces, re-resolve, diff, publish ----

  private async flush(): Promise<void> {
    if (this.stopped) return;
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
        if (await this.discover(dirty)) changed = this.structureDirty = true;
        if (this.stopped) return;
        rediscover = false;
      }
      const byId = new Map(this.namespaces.map((n) => [n.id, n]));
      const toRead = [...dirty].map((id) => byId.get(id)).filter((n): n is Namespace => !!n);
      dirty.clear();
      if (toRead.length === 0) break;
      // progress is told of the first full read only (a second round re-reads the few that vanished meanwhile)
      const first = !this._snapshot && round === 0;
      const reads = await readNamespaces(this.o.run, toRead, {
        timeoutMs: this.o.readTimeoutMs,
        concurrency: this.o.readConcurrency,
        onProgress: first ? (done, total) => this.setProgress({ done, total }) : undefined,
      });
      if (this.stopped) return;
      this.stats.namespaceReads += toRead.length;
      for (const n of toRead) reread.add(n.id);
      changed = true;
      for (const [id, p] of reads.parsed) {
        this.parsed.set(id, p);
        if (this.errors.delete(id)) this.structureDirty = true;
        this.triggers.resetRetry(id);
        vanished.delete(id);
      }
      for (const [id, msg] of reads.errors) {
        if (this.errors.get(id) !== msg || this.parsed.has(id)) this.structureDirty = true;
        this.parsed.delete(id);
        this.errors.set(id, msg);
        this.triggers.retry(id);
      }
      if (reads.gone.size === 0) break;
      // Deleted while we read it: not an error. Look again: gone, or still held by someone else (new path)?
      for (const id of reads.gone) {
        this.structureDirty = true;
        this.parsed.delete(id);
        vanished.add(id);
        dirty.add(id);
      }
      this.count('gone');
      rediscover = true;
    }
    if (vanished.size) {
      // still listed but unreadable as gone after retries: it is going away; drop it like readHost does
      const before = this.namespaces.length;
      this.namespaces = this.namespaces.filter((n) => !vanished.has(n.id) || this.parsed.has(n.id));
      changed ||= this.namespaces.length !== before;
    }
    if (changed) await this.publishNext(reread);
    const cpu = process.cpuUsage(cpu0);
    this.stats.flushes++;
    this.stats.flushCpuMicros += cpu.user + cpu.system;
    this.stats.lastFlushMs = Date.now() - t0;
  }

  /** the first read's progress for subscribers waiting on it: woken at most every PROGRESS_EVERY_MS, and at the end */
  private setProgress(p: ReadProgress): void {
    if (this.stopped || this._snapshot) return;
    this._progress = p;
    const now = Date.now();
    if (p.done < p.total && now - this.progressSentAt < PROGRESS_EVERY_MS) return;
    this.progressSentAt = now;
    this.listener.progress();
  }

  private async publishNext(reread: ReadonlySet<string>): Promise<void> {
    const prev = this._snapshot;
    if (prev && !this.structureDirty && (await this.publishQuick(prev, reread))) return;
    const present = this.namespaces.map((n) => ({ ...n, error: this.errors.get(n.id) ?? null }));
    // namespaces not re-read keep the parse the previous snapshot was built from (see DiffHint)
    const sameParse = new Set(
      present
        .filter((n) => !reread.has(n.id) && this.parsed.has(n.id) && this.parsedFor.get(n.id) === this.parsed.get(n.id))
        .map((n) => n.id),
    );
    const exact = await askNsids(
      this.o.run,
      present,
      this.parsed,
      this.exactNsids,
      this._snapshot ? reread : undefined,
    );
    if (this.stopped) return;
    this.exactNsids = exact;
    const { snapshot, nsidMaps, unresolved } = await this.assembleFull(present, exact);
    if (this.stopped) return;
    const rootNsids = new Map(Object.entries(nsidMaps[this.rootId] ?? {}).map(([k, v]) => [Number(k), v]));
    this._snapshot = snapshot;
    this._progress = null; // the read it told of is done
    this.parsedFor = new Map(this.parsed);
    this.unresolved = unresolvedByLink(unresolved);
    this.structureDirty = false;
    if (prev) {
      const diff = computeDiff(prev, snapshot, { sameParse });
      if (!isEmptyDiff(diff, prev)) this.publish({ type: 'diff', diff });
    }
    this.triggers.listen(this.namespaces, rootNsids);
  }

  private assembleFull(present: Namespace[], exact: Map<string, Map<number, string>>) {
    return assembleHost(present, this.parsed, this.discoveryHidden, this.o.sysRoot, this.ownerFacts, exact);
  }

  /**
   * The quick path (quick.ts): a few namespaces re-read and nothing else changed. Returns false when it
   * cannot be sure of the result (the caller takes the full path), true when it published or found no change.
   */
  private async publishQuick(prev: HostSnapshot, reread: ReadonlySet<string>): Promise<boolean> {
    // a re-read namespace naming an nsid the kernel has not placed for us yet: the full path asks it
    for (const id of reread) if (unplaced(this.parsed.get(id), this.exactNsids.get(id))) return false;
    const q = quickAssemble({
      prev,
      parsed: this.parsed,
      exact: this.exactNsids,
      reread,
      unresolved: this.unresolved,
      before: this.parsedFor,
      owners: this.ownerFacts,
    });
    if (!q) return false;
    if (VERIFY) {
      const full = await this.assembleFull(prev.namespaces, this.exactNsids);
      if (this.stopped) return true;
      const keys = ['namespaces', 'links', 'routes', 'warnings', 'hidden', 'hostname', 'root'] as const;
      const bad = keys.filter((k) => !deepEqual(q.snapshot[k], full.snapshot[k]));
      if (bad.length) {
        this.stats.quickMismatches++;
        const msg = `quick assemble differs from the full one in ${bad.join(', ')}: the full one is used`;
        this.o.log(msg);
        process.stderr.write(`[watch] LINKSCAPE_WATCH_VERIFY: ${msg}\n`); // also where a test's log is muted

        return false;
      }
    }
    this.stats.quickPublishes++;
    this._snapshot = q.snapshot;
    this._progress = null;
    for (const id of reread) {
      const p = this.parsed.get(id);
      if (p) this.parsedFor.set(id, p);
    }
    this.unresolved = q.unresolved;
    const diff = diffNamespaces(prev, q.snapshot, q.changes);
    if (!isEmptyDiff(diff, prev)) this.publish({ type: 'diff', diff });
    return true;
  }

  private publish(event: WatchEvent): void {
    this.stats.events++;
    this.listener.event(this.ring.push(event));
  }

  /** Re-discover namespaces; new ones join `dirty`. Returns whether the list (or its metadata) changed. */
  private async discover(dirty: Set<string>): Promise<boolean> {
    this.stats.rediscoveries++;
    const d = await discoverNamespaces(this.o.dirs);
    const owners = this.o.owners === false ? NO_OWNERS : await readOwners(d.namespaces, this.o.owners);
    applyOwners(d.namespaces, owners, labelOf);
    const ownersChanged =
      !deepEqual(this.ownerFacts.docker, owners.docker) ||
      !deepEqual(this.ownerFacts.cni, owners.cni) ||
      !deepEqual(this.ownerFacts.podman, owners.podman) ||
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
      this.triggers.resetRetry(id);
    }
    for (const name of [...this.nsidChecked])
      if (!d.namespaces.some((n) => n.name === name && n.source === 'named')) this.nsidChecked.delete(name);
    const changed =
      ownersChanged || !deepEqual(this.namespaces, d.namespaces) || !deepEqual(this.discoveryHidden, d.hidden);
    this.namespaces = d.namespaces;
    this.discoveryHidden = d.hidden;
    // `ip netns add` creates the file a moment before it mounts the namespace on it, and podman binds a
    // container's namespace before the container's process is in it (its cgroup names the container):
    // look again shortly
    const early =
      d.hidden.some((h) => h.includes('not a mounted namespace')) ||
      d.namespaces.some((n) => n.owner?.runtime === 'podman' && !n.pids.length);
    if (early && this.staleRetries < 20) {
      this.staleRetries++;
      this.triggers.later(100, () => this.rediscover('not-ready'));
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
      // `netns list`, not `list-id`: a dump some kernels cut short (parse.ts NAMESPACE_BATCH)
      const out = (await this.o.run(['ip', '-j', 'netns', 'list'])).stdout;
      have = new Set(parseNetnsList(parseJsonDoc(out)).map((e) => e.name));
    } catch (e) {
      this.o.log(`ip netns list: ${e instanceof Error ? e.message : String(e)}`);
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
      // stay unheard by the root monitor and get monitors of their own (Triggers.listen).
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
}
