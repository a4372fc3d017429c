// Run a plan step by step through the Runner. All or nothing: when step k fails, the undos of steps
// k-1…1 run in reverse and the kernel's message comes back verbatim. Applied plans are kept for undo
// and redo (history.ts). Plans run one at a time.
import 'server-only';
import type { Runner } from '../ip/run';
import type { HostSnapshot } from '../../shared/host/types';
import { readForEdits } from './read';
import { getCapabilities, type Capabilities } from '../host/capabilities';
import { ApplyInput, type Edit } from '../../shared/edits/schema';
import { planEdits, PlanError, type Plan, type PlanGuard, type PlanStep } from './plan';
import { createHash } from 'node:crypto';
import { planShape } from '../../shared/edits/planShape';
import { planToShell, sysfsWriteOf } from '../../shared/edits/shell';
import { writeSysfs } from './sysfs';
import { appendAudit, type AuditEntry } from './audit';
import { PlanJournal, rollBack, type RollbackReport, type StepJournal } from './journal';
import { Checkpoints, BusyError, type Pending } from './checkpoint';
import { EditHistory, inversePlan, NothingToUndoError, StaleHistoryError, type HistoryView } from './history';

export { inversePlan, NothingToUndoError, StaleHistoryError };

export interface StepOutcome {
  /** 1-based step number in the plan that was run */
  step: number;
  argv: string[];
  ok: boolean;
  /** the program's stderr verbatim when it failed */
  error: string | null;
}

export type RunOutcome =
  | { ok: true; applied: StepOutcome[] }
  | {
      ok: false;
      /** 1-based: plan.steps[failedStep - 1] failed */
      failedStep: number;
      failed: { argv: string[]; description: string };
      /** the kernel's (ip's) message verbatim, e.g. "Error: Unknown device type." */
      error: string;
      applied: StepOutcome[];
      /** the undos that ran, newest step first */
      rolledBack: StepOutcome[];
      /** steps that had run but have no undo (the plan's warnings said so) */
      notUndone: number[];
    };

export type ApplyResult =
  | {
      dryRun: true;
      ok: true;
      plan: Plan;
      planId: string;
      shell: string;
      capabilities: { probed: boolean; note: string | null };
    }
  | ({
      dryRun: false;
      plan: Plan;
      planId?: string;
      shell: string;
      undoAvailable: boolean;
      checkpoint?: { id: string; seconds: number; expiresAt: string } | null;
    } & RunOutcome);

/** The lock-out guard held a plan back: `force` was not given. */
/** expectPlan no longer matches: the host changed since the plan was shown, and nothing ran */
export class PlanChangedError extends Error {
  constructor() {
    super('the host changed since this plan was shown: nothing was applied — look at the new plan and apply again');
    this.name = 'PlanChangedError';
  }
}

export class GuardError extends Error {
  readonly guards: PlanGuard[];
  readonly issues: { path: (string | number)[]; message: string }[];
  constructor(guards: PlanGuard[]) {
    super(`refused without force: ${guards.map((g) => g.reason).join('; ')}`);
    this.name = 'GuardError';
    this.guards = guards;
    this.issues = guards.map((g) => ({
      path: ['force'],
      message: `${g.reason} — to go ahead, confirm with force (type "${g.link}")`,
    }));
  }
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface RunPlanOptions {
  /** where sysfs-write steps may write (default: the reader's sysfs root, LINKSCAPE_SYSFS or /sys) */
  sysfsRoot?: string;
  /** marks each step before and after it runs (journal.ts), so a crash mid-plan can be rolled back */
  journal?: StepJournal;
}

/** One step's argv: a program through the runner, or a sysfs attribute write (see shell.ts). */
export async function execStep(run: Runner, argv: string[], opts: RunPlanOptions): Promise<void> {
  const w = sysfsWriteOf(argv);
  if (w) await writeSysfs(w.path, w.value, opts.sysfsRoot);
  else await run(argv);
}

/** Run the steps in order; on a failure, undo what ran, newest first. */
export async function runPlan(
  run: Runner,
  steps: Pick<PlanStep, 'argv' | 'undo' | 'description'>[],
  opts: RunPlanOptions = {},
): Promise<RunOutcome> {
  const applied: StepOutcome[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    let ran = false; // the step ran but the journal could not say so: it is undone with the rest
    try {
      opts.journal?.run(i + 1);
      await execStep(run, s.argv, opts);
      ran = true;
      opts.journal?.ok(i + 1);
      applied.push({ step: i + 1, argv: s.argv, ok: true, error: null });
    } catch (e) {
      try {
        opts.journal?.fail(i + 1, errText(e));
      } catch {
        /* the journal itself is failing: roll back all the same */
      }
      const rolledBack: StepOutcome[] = [];
      const notUndone: number[] = [];
      for (let j = ran ? i : i - 1; j >= 0; j--) {
        const undo = steps[j].undo;
        if (!undo) {
          notUndone.push(j + 1);
          continue;
        }
        try {
          try {
            opts.journal?.undo(j + 1);
          } catch {
            /* as above */
          }
          await execStep(run, undo, opts);
          try {
            opts.journal?.undone(j + 1, true, null);
          } catch {
            /* as above */
          }
          rolledBack.push({ step: j + 1, argv: undo, ok: true, error: null });
        } catch (ue) {
          try {
            opts.journal?.undone(j + 1, false, errText(ue));
          } catch {
            /* as above */
          }
          rolledBack.push({ step: j + 1, argv: undo, ok: false, error: errText(ue) });
        }
      }
      return {
        ok: false,
        failedStep: i + 1,
        failed: { argv: s.argv, description: s.description },
        error: errText(e),
        applied,
        rolledBack,
        notUndone,
      };
    }
  }
  return { ok: true, applied };
}

export interface CallContext {
  run: Runner;
  auditLog: string;
  remote: string;
  readOnly: boolean;
  /** X-Forwarded-For, only with --trust-proxy */
  forwardedFor?: string | null;
  /** the plan journal's file (config.journal); without it plans run unjournaled (tests of the planner) */
  journal?: string;
}

export interface SessionDeps {
  /** what the planner sees; by default the host's namespace and the namespaces the edits name */
  readSnapshot?: (run: Runner, edits: Edit[]) => Promise<HostSnapshot>;
  capabilities?: (run: Runner, probe: boolean) => Promise<Capabilities>;
  selfPid?: number;
  /** where sysfs-write steps may write; default the reader's sysfs root */
  sysfsRoot?: string;
}

/** The server's editing state: the undo/redo history, links it created, and the one-at-a-time lock. */
export class EditSession {
  readonly history = new EditHistory();
  /** host-namespace link ids (nsId/ifindex) created by plans of this server process */
  readonly createdIds = new Set<string>();
  /** one plan at a time; a plan under a checkpoint holds off the next until confirmed or reverted */
  readonly checkpoints = new Checkpoints((p, why) => this.revertPending(p, why));

  constructor(private readonly deps: SessionDeps = {}) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.checkpoints.exclusive(fn);
  }

  private snapshot(run: Runner, edits: Edit[]): Promise<HostSnapshot> {
    return (this.deps.readSnapshot ?? readForEdits)(run, edits);
  }

  private caps(run: Runner, probe: boolean): Promise<Capabilities> {
    return (this.deps.capabilities ?? ((r, p) => getCapabilities(r, { probe: p })))(run, probe);
  }

  /** What undo would do now, for the UI's button. */
  lastApplied(): { at: string; steps: number; undoable: number; description: string[] } | null {
    const top = this.history.view().undo[0];
    return top ? { at: top.at, steps: top.steps, undoable: top.undoable, description: top.description } : null;
  }

  historyView(): HistoryView {
    return this.history.view();
  }

  /** Validate (zod, then against the live host), plan, and unless dryRun apply. Throws ZodError / PlanError / GuardError. */
  async apply(ctx: CallContext, rawInput: unknown): Promise<ApplyResult> {
    const input = ApplyInput.parse(rawInput); // before anything else: a bad request runs nothing, not even a read
    return this.exclusive(async () => {
      const dryRun = input.dryRun === true;
      const force = input.force === true;
      const snapshot = await this.snapshot(ctx.run, input.edits);
      const caps = await this.caps(ctx.run, !ctx.readOnly);
      const plan = planEdits(input.edits, snapshot, {
        kinds: caps.kinds,
        kernel: caps.kernel,
        selfPid: this.deps.selfPid,
        createdByLinkscape: (id) => this.createdIds.has(id),
      });
      const shell = planToShell(plan);
      const planId = createHash('sha256').update(planShape(plan)).digest('hex');
      const base = {
        when: new Date().toISOString(),
        remote: ctx.remote,
        forwardedFor: ctx.forwardedFor ?? null,
        action: 'apply' as const,
        dryRun,
        force,
        edits: input.edits,
        plan: plan.steps.map(({ argv, undo, description }) => ({ argv, undo, description })),
      };
      if (dryRun) {
        await this.audit(ctx, { ...base, outcome: { ok: true, dryRun: true, guards: plan.guards } });
        return { dryRun: true, ok: true, plan, planId, shell, capabilities: { probed: caps.probed, note: caps.note } };
      }
      if (input.expectPlan !== undefined && input.expectPlan !== planId) {
        await this.audit(ctx, {
          ...base,
          outcome: { ok: false, refused: 'plan changed', expected: input.expectPlan, planId },
        });
        throw new PlanChangedError();
      }
      if (plan.guards.length && !force) {
        await this.audit(ctx, { ...base, outcome: { ok: false, refused: 'lock-out guard', guards: plan.guards } });
        throw new GuardError(plan.guards);
      }
      this.checkpoints.refuseWhilePending();
      const seconds = input.checkpoint?.seconds ?? null;
      const journal = this.openJournal(ctx, base, plan.steps, seconds);
      const outcome = await runPlan(ctx.run, plan.steps, {
        sysfsRoot: this.deps.sysfsRoot,
        journal: journal ?? undefined,
      });
      if (outcome.ok) {
        this.history.applied(plan, base.when);
        await this.rememberCreated(ctx.run, snapshot, plan.createsHostLinks);
      }
      const checkpoint =
        outcome.ok && seconds !== null && journal
          ? this.checkpoints.hold({ ctx, plan, journal, seconds, when: base.when })
          : null;
      if (!checkpoint) journal?.end(outcome.ok ? 'applied' : 'rolled back');
      else journal?.write({ t: 'applied' });
      await this.audit(ctx, { ...base, outcome: { ...summarize(outcome), ...(checkpoint ? { checkpoint } : {}) } });
      return {
        dryRun: false,
        plan,
        planId,
        shell,
        undoAvailable: outcome.ok && this.history.view().undo.length > 0,
        checkpoint,
        ...outcome,
      };
    });
  }

  /** Undo the newest change (or redo the newest undone one) as a plan of its own, with rollback if a step fails. */
  async undo(ctx: CallContext, expectId?: number, what: 'undo' | 'redo' = 'undo'): Promise<ApplyResult> {
    return this.exclusive(async () => {
      const entry = this.history.peek(what, expectId);
      this.checkpoints.refuseWhilePending();
      const plan = inversePlan(entry.plan);
      const shell = planToShell(plan);
      const journal = this.openJournal(
        ctx,
        { when: new Date().toISOString(), remote: ctx.remote, action: what },
        plan.steps,
        null,
      );
      const outcome = await runPlan(ctx.run, plan.steps, {
        sysfsRoot: this.deps.sysfsRoot,
        journal: journal ?? undefined,
      });
      journal?.end(outcome.ok ? 'applied' : 'rolled back');
      const when = new Date().toISOString();
      if (outcome.ok) this.history.moved(what, entry, plan, when);
      await this.audit(ctx, {
        when,
        remote: ctx.remote,
        forwardedFor: ctx.forwardedFor ?? null,
        action: what,
        dryRun: false,
        force: false,
        edits: null,
        plan: plan.steps.map(({ argv, undo, description }) => ({ argv, undo, description })),
        outcome: summarize(outcome),
      });
      return { dryRun: false, plan, shell, undoAvailable: this.history.view().undo.length > 0, ...outcome };
    });
  }

  /** The journal a plan is written to before it runs; a plan that cannot be journaled does not run. */
  private openJournal(
    ctx: CallContext,
    b: { when: string; remote: string; action: string },
    steps: PlanStep[],
    seconds: number | null,
  ): PlanJournal | null {
    if (!steps.length) return null;
    const begin = {
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      when: b.when,
      remote: b.remote,
      action: b.action,
      steps: steps.map(({ argv, undo, description }) => ({ argv, undo, description })),
      checkpoint: seconds === null ? null : { seconds, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() },
    };
    if (!ctx.journal) return PlanJournal.memory(begin);
    try {
      return PlanJournal.begin(ctx.journal, begin);
    } catch (e) {
      const why =
        (e as NodeJS.ErrnoException).code === 'EEXIST'
          ? 'an unfinished plan is still recorded in it (restart linkscape to roll it back)'
          : errText(e);
      throw new BusyError(`nothing was run: could not start the plan journal ${ctx.journal}: ${why}`);
    }
  }

  /** Confirm a plan applied under a checkpoint: it stays. */
  async confirm(ctx: CallContext, id: string): Promise<{ id: string; kept: true }> {
    const p = this.checkpoints.take(id);
    p.journal?.end('confirmed');
    await this.audit(ctx, {
      when: new Date().toISOString(),
      remote: ctx.remote,
      forwardedFor: ctx.forwardedFor ?? null,
      action: 'confirm',
      dryRun: false,
      force: false,
      edits: null,
      plan: [],
      outcome: { ok: true, checkpoint: id, planAt: p.when },
    });
    return { id, kept: true };
  }

  /** Revert a plan applied under a checkpoint now (the page's "Revert now"). */
  async revert(ctx: CallContext, id: string): Promise<RollbackReport> {
    const p = this.checkpoints.take(id);
    return this.checkpoints.exclusive(() => this.revertPending(p, `reverted on request from ${ctx.remote}`), {
      evenWhenClosing: true,
    });
  }

  /** Undo a checkpointed plan's steps newest first, through its journal (so a crash midway resumes). */
  private async revertPending(p: Pending, why: string): Promise<RollbackReport> {
    const exec = (argv: string[]) => execStep(p.ctx.run, argv, { sysfsRoot: this.deps.sysfsRoot });
    const report = await rollBack(p.journal, exec, `reverted: ${why}`);
    this.history.forget(p.plan);
    await this.audit(p.ctx, {
      when: new Date().toISOString(),
      remote: p.ctx.remote,
      forwardedFor: p.ctx.forwardedFor ?? null,
      action: 'revert',
      dryRun: false,
      force: false,
      edits: null,
      plan: [],
      outcome: { ok: report.ok, checkpoint: p.id, why, undone: report.undone, left: report.left },
    });
    this.checkpoints.reverted(p, why, report);
    return report;
  }

  /** SIGTERM: refuse new plans, let the running one finish (or roll back), revert one waiting for confirmation. */
  async drain(signal: string): Promise<void> {
    await this.checkpoints.drain((p) => this.revertPending(p, `server stopping (${signal}) before it was confirmed`));
  }

  busy(): boolean {
    return this.checkpoints.busy();
  }

  redo(ctx: CallContext, expectId?: number): Promise<ApplyResult> {
    return this.undo(ctx, expectId, 'redo');
  }

  private async audit(ctx: CallContext, entry: AuditEntry): Promise<void> {
    try {
      await appendAudit(ctx.auditLog, entry);
    } catch (e) {
      // the change has happened (or not) either way; say so on the server's console rather than hide it
      console.error(`linkscape: could not write the audit log ${ctx.auditLog}: ${errText(e)}`);
    }
  }

  /** Learn the ifindex of host links this plan created, so the guard lets linkscape remove them later. */
  private async rememberCreated(run: Runner, snapshot: HostSnapshot, names: string[]): Promise<void> {
    const root = snapshot.namespaces.find((n) => n.root);
    if (!root || !names.length) return;
    try {
      const out = (await run(['ip', '-j', 'link', 'show'])).stdout;
      const links = (out.trim() ? JSON.parse(out) : []) as { ifindex: number; ifname: string }[];
      for (const l of links) if (names.includes(l.ifname)) this.createdIds.add(`${root.id}/${l.ifindex}`);
    } catch {
      /* the guard then asks for force, which is the safe side */
    }
  }
}

function summarize(o: RunOutcome): Record<string, unknown> {
  if (o.ok) return { ok: true, steps: o.applied.length };
  return {
    ok: false,
    failedStep: o.failedStep,
    failed: o.failed.argv,
    error: o.error,
    rolledBack: o.rolledBack,
    notUndone: o.notUndone,
  };
}

export { PlanError, BusyError };
export { NoSuchCheckpointError } from './checkpoint';
