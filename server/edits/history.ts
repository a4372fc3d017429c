// Undo/redo history of applied plans, newest last. Pure bookkeeping: EditSession runs the plans.
// An entry holds the plan as it is applied now; undoing it runs its inverse, which becomes the redo
// entry, and redoing runs the inverse of that (only the steps that were undone: a deleted link that
// could not be brought back is not deleted again).
import type { Plan, PlanStep } from './plan';

export interface HistoryEntry {
  /** stable for the entry's life, so a client can say which change it means */
  id: number;
  /** when it was applied (or redone) */
  at: string;
  plan: Plan;
  /** what the change did, as first applied (an undone change keeps it: redo does that again) */
  title: string;
}

/** What one undo or redo would do, for the UI. */
export interface HistoryItem {
  id: number;
  at: string;
  /** one line: what the change did */
  title: string;
  steps: number;
  /** steps of this plan that have an undo (undo of this entry runs that many commands) */
  undoable: number;
  description: string[];
  /** what undoing (for a redo item: redoing) it runs, in order */
  runs: { argv: string[]; description: string }[];
}

export interface HistoryView {
  /** newest first; undo takes the first */
  undo: HistoryItem[];
  /** newest undone first; redo takes the first */
  redo: HistoryItem[];
}

/** The plan that undoes an applied one: its undos, newest first; each step's undo is the original. */
export function inversePlan(plan: Plan): Plan {
  const steps: PlanStep[] = [];
  const warnings: string[] = [];
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const s = plan.steps[i];
    if (s.undo) steps.push({ argv: s.undo, undo: s.argv, description: undoDescription(s.description), edit: s.edit });
    else warnings.push(`step ${i + 1} (${s.description}) cannot be undone and stays as it is`);
  }
  return { steps, warnings, guards: [], createsHostLinks: [] };
}

/** "undo: X" of "undo: X" is X again, so a redone change reads as it first did */
function undoDescription(d: string): string {
  return d.startsWith('undo: ') ? d.slice('undo: '.length) : `undo: ${d}`;
}

/** the first step's description, and how many more */
export function planTitle(plan: Plan): string {
  const n = plan.steps.length;
  if (!n) return 'nothing';
  return n === 1
    ? plan.steps[0].description
    : `${plan.steps[0].description} (+${n - 1} more step${n === 2 ? '' : 's'})`;
}

export class NothingToUndoError extends Error {
  constructor(what: 'undo' | 'redo' = 'undo') {
    super(
      what === 'undo'
        ? 'nothing to undo: no change that can be undone has been applied since the server started, or all were undone'
        : 'nothing to redo: nothing was undone since the last change',
    );
    this.name = 'NothingToUndoError';
  }
}

/** The client named a change that is no longer the next one (another tab undid or applied meanwhile). */
export class StaleHistoryError extends Error {
  constructor(what: 'undo' | 'redo', wanted: number, next: HistoryItem | null) {
    super(
      `the next ${what} is no longer change #${wanted}${next ? `: it is now #${next.id} (${next.title})` : ''}; look again before you ${what}`,
    );
    this.name = 'StaleHistoryError';
  }
}

export class EditHistory {
  private done: HistoryEntry[] = [];
  private undone: HistoryEntry[] = [];
  private nextId = 1;

  constructor(readonly limit = 20) {}

  /** A plan was applied: it becomes the newest undo, and what was undone can no longer be redone. */
  applied(plan: Plan, at: string): void {
    this.undone = [];
    // a change with no undoable step is not a level of undo (it would undo 0 commands)
    if (!plan.steps.some((s) => s.undo)) return;
    this.done.push({ id: this.nextId++, at, plan, title: planTitle(plan) });
    if (this.done.length > this.limit) this.done.splice(0, this.done.length - this.limit);
  }

  /** The entry undo (or redo) would take; refuses when empty or when the client meant another one. */
  peek(what: 'undo' | 'redo', expectId?: number): HistoryEntry {
    const stack = what === 'undo' ? this.done : this.undone;
    const top = stack.at(-1);
    if (!top) throw new NothingToUndoError(what);
    if (expectId !== undefined && expectId !== top.id) throw new StaleHistoryError(what, expectId, item(top));
    return top;
  }

  /** The inverse of `entry` ran to the end: move it across, holding what would bring it back. */
  moved(what: 'undo' | 'redo', entry: HistoryEntry, ran: Plan, at: string): void {
    const [from, to] = what === 'undo' ? [this.done, this.undone] : [this.undone, this.done];
    const i = from.indexOf(entry);
    if (i >= 0) from.splice(i, 1);
    if (ran.steps.some((s) => s.undo)) to.push({ id: entry.id, at, plan: ran, title: entry.title });
    if (to.length > this.limit) to.splice(0, to.length - this.limit);
  }

  /** A change that was taken back another way (a checkpoint's revert): it is no longer a level of undo. */
  forget(plan: Plan): void {
    this.done = this.done.filter((e) => e.plan !== plan);
  }

  view(): HistoryView {
    return { undo: [...this.done].reverse().map(item), redo: [...this.undone].reverse().map(item) };
  }
}

function item(e: HistoryEntry): HistoryItem {
  return {
    id: e.id,
    at: e.at,
    title: e.title,
    steps: e.plan.steps.length,
    undoable: e.plan.steps.filter((s) => s.undo).length,
    description: e.plan.steps.map((s) => s.description),
    runs: inversePlan(e.plan).steps.map(({ argv, description }) => ({ argv, description })),
  };
}
