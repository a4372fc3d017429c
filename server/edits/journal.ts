// The plan journal: a plan is written down (and fsynced) before its first step runs, and every step is
// marked before and after it runs, so a server killed mid-plan (SIGKILL, OOM, power to the process) leaves
// a record the next start rolls back from: the done steps undone newest first, as a failed step's are.
// One plan at a time, one file (config.journal, default /run/linkscape/journal.jsonl: /run is emptied at
// boot, when the kernel's network state is gone too and undoing it would be wrong).
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

export interface JournalStep {
  argv: string[];
  undo: string[] | null;
  description: string;
}

export type JournalRecord =
  | {
      t: 'begin';
      id: string;
      when: string;
      remote: string;
      action: string;
      steps: JournalStep[];
      checkpoint: { seconds: number; expiresAt: string } | null;
    }
  /** step (1-based) is about to run */
  | { t: 'run'; step: number }
  | { t: 'ok'; step: number }
  | { t: 'fail'; step: number; error: string }
  /** step's undo is about to run */
  | { t: 'undo'; step: number }
  | { t: 'undone'; step: number; ok: boolean; error: string | null }
  /** every step ran; under a checkpoint the plan stays open until confirmed */
  | { t: 'applied' }
  | { t: 'end'; outcome: string };

/** what runPlan calls around each step (server/edits/apply.ts) */
export interface StepJournal {
  run(step: number): void;
  ok(step: number): void;
  fail(step: number, error: string): void;
  undo(step: number): void;
  undone(step: number, ok: boolean, error: string | null): void;
}

export type ExecStep = (argv: string[]) => Promise<void>;

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** An open plan's journal file. Each record is one JSON line, fsynced before the call returns. */
export class PlanJournal implements StepJournal {
  readonly records: JournalRecord[] = [];
  private fd: number | null;

  /** file null: kept in memory only (a session without a journal file, as in tests of the planner) */
  private constructor(
    readonly file: string | null,
    fd: number | null,
  ) {
    this.fd = fd;
  }

  static memory(begin: Omit<Extract<JournalRecord, { t: 'begin' }>, 't'>): PlanJournal {
    const j = new PlanJournal(null, null);
    j.records.push({ t: 'begin', ...begin });
    return j;
  }

  /** Start a plan's journal. Throws (and nothing runs) when it cannot be written or another plan is open in it. */
  static begin(file: string, begin: Omit<Extract<JournalRecord, { t: 'begin' }>, 't'>): PlanJournal {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': an unfinished plan's journal is never overwritten (the start-up recovery deals with it)
    const fd = fs.openSync(file, 'wx', 0o600);
    const j = new PlanJournal(file, fd);
    j.write({ t: 'begin', ...begin });
    syncDir(file);
    return j;
  }

  /** Continue an unfinished plan's journal found at start (recovery appends its undos to it). */
  static reopen(file: string, records: JournalRecord[]): PlanJournal {
    const j = new PlanJournal(file, fs.openSync(file, 'a', 0o600));
    j.records.push(...records);
    return j;
  }

  get begin(): Extract<JournalRecord, { t: 'begin' }> {
    return this.records[0] as Extract<JournalRecord, { t: 'begin' }>;
  }

  write(r: JournalRecord): void {
    if (this.file === null) {
      this.records.push(r);
      return;
    }
    if (this.fd === null) throw new Error(`journal ${this.file} is closed`);
    fs.writeSync(this.fd, JSON.stringify(r) + '\n');
    fs.fsyncSync(this.fd);
    this.records.push(r);
  }

  run(step: number) {
    this.write({ t: 'run', step });
  }
  ok(step: number) {
    this.write({ t: 'ok', step });
  }
  fail(step: number, error: string) {
    this.write({ t: 'fail', step, error });
  }
  undo(step: number) {
    this.write({ t: 'undo', step });
  }
  undone(step: number, ok: boolean, error: string | null) {
    this.write({ t: 'undone', step, ok, error });
  }

  /** The plan is final (applied, rolled back, confirmed or reverted): the journal goes. */
  end(outcome: string): void {
    if (this.file === null) {
      this.records.push({ t: 'end', outcome });
      return;
    }
    if (this.fd === null) return;
    this.write({ t: 'end', outcome });
    fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.file, { force: true });
    syncDir(this.file);
  }
}

function syncDir(file: string): void {
  try {
    const d = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  } catch {
    /* some filesystems refuse fsync on a directory; the file's own fsync still holds */
  }
}

/** The journal's records, or null when there is none. A last line torn by the crash is dropped. */
export function readJournal(file: string): JournalRecord[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      /* torn by the crash mid-write: the step it would mark is treated as uncertain */
    }
  }
  return out;
}

export interface UndoItem {
  step: number;
  description: string;
  /** null: the step has no undo (link.del, netns.del) and stays */
  undo: string[] | null;
  /** the step (or its undo) may or may not have happened: the crash came between its two marks */
  uncertain: boolean;
}

/**
 * Pure: what is left to undo, newest first — steps that ran (or may have: marked run, not finished) and
 * whose undo has not succeeded yet. An unfinished undo is tried again.
 */
export function pendingUndos(records: JournalRecord[]): UndoItem[] {
  const begin = records[0];
  if (!begin || begin.t !== 'begin') return [];
  const ran = new Set<number>();
  const ok = new Set<number>();
  const failed = new Set<number>();
  const undone = new Set<number>();
  const undoStarted = new Set<number>();
  for (const r of records) {
    if (r.t === 'run') ran.add(r.step);
    else if (r.t === 'ok') ok.add(r.step);
    else if (r.t === 'fail') failed.add(r.step);
    else if (r.t === 'undo') undoStarted.add(r.step);
    else if (r.t === 'undone') {
      undoStarted.delete(r.step);
      if (r.ok) undone.add(r.step);
    }
  }
  const out: UndoItem[] = [];
  for (let step = begin.steps.length; step >= 1; step--) {
    if (!ran.has(step) || failed.has(step) || undone.has(step)) continue;
    const s = begin.steps[step - 1];
    out.push({ step, description: s.description, undo: s.undo, uncertain: !ok.has(step) || undoStarted.has(step) });
  }
  return out;
}

export function isFinished(records: JournalRecord[]): boolean {
  return records.some((r) => r.t === 'end');
}

export interface RollbackReport {
  id: string;
  /** when the plan began, and who asked for it */
  when: string;
  remote: string;
  action: string;
  steps: number;
  /** undos that ran, newest step first */
  undone: {
    step: number;
    description: string;
    argv: string[];
    ok: boolean;
    error: string | null;
    uncertain: boolean;
  }[];
  /** steps still in place: their undo failed, or they have none */
  left: { step: number; description: string; argv: string[]; reason: string }[];
  ok: boolean;
}

/** Undo what the journal says is done, newest first, marking each undo in the journal; then end it. */
export async function rollBack(journal: PlanJournal, exec: ExecStep, outcome: string): Promise<RollbackReport> {
  const b = journal.begin;
  const report: RollbackReport = {
    id: b.id,
    when: b.when,
    remote: b.remote,
    action: b.action,
    steps: b.steps.length,
    undone: [],
    left: [],
    ok: true,
  };
  for (const item of pendingUndos(journal.records)) {
    const argv = b.steps[item.step - 1].argv;
    if (!item.undo) {
      if (!item.uncertain)
        report.left.push({ step: item.step, description: item.description, argv, reason: 'has no undo' });
      continue;
    }
    journal.undo(item.step);
    try {
      await exec(item.undo);
      journal.undone(item.step, true, null);
      report.undone.push({
        step: item.step,
        description: item.description,
        argv: item.undo,
        ok: true,
        error: null,
        uncertain: item.uncertain,
      });
    } catch (e) {
      const error = errText(e);
      journal.undone(item.step, false, error);
      report.undone.push({
        step: item.step,
        description: item.description,
        argv: item.undo,
        ok: false,
        error,
        uncertain: item.uncertain,
      });
      // a step the crash may have cut off before it ran has nothing to undo: its undo failing is expected
      if (!item.uncertain)
        report.left.push({ step: item.step, description: item.description, argv, reason: `its undo failed: ${error}` });
    }
  }
  report.ok = report.left.length === 0;
  journal.end(outcome);
  return report;
}

/** At start: roll back a plan the journal shows unfinished. Null when there was none. */
export async function recoverJournal(file: string, exec: ExecStep): Promise<RollbackReport | null> {
  const records = readJournal(file);
  if (!records) return null;
  if (!records.length || records[0].t !== 'begin' || isFinished(records)) {
    fs.rmSync(file, { force: true }); // empty (crashed before begin was written) or finished but not removed
    return null;
  }
  return rollBack(PlanJournal.reopen(file, records), exec, 'rolled back at start');
}
