// `ip monitor` as a trigger: which namespace changed, nothing more (it prints text, never JSON),
// and a supervisor that restarts a monitor that died, with backoff.
import type { StreamHandle, Streamer } from '../ip/run';

export type { Streamer };

/** What the root namespace's `ip monitor all-nsid` line says about where it happened. */
export type MonitorLine =
  /** an event in the namespace the monitor runs in */
  | { where: 'current'; nsidEvent: boolean }
  /** an event in the namespace the monitor's namespace knows as nsid N */
  | { where: 'nsid'; nsid: number; nsidEvent: boolean }
  /** a continuation line (indented details of the previous event) or noise */
  | null;

const PREFIX = /^\[nsid (current|-?\d+)\]/;
// "nsid 3 (iproute2 netns name: x)" / "Deleted nsid 3": namespaces came or went
const NSID_EVENT = /^(Deleted )?nsid -?\d+/;

/** Classify one line of `ip monitor [all-nsid] …` output. */
export function parseMonitorLine(line: string): MonitorLine {
  if (!line || /^\s/.test(line)) return null;
  const m = PREFIX.exec(line);
  if (!m) return { where: 'current', nsidEvent: NSID_EVENT.test(line) };
  const rest = line.slice(m[0].length);
  const nsidEvent = NSID_EVENT.test(rest);
  return m[1] === 'current' ? { where: 'current', nsidEvent } : { where: 'nsid', nsid: Number(m[1]), nsidEvent };
}

/** argv of the root namespace's monitor: links, addresses, routes and nsids of every namespace it has an nsid for. */
export const ROOT_MONITOR_ARGS = ['monitor', 'all-nsid', 'link', 'address', 'route', 'nsid'];
/** argv (after `ip`) of a monitor inside one namespace the root one cannot hear. */
export const NS_MONITOR_ARGS = ['monitor', 'link', 'address', 'route', 'nsid'];

export interface SupervisorOptions {
  stream: Streamer;
  /** called with the new pid after the process (re)starts; `restart` is false the first time */
  onStart?: (pid: number | undefined, restart: boolean) => void;
  /** called when it exited on its own; return false to give up instead of restarting */
  onExit?: (info: { exitCode: number | null; stderr: string; pid: number | undefined }) => boolean | void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** alive this long counts as healthy: the backoff starts over */
  healthyMs?: number;
  log?: (msg: string) => void;
}

/** A long-running process that is restarted (with exponential backoff) whenever it exits. */
export class SupervisedStream {
  private handle: StreamHandle | null = null;
  private stopped = false;
  private backoff: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private startedAt = 0;
  private starts = 0;
  private lastWait: number | null = null;

  constructor(
    readonly argv: string[],
    private readonly onLine: (line: string) => void,
    private readonly opts: SupervisorOptions,
  ) {
    this.backoff = opts.minBackoffMs ?? 100;
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }

  /** the wait before the restart scheduled last (ms), or null before any */
  get lastBackoffMs(): number | null {
    return this.lastWait;
  }

  /** how many times it was started (1 + restarts) */
  get startCount(): number {
    return this.starts;
  }

  start(): void {
    if (this.stopped || this.handle) return;
    let h: StreamHandle;
    try {
      h = this.opts.stream(this.argv, this.onLine);
    } catch (e) {
      this.opts.log?.(`cannot start ${this.argv.join(' ')}: ${e instanceof Error ? e.message : String(e)}`);
      this.scheduleRestart();
      return;
    }
    this.handle = h;
    this.startedAt = Date.now();
    this.opts.onStart?.(h.pid, this.starts++ > 0);
    void h.done.then((r) => {
      if (this.handle !== h) return;
      this.handle = null;
      if (this.stopped) return;
      const again = this.opts.onExit?.({ ...r, pid: h.pid });
      this.opts.log?.(
        `${this.argv.join(' ')} (pid ${h.pid}) exited with ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`,
      );
      if (again === false) {
        this.stopped = true;
        return;
      }
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const healthy = Date.now() - this.startedAt >= (this.opts.healthyMs ?? 10_000);
    if (healthy) this.backoff = this.opts.minBackoffMs ?? 100;
    const wait = this.backoff;
    this.lastWait = wait;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.handle?.stop();
    this.handle = null;
  }
}
