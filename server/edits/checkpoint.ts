// One plan at a time, and confirm-or-revert (as Cockpit and nmstate do): a plan applied with
// `checkpoint: {seconds}` stays open until `edit.confirm`; unconfirmed, the server reverts it by itself.
// While one waits for confirmation no other plan runs (its revert must find the host as the plan left it).
import type { Plan } from './plan';
import type { PlanJournal, RollbackReport } from './journal';
import type { CallContext } from './apply';

/** how long a second plan waits for the one running before it is refused */
export const LOCK_WAIT_MS = 10_000;

/** Refused: another plan runs, one waits for confirmation, or the server is stopping. Nothing ran. */
export class BusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusyError';
  }
}

export class NoSuchCheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSuchCheckpointError';
  }
}

export interface Pending {
  id: string;
  ctx: CallContext;
  plan: Plan;
  journal: PlanJournal;
  when: string;
  seconds: number;
  expiresAt: string;
  timer: ReturnType<typeof setTimeout>;
}

export interface CheckpointStatus {
  /** a plan waiting for confirmation */
  pending: {
    id: string;
    when: string;
    seconds: number;
    expiresAt: string;
    remainingMs: number;
    steps: string[];
  } | null;
  /** the last plan reverted for want of confirmation (or by request), for the page to say so */
  reverted: { id: string; at: string; why: string; ok: boolean; left: RollbackReport['left'] } | null;
}

export class Checkpoints {
  private running: Promise<unknown> | null = null;
  private pending: Pending | null = null;
  private lastReverted: CheckpointStatus['reverted'] = null;
  private closing = false;

  constructor(private readonly revert: (p: Pending, why: string) => Promise<unknown>) {}

  /** Run fn when no other plan runs; wait up to LOCK_WAIT_MS, then refuse. */
  exclusive<T>(fn: () => Promise<T>, opts: { evenWhenClosing?: boolean } = {}): Promise<T> {
    return this.lock(fn, opts.evenWhenClosing === true);
  }

  private async lock<T>(fn: () => Promise<T>, evenWhenClosing: boolean): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      if (this.closing && !evenWhenClosing) throw new BusyError('linkscape is stopping: no new plans are started');
      const r = this.running;
      if (!r) break;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new BusyError(
          `another plan is being applied; still running after ${LOCK_WAIT_MS / 1000} s of waiting — nothing was run, try again when it has finished`,
        );
      let t: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([r.catch(() => undefined), new Promise((res) => (t = setTimeout(res, left)))]);
      clearTimeout(t);
    }
    const p = fn();
    this.running = p;
    try {
      return await p;
    } finally {
      if (this.running === p) this.running = null;
    }
  }

  refuseWhilePending(): void {
    const p = this.pending;
    if (p)
      throw new BusyError(
        `a change applied at ${p.when} is waiting for confirmation (it reverts at ${p.expiresAt}): keep it (edit.confirm) or let it revert before the next`,
      );
  }

  /** Hold an applied plan for confirmation; it reverts by itself after `seconds`. */
  hold(o: { ctx: CallContext; plan: Plan; journal: PlanJournal; seconds: number; when: string }): {
    id: string;
    seconds: number;
    expiresAt: string;
  } {
    const id = o.journal.begin.id;
    const expiresAt = new Date(Date.now() + o.seconds * 1000).toISOString();
    const timer = setTimeout(() => {
      if (this.pending?.id !== id) return;
      const p = this.pending;
      this.pending = null;
      void this.lock(() => this.revert(p, `not confirmed within ${o.seconds} s`), true).catch((e) =>
        console.error(`linkscape: reverting ${id}:`, e),
      );
    }, o.seconds * 1000);
    this.pending = {
      id,
      ctx: o.ctx,
      plan: o.plan,
      journal: o.journal,
      when: o.when,
      seconds: o.seconds,
      expiresAt,
      timer,
    };
    return { id, seconds: o.seconds, expiresAt };
  }

  /** The pending plan with this id, no longer pending (its timer stopped). */
  take(id: string): Pending {
    const p = this.pending;
    if (!p || p.id !== id) {
      const r = this.lastReverted?.id === id ? ` (it was reverted: ${this.lastReverted.why})` : '';
      throw new NoSuchCheckpointError(`no change with id ${JSON.stringify(id)} is waiting for confirmation${r}`);
    }
    clearTimeout(p.timer);
    this.pending = null;
    return p;
  }

  reverted(p: Pending, why: string, report: RollbackReport): void {
    this.lastReverted = { id: p.id, at: new Date().toISOString(), why, ok: report.ok, left: report.left };
  }

  status(): CheckpointStatus {
    const p = this.pending;
    return {
      pending: p
        ? {
            id: p.id,
            when: p.when,
            seconds: p.seconds,
            expiresAt: p.expiresAt,
            remainingMs: Math.max(0, Date.parse(p.expiresAt) - Date.now()),
            steps: p.plan.steps.map((s) => s.description),
          }
        : null,
      reverted: this.lastReverted,
    };
  }

  busy(): boolean {
    return this.running !== null || this.pending !== null;
  }

  /** Stopping: no new plans; wait for the running one; revert one waiting for confirmation. */
  async drain(revertNow: (p: Pending) => Promise<unknown>): Promise<void> {
    this.closing = true;
    while (this.running) await this.running.catch(() => undefined);
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    await this.lock(() => revertNow(p), true);
  }
}
