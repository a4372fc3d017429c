// Run a plan step by step through the Runner. All or nothing: when step k fails, the undos of steps
// k-1…1 run in reverse and the kernel's message comes back verbatim. Applied plans are kept for undo
// and redo (history.ts). Plans run one at a time.
import type { Runner } from '../ip/run';
import type { HostSnapshot } from '../host/types';
import { readForEdits } from './read';
import { getCapabilities, type Capabilities } from '../host/capabilities';
import { ApplyInput, type Edit } from './schema';
import { planEdits, PlanError, type Plan, type PlanGuard, type PlanStep } from './plan';
import { planToShell, sysfsWriteOf } from './shell';
import { writeSysfs } from './sysfs';
import { appendAudit, type AuditEntry } from './audit';
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
  | { dryRun: true; ok: true; plan: Plan; shell: string; capabilities: { probed: boolean; note: string | null } }
  | ({ dryRun: false; plan: Plan; shell: string; undoAvailable: boolean } & RunOutcome);

/** The lock-out guard held a plan back: `force` was not given. */
export class GuardError extends Error {
  readonly guards: PlanGuard[];
  readonly issues: { path: (string | number)[]; message: string }[];
  constructor(guards: PlanGuard[]) {
    super(`refused without force: ${guards.map((g) => g.reason).join('; ')}`);
    this.name = 'GuardError';
    this.guards = guards;
    this.issues = guards.map((g) => ({ path: ['force'], message: `${g.reason} — to go ahead, confirm with force (type "${g.link}")` }));
  }
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface RunPlanOptions {
  /** where sysfs-write steps may write (default: the reader's sysfs root, LINKSCAPE_SYSFS or /sys) */
  sysfsRoot?: string;
}

/** One step's argv: a program through the runner, or a sysfs attribute write (see shell.ts). */
async function execStep(run: Runner, argv: string[], opts: RunPlanOptions): Promise<void> {
  const w = sysfsWriteOf(argv);
  if (w) await writeSysfs(w.path, w.value, opts.sysfsRoot);
  else await run(argv);
}

/** Run the steps in order; on a failure, undo what ran, newest first. */
export async function runPlan(run: Runner, steps: Pick<PlanStep, 'argv' | 'undo' | 'description'>[], opts: RunPlanOptions = {}): Promise<RunOutcome> {
  const applied: StepOutcome[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    try {
      await execStep(run, s.argv, opts);
      applied.push({ step: i + 1, argv: s.argv, ok: true, error: null });
    } catch (e) {
      const rolledBack: StepOutcome[] = [];
      const notUndone: number[] = [];
      for (let j = i - 1; j >= 0; j--) {
        const undo = steps[j].undo;
        if (!undo) {
          notUndone.push(j + 1);
          continue;
        }
        try {
          await execStep(run, undo, opts);
          rolledBack.push({ step: j + 1, argv: undo, ok: true, error: null });
        } catch (ue) {
          rolledBack.push({ step: j + 1, argv: undo, ok: false, error: errText(ue) });
        }
      }
      return { ok: false, failedStep: i + 1, failed: { argv: s.argv, description: s.description }, error: errText(e), applied, rolledBack, notUndone };
    }
  }
  return { ok: true, applied };
}

export interface CallContext {
  run: Runner;
  auditLog: string;
  remote: string;
  readOnly: boolean;
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
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SessionDeps = {}) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
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
      const snapshot = await this.snapshot(ctx.run, input.edits as Edit[]);
      const caps = await this.caps(ctx.run, !ctx.readOnly);
      const plan = planEdits(input.edits as Edit[], snapshot, {
        kinds: caps.kinds,
        kernel: caps.kernel,
        selfPid: this.deps.selfPid,
        createdByLinkscape: (id) => this.createdIds.has(id),
      });
      const shell = planToShell(plan);
      const base = { when: new Date().toISOString(), remote: ctx.remote, action: 'apply' as const, dryRun, force, edits: input.edits, plan: plan.steps.map(({ argv, undo, description }) => ({ argv, undo, description })) };
      if (dryRun) {
        await this.audit(ctx, { ...base, outcome: { ok: true, dryRun: true, guards: plan.guards } });
        return { dryRun: true, ok: true, plan, shell, capabilities: { probed: caps.probed, note: caps.note } };
      }
      if (plan.guards.length && !force) {
        await this.audit(ctx, { ...base, outcome: { ok: false, refused: 'lock-out guard', guards: plan.guards } });
        throw new GuardError(plan.guards);
      }
      const outcome = await runPlan(ctx.run, plan.steps, { sysfsRoot: this.deps.sysfsRoot });
      if (outcome.ok) {
        this.history.applied(plan, base.when);
        await this.rememberCreated(ctx.run, snapshot, plan.createsHostLinks);
      }
      await this.audit(ctx, { ...base, outcome: summarize(outcome) });
      return { dryRun: false, plan, shell, undoAvailable: outcome.ok && this.history.view().undo.length > 0, ...outcome };
    });
  }

  /** Undo the newest change (or redo the newest undone one) as a plan of its own, with rollback if a step fails. */
  async undo(ctx: CallContext, expectId?: number, what: 'undo' | 'redo' = 'undo'): Promise<ApplyResult> {
    return this.exclusive(async () => {
      const entry = this.history.peek(what, expectId);
      const plan = inversePlan(entry.plan);
      const shell = planToShell(plan);
      const outcome = await runPlan(ctx.run, plan.steps, { sysfsRoot: this.deps.sysfsRoot });
      const when = new Date().toISOString();
      if (outcome.ok) this.history.moved(what, entry, plan, when);
      await this.audit(ctx, {
        when,
        remote: ctx.remote,
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
  return { ok: false, failedStep: o.failedStep, failed: o.failed.argv, error: o.error, rolledBack: o.rolledBack, notUndone: o.notUndone };
}

export { PlanError };
