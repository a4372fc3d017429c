// Undo/redo history: several levels, each saying what it undoes; redo; nothing to do is refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandError, type Runner } from '../../server/ip/run';
import { EditSession, NothingToUndoError, StaleHistoryError, type CallContext } from '../../server/edits/apply';
import { EditHistory, inversePlan, planTitle } from '../../server/edits/history';
import type { Plan } from '../../server/edits/plan';
import { readAudit } from '../../server/edits/audit';
import type { Capabilities } from '../../server/host/capabilities';
import { fixtureSnapshot, SELF_PID } from './edit-fixture';

const plan = (name: string, undoable = true): Plan => ({
  steps: [
    {
      argv: ['ip', 'link', 'add', name, 'type', 'dummy'],
      undo: undoable ? ['ip', 'link', 'del', name] : null,
      description: `create ${name}`,
      edit: 0,
    },
    {
      argv: ['ip', 'link', 'set', name, 'up'],
      undo: ['ip', 'link', 'set', name, 'down'],
      description: `bring ${name} up`,
      edit: 0,
    },
  ],
  warnings: [],
  guards: [],
  createsHostLinks: [],
});

describe('EditHistory', () => {
  it('keeps several levels, newest first, each with what it undoes', () => {
    const h = new EditHistory();
    h.applied(plan('a'), 't1');
    h.applied(plan('b'), 't2');
    const v = h.view();
    expect(v.undo.map((i) => i.title)).toEqual(['create b (+1 more step)', 'create a (+1 more step)']);
    expect(v.undo[0]).toMatchObject({ steps: 2, undoable: 2, at: 't2' });
    expect(v.redo).toEqual([]);
  });

  it('undo moves a change to redo, redo moves it back, a new change clears redo', () => {
    const h = new EditHistory();
    h.applied(plan('a'), 't1');
    const e = h.peek('undo');
    h.moved('undo', e, inversePlan(e.plan), 't2');
    expect(h.view().undo).toEqual([]);
    expect(h.view().redo.map((i) => i.title)).toEqual(['create a (+1 more step)']); // what redo does again
    const r = h.peek('redo');
    h.moved('redo', r, inversePlan(r.plan), 't3');
    expect(h.view().undo[0].description).toEqual(['create a', 'bring a up']);
    h.peek('undo');
    h.applied(plan('b'), 't4');
    expect(h.view().redo).toEqual([]);
  });

  it('a change with no undoable step is no level (no "0 of 1 step can be undone")', () => {
    const h = new EditHistory();
    h.applied({ ...plan('a'), steps: [plan('a', false).steps[0]] }, 't');
    expect(h.view().undo).toEqual([]);
    expect(() => h.peek('undo')).toThrow(NothingToUndoError);
    expect(() => h.peek('redo')).toThrow(/nothing to redo/);
  });

  it('redo runs only what was undone (a step without undo is not run again)', () => {
    const p = plan('a', false);
    const back = inversePlan(p);
    expect(back.steps.map((s) => s.argv)).toEqual([['ip', 'link', 'set', 'a', 'down']]);
    expect(inversePlan(back).steps.map((s) => s.argv)).toEqual([['ip', 'link', 'set', 'a', 'up']]);
    expect(inversePlan(back).steps[0].description).toBe('bring a up');
  });

  it('refuses a stale id, naming the change that is next now', () => {
    const h = new EditHistory();
    h.applied(plan('a'), 't1');
    h.applied(plan('b'), 't2');
    const [b, a] = h.view().undo;
    expect(h.peek('undo', b.id).plan.steps[0].description).toBe('create b');
    expect(() => h.peek('undo', a.id)).toThrow(StaleHistoryError);
    expect(() => h.peek('undo', a.id)).toThrow(/now #\d+ \(create b/);
  });

  it('keeps at most `limit` levels, dropping the oldest', () => {
    const h = new EditHistory(3);
    for (const n of ['a', 'b', 'c', 'd']) h.applied(plan(n), n);
    expect(h.view().undo.map((i) => i.at)).toEqual(['d', 'c', 'b']);
  });

  it('planTitle', () => {
    expect(planTitle({ ...plan('x'), steps: [] })).toBe('nothing');
    expect(planTitle({ ...plan('x'), steps: plan('x').steps.slice(0, 1) })).toBe('create x');
  });
});

// --- the session: undo, redo through the runner, audited
function fakeRunner(fail: (argv: string[]) => string | null = () => null) {
  const calls: string[][] = [];
  const run: Runner = async (argv) => {
    calls.push(argv);
    const err = fail(argv);
    if (err !== null) throw new CommandError(argv, err + '\n', '', 2, false);
    return { argv, stdout: '', stderr: '', exitCode: 0 };
  };
  return { run, calls };
}
const caps: Capabilities = {
  probed: true,
  probedAt: 'x',
  root: true,
  iproute2: '6.1.0',
  kernel: '6.18.0-test',
  kinds: Object.fromEntries(
    ['macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'veth', 'bridge', 'vlan', 'vxlan', 'dummy'].map((k) => [
      k,
      { supported: true, reason: null },
    ]),
  ) as Capabilities['kinds'],
  note: null,
};
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ls-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const session = () =>
  new EditSession({ readSnapshot: async () => fixtureSnapshot(), capabilities: async () => caps, selfPid: SELF_PID });
const ctxOf = (run: Runner): CallContext => ({
  run,
  auditLog: path.join(dir, 'audit.jsonl'),
  remote: 'local',
  readOnly: false,
});

describe('EditSession: undo history', () => {
  const mv = (name: string) => ({
    op: 'link.add',
    kind: 'macvlan',
    name,
    parent: 'eth1',
    mode: 'bridge',
    netns: 'blue',
  });

  it('undoes two changes newest first, redoes them oldest first, then has nothing to do', async () => {
    const { run, calls } = fakeRunner();
    const s = session();
    await s.apply(ctxOf(run), { edits: [mv('mv1')] });
    await s.apply(ctxOf(run), { edits: [mv('mv2')] });
    expect(s.historyView().undo.map((i) => i.title)).toEqual([
      expect.stringContaining('mv2'),
      expect.stringContaining('mv1'),
    ]);
    calls.length = 0;
    await s.undo(ctxOf(run));
    await s.undo(ctxOf(run));
    expect(calls).toEqual([
      ['ip', '-n', 'blue', 'link', 'del', 'dev', 'mv2'],
      ['ip', '-n', 'blue', 'link', 'del', 'dev', 'mv1'],
    ]);
    await expect(s.undo(ctxOf(run))).rejects.toBeInstanceOf(NothingToUndoError);
    expect(s.historyView().redo).toHaveLength(2);
    calls.length = 0;
    const redo = s.historyView().redo[0];
    await s.redo(ctxOf(run), redo.id);
    expect(calls).toEqual([
      ['ip', 'link', 'add', 'link', 'eth1', 'name', 'mv1', 'netns', 'blue', 'type', 'macvlan', 'mode', 'bridge'],
    ]);
    expect(s.historyView()).toMatchObject({ undo: [{ id: redo.id }], redo: [{}] });
    const audit = await readAudit(path.join(dir, 'audit.jsonl'));
    expect(audit.map((a) => a.action)).toEqual(['apply', 'apply', 'undo', 'undo', 'redo']);
  });

  it('a failed undo rolls back and keeps the change on the undo list', async () => {
    const { run } = fakeRunner((a) => (a.includes('del') ? 'Cannot find device "mv1"' : null));
    const s = session();
    await s.apply(ctxOf(run), { edits: [mv('mv1')] });
    const r = await s.undo(ctxOf(run));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe('Cannot find device "mv1"');
    expect(s.historyView().undo).toHaveLength(1);
    expect(s.historyView().redo).toHaveLength(0);
  });

  it('an undo naming a change that is no longer next runs nothing', async () => {
    const { run, calls } = fakeRunner();
    const s = session();
    await s.apply(ctxOf(run), { edits: [mv('mv1')] });
    const first = s.historyView().undo[0].id;
    await s.apply(ctxOf(run), { edits: [mv('mv2')] });
    calls.length = 0;
    await expect(s.undo(ctxOf(run), first)).rejects.toBeInstanceOf(StaleHistoryError);
    expect(calls).toEqual([]);
  });
});

describe('HistoryItem.runs', () => {
  it('is what undo would run, newest step first', () => {
    const h = new EditHistory();
    h.applied(plan('a'), 't');
    expect(h.view().undo[0].runs).toEqual([
      { argv: ['ip', 'link', 'set', 'a', 'down'], description: 'undo: bring a up' },
      { argv: ['ip', 'link', 'del', 'a'], description: 'undo: create a' },
    ]);
  });
});
