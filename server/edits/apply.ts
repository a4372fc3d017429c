// Run a plan step by step through the Runner. All or nothing: when step k fails, the undos of steps
// k-1…1 run in reverse and the kernel's message comes back verbatim. One applied plan is kept for a
// one-click undo. Plans run one at a time.
import type { Runner } from '../ip/run';
import type { HostSnapshot } from '../host/types';
import { readForEdits } from './read';
import { getCapabilities, type Capabilities } from '../host/capabilities';
import { ApplyInput, type Edit } from './schema';
import { planEdits, PlanError, type Plan, type PlanGuard, type PlanStep } from './plan';
import { planToShell, sysfsWriteOf } from './shell';
import { writeSysfs } from './sysfs';
import { appendAudit, type AuditEntry } from './audit';

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

export class NothingToUndoError extends Error {
  constructor() {
    super('nothing to undo: no plan has been applied since the server started, or it was undone already');
    this.name = 'NothingToUndoError';
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

/** The plan that undoes an applied one: its undos, newest first; each step's undo is the original. */
export function inversePlan(plan: Plan): Plan {
  const steps: PlanStep[] = [];
  const warnings: string[] = [];
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const s = plan.steps[i];
    if (s.undo) steps.push({ argv: s.undo, undo: s.argv, description: `undo: ${s.description}`, edit: s.edit });
    else warnings.push(`step ${i + 1} (${s.description}) cannot be undone and stays as it is`);
  }
  return { steps, warnings, guards: [], createsHostLinks: [] };
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

/** The server's editing state: the last applied plan (for undo), links it created, and the one-at-a-time lock. */
export class EditSession {
  private last: { at: string; plan: Plan } | null = null;
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
    if (!this.last) return null;
    const { at, plan } = this.last;
    return { at, steps: plan.steps.length, undoable: plan.steps.filter((s) => s.undo).length, description: plan.steps.map((s) => s.description) };
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
        this.last = { at: base.when, plan };
        await this.rememberCreated(ctx.run, snapshot, plan.createsHostLinks);
      }
      await this.audit(ctx, { ...base, outcome: summarize(outcome) });
      return { dryRun: false, plan, shell, undoAvailable: this.last !== null && outcome.ok, ...outcome };
    });
  }

  /** Undo the last applied plan (as a plan of its own, with rollback if an undo step fails). */
  async undo(ctx: CallContext): Promise<ApplyResult> {
    return this.exclusive(async () => {
      if (!this.last) throw new NothingToUndoError();
      const plan = inversePlan(this.last.plan);
      const shell = planToShell(plan);
      const outcome = await runPlan(ctx.run, plan.steps, { sysfsRoot: this.deps.sysfsRoot });
      if (outcome.ok) this.last = null;
      await this.audit(ctx, {
        when: new Date().toISOString(),
        remote: ctx.remote,
        action: 'undo',
        dryRun: false,
        force: false,
        edits: null,
        plan: plan.steps.map(({ argv, undo, description }) => ({ argv, undo, description })),
        outcome: summarize(outcome),
      });
      return { dryRun: false, plan, shell, undoAvailable: this.last !== null, ...outcome };
    });
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
