// One agent (a linkscape server on a node) as the hub sees it: a live copy of its host (host.watch over
// SSE, diffs patched in), whether it is up, when it was last heard, and a tRPC client for everything else.
// A lost connection marks it down and reconnects with backoff; a fresh snapshot brings it back.
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../api/root';
import type { HostSnapshot, WatchEvent } from '../../shared/host/types';
import { SnapshotJoiner, type WireEvent } from '../../shared/host/parts';
import { applyDiff } from '../../shared/host/diff';
import type { ApplyInput } from '../../shared/edits/schema';
import type { EditSession } from '../edits/apply';
import type { AuditEntry } from '../edits/audit';
import type { RollbackReport } from '../edits/journal';
import { readSse } from './sse';
import type { getCapabilities } from '../host/capabilities';
import type { FdbEntry, FleetNode } from '../../shared/fleet/types';
import { nodeAddresses } from './addresses';

export type AgentApplyResult = Awaited<ReturnType<EditSession['apply']>>;
/** what the agent's edit.* procedures answer (typed from the session, not inferred from AppRouter: that would be circular) */
export interface AgentEditResults {
  undo: AgentApplyResult;
  redo: AgentApplyResult;
  confirm: Awaited<ReturnType<EditSession['confirm']>>;
  revert: RollbackReport;
  checkpoint: ReturnType<EditSession['checkpoints']['status']>;
  recovery: RollbackReport | null;
  dismissRecovery: { dismissed: boolean };
  history: ReturnType<EditSession['historyView']>;
  last: ReturnType<EditSession['lastApplied']>;
  audit: AuditEntry[];
}
export type AgentEditCall = keyof AgentEditResults;
const EDIT_MUTATIONS: ReadonlySet<AgentEditCall> = new Set(['undo', 'redo', 'confirm', 'revert', 'dismissRecovery']);

export interface AgentOptions {
  name: string;
  url: string;
  token: string | null;
  /** addresses the cluster knows for this node (Kubernetes InternalIP) */
  extraAddresses?: string[];
  /** first and longest wait between reconnects */
  backoffMs?: [number, number];
  /** nothing heard (not even a ping, every 15 s) this long: the connection is dead */
  silenceMs?: number;
  fetch?: typeof fetch;
  /** how long one call waits for the agent's answer: a read, and a change (apply, undo, redo, confirm, revert) */
  callTimeoutMs?: { read: number; change: number };
}

export const CALL_TIMEOUT_MS = { read: 30_000, change: 120_000 };

/**
 * The agent did not answer one call in time. For a change the hub cannot know the outcome: the agent may have
 * made it, or still be making it (it applies or rolls back on its own; its history and audit say which).
 */
export class AgentTimeoutError extends Error {
  constructor(
    readonly ms: number,
    readonly change: boolean,
  ) {
    super(
      `no answer within ${ms / 1000} s` +
        (change ? '; the change may have been made there or be under way: see its history before trying again' : ''),
    );
    this.name = 'AgentTimeoutError';
  }
}

export type AgentListener = (e: WatchEvent) => void;

export class AgentClient {
  readonly name: string;
  readonly url: string;
  extraAddresses: string[];
  snapshot: HostSnapshot | null = null;
  fdb: FdbEntry[] = [];
  up = false;
  lastSeen: number | null = null;
  error: string | null = null;
  /** bumps on every change of snapshot, fdb or status (caches key on it) */
  version = 0;
  private readonly token: string | null;
  private readonly backoff: [number, number];
  private readonly silenceMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly timeouts: { read: number; change: number };
  private readonly client;
  private listeners = new Set<AgentListener>();
  private statusListeners = new Set<() => void>();
  private abort: AbortController | null = null;
  private stopped = true;
  private lastEventId: string | null = null;
  private fdbTimer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;

  constructor(o: AgentOptions) {
    this.name = o.name;
    this.url = o.url.replace(/\/+$/, '');
    this.token = o.token;
    this.extraAddresses = o.extraAddresses ?? [];
    this.backoff = o.backoffMs ?? [500, 10_000];
    this.silenceMs = o.silenceMs ?? 40_000;
    this.fetchImpl = o.fetch ?? fetch;
    this.timeouts = o.callTimeoutMs ?? CALL_TIMEOUT_MS;
    this.client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${this.url}/api/trpc`, fetch: this.fetchImpl, headers: () => this.headers() })],
    });
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    if (this.fdbTimer) clearTimeout(this.fdbTimer);
  }

  /** reconnect now instead of after the current backoff (a rediscovery saw the agent again) */
  poke(): void {
    this.wake?.();
  }

  subscribe(fn: AgentListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: () => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  info(): FleetNode {
    const s = this.snapshot;
    return {
      name: this.name,
      url: this.url,
      up: this.up,
      lastSeen: this.lastSeen === null ? null : new Date(this.lastSeen).toISOString(),
      counts: s
        ? {
            namespaces: s.namespaces.length,
            links: s.links.length,
            routes: s.routes.length,
            warnings: s.warnings.length,
          }
        : null,
      error: this.error,
      warnings: s ? s.warnings.map((w) => w.message) : [],
      addresses: nodeAddresses(s, this.extraAddresses),
    };
  }

  /** a plain read on the agent (the live copy is newer when up) */
  readSnapshot(): Promise<HostSnapshot> {
    return this.timed(false, (signal) => this.client.host.snapshot.query(undefined, { signal }));
  }

  capabilities(): Promise<Awaited<ReturnType<typeof getCapabilities>>> {
    return this.timed(false, (signal) => this.client.host.capabilities.query(undefined, { signal }));
  }

  applyEdits(input: ApplyInput): Promise<AgentApplyResult> {
    // a dry run changes nothing: it waits as a read does
    return this.timed(input.dryRun !== true, (signal) => this.client.edit.applyEdits.mutate(input, { signal }));
  }

  /** one call, given up (AgentTimeoutError) when the agent has not answered in time */
  private async timed<T>(change: boolean, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = change ? this.timeouts.change : this.timeouts.read;
    const signal = AbortSignal.timeout(ms);
    try {
      return await call(signal);
    } catch (e) {
      if (signal.aborted) throw new AgentTimeoutError(ms, change);
      throw e;
    }
  }

  /** one of the agent's other edit.* procedures (undo, redo, confirm, revert, history, last, audit, …), as it is */
  editCall<K extends AgentEditCall>(proc: K, input: unknown): Promise<AgentEditResults[K]> {
    // the procedures' input types differ; the hub validated `input` with the same schemas before this
    type Opts = { signal: AbortSignal };
    const p = (
      this.client.edit as unknown as Record<
        string,
        { mutate(i: unknown, o: Opts): Promise<unknown>; query(i: unknown, o: Opts): Promise<unknown> }
      >
    )[proc];
    // dismissRecovery changes no host: it waits as a read does
    const change = EDIT_MUTATIONS.has(proc) && proc !== 'dismissRecovery';
    return this.timed(change, (signal) =>
      EDIT_MUTATIONS.has(proc) ? p.mutate(input, { signal }) : p.query(input, { signal }),
    ) as Promise<AgentEditResults[K]>;
  }

  private status(): void {
    this.version++;
    for (const fn of this.statusListeners) fn();
  }

  private heard(): void {
    this.lastSeen = Date.now();
    if (!this.up || this.error) {
      this.up = true;
      this.error = null;
      this.status();
    }
  }

  private down(message: string): void {
    const changed = this.up || this.error !== message;
    this.up = false;
    this.error = message;
    if (changed) this.status();
  }

  private emit(e: WatchEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private async loop(): Promise<void> {
    let wait = this.backoff[0];
    while (!this.stopped) {
      const heardBefore = this.lastSeen;
      try {
        await this.connectOnce();
        if (!this.stopped) this.down('the agent ended its live feed');
      } catch (e) {
        if (!this.stopped) this.down(errorMessage(e));
      }
      if (this.stopped) break;
      // heard something this time: start over from the shortest wait
      wait = this.lastSeen !== heardBefore ? this.backoff[0] : Math.min(wait * 2, this.backoff[1]);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async connectOnce(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    let silence: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      if (silence) clearTimeout(silence);
      silence = setTimeout(
        () => abort.abort(new Error(`nothing heard for ${Math.round(this.silenceMs / 1000)} s`)),
        this.silenceMs,
      );
    };
    arm();
    try {
      const input = encodeURIComponent(JSON.stringify(this.lastEventId ? { lastEventId: this.lastEventId } : {}));
      const res = await this.fetchImpl(`${this.url}/api/trpc/host.watch?input=${input}`, {
        headers: { ...this.headers(), accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!res.ok || !res.body) throw new Error(`agent answered HTTP ${res.status}: ${await errorBody(res)}`);
      const joiner = new SnapshotJoiner(); // a big snapshot comes in parts (shared/host/parts.ts)
      for await (const ev of readSse(res.body)) {
        arm();
        if (ev.event === 'serialized-error') throw new Error(`agent: ${errorData(ev.data)}`);
        if (ev.event === 'return') return;
        this.heard();
        if (ev.event !== 'message' || !ev.data) continue;
        const data = joiner.take(JSON.parse(ev.data) as WireEvent);
        if (!data) continue;
        if (ev.id && data.type !== 'progress') this.lastEventId = ev.id;
        this.take(data);
      }
    } catch (e) {
      if (abort.signal.aborted && abort.signal.reason instanceof Error) throw abort.signal.reason;
      throw e;
    } finally {
      if (silence) clearTimeout(silence);
    }
  }

  private take(e: WatchEvent): void {
    if (e.type === 'progress') return;
    if (e.type === 'snapshot') {
      this.snapshot = e.snapshot;
      this.scheduleFdb(0);
    } else {
      if (!this.snapshot) return;
      this.snapshot = applyDiff(this.snapshot, e.diff);
      const vx = e.diff.links.upsert.some((l) => l.kind === 'vxlan') || e.diff.links.remove.length > 0;
      this.scheduleFdb(vx ? 200 : 2000);
    }
    this.version++;
    this.emit(e);
  }

  /** FDB entries change without a link event: re-read them after any change, a little later */
  private scheduleFdb(ms: number): void {
    if (this.fdbTimer) return;
    if (!this.snapshot?.links.some((l) => l.kind === 'vxlan')) {
      if (this.fdb.length) {
        this.fdb = [];
        this.version++;
      }
      return;
    }
    this.fdbTimer = setTimeout(() => {
      this.fdbTimer = null;
      this.client.fleet.fdb.query().then(
        (r) => {
          this.fdb = r.entries;
          this.version++;
          this.status();
        },
        () => undefined, // an older agent without fleet.fdb: tunnels from the vxlans' remote only
      );
    }, ms);
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof TRPCClientError) return e.message;
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message ? `${e.message}: ${cause.message}` : e.message;
  }
  return String(e);
}

function errorData(data: string): string {
  try {
    const d = JSON.parse(data) as { message?: string; error?: { message?: string } };
    return d.error?.message ?? d.message ?? data;
  } catch {
    return data;
  }
}

async function errorBody(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { error?: { message?: string } };
    if (j.error?.message) return j.error.message;
  } catch {
    /* not JSON */
  }
  return text.slice(0, 200) || res.statusText;
}
