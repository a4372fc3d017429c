// The watcher's options (with their defaults) and counters, shared by the watcher, its run and its triggers.
import type { Runner } from '../../ip/run';
import { stream as defaultStream } from '../../ip/run';
import type { Streamer } from '../monitor';
import { DEFAULT_DIRS, type NamespaceDirs } from '../namespaces';
import type { OwnerOptions } from '../owners';
import { SYSFS_ROOT } from '../sriov';

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

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<WatchOptions, 'log'>> & { log: (msg: string) => void };

/** what asked for a rediscovery (WatchStats.rediscoverAsks) */
export type RediscoverCause =
  | 'docker-event'
  | 'dir-change'
  | 'nsid-event'
  | 'unknown-nsid'
  | 'monitor-exit'
  | 'processes'
  | 'periodic'
  | 'not-ready'
  | 'gone'
  | 'full-reread';

export interface WatchStats {
  flushes: number;
  namespaceReads: number;
  events: number;
  monitorLines: number;
  rediscoveries: number;
  /** why a rediscovery was asked for, per cause (several asks before a flush make one rediscovery) */
  rediscoverAsks: Partial<Record<RediscoverCause, number>>;
  resyncs: number;
  /** snapshots made by the quick path (quick.ts), and (LINKSCAPE_WATCH_VERIFY=1) those that differed from the full one */
  quickPublishes: number;
  quickMismatches: number;
  /** CPU microseconds (user+system) spent in flushes, and wall ms of the last one */
  flushCpuMicros: number;
  lastFlushMs: number;
}

const envInt = (name: string, dflt: number) => {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(v) && v >= 0 ? v : dflt;
};

export function resolveOptions(opts: WatchOptions): ResolvedOptions {
  return {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
