// The plan journal and confirm-or-revert, with a recording runner (nothing touches the host): a plan cut
// off at any point is rolled back from its journal — done steps undone newest first, an uncertain step's
// undo tried, a failing undo reported with what is left; a checkpointed plan reverts unless confirmed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CommandError, type Runner } from '../../server/ip/run';
import { EditSession, execStep, runPlan, type CallContext } from '../../server/edits/apply';
import { pendingUndos, PlanJournal, readJournal, recoverJournal, type JournalRecord } from '../../server/edits/journal';
import { readAudit } from '../../server/edits/audit';
import { accessRisks } from '../../shared/edits/access';
import type { Capabilities } from '../../server/host/capabilities';
import { fixtureSnapshot, SELF_PID } from './edit-fixture';

function recorder(fail: (argv: string[]) => string | null = () => null) {
  const calls: string[][] = [];
  const run: Runner = async (argv) => {
    calls.push(argv);
    const err = fail(argv);
    if (err !== null) throw new CommandError(argv, err + '\n', '', 2, false);
    return { argv, stdout: '', stderr: '', exitCode: 0 };
  };
  return { run, calls, exec: (argv: string[]) => execStep(run, argv, {}) };
}

const steps = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    argv: ['ip', 'link', 'add', `v${i + 1}`],
    undo: ['ip', 'link', 'del', `v${i + 1}`] as string[] | null,
    description: `add v${i + 1}`,
  }));
const begin = (s: ReturnType<typeof steps>) => ({
  id: 'p1',
  when: '2026-12-01T00:00:00Z',
  remote: '127.0.0.1',
  action: 'apply',
  steps: s,
  checkpoint: null,
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lsS-journal-'));
  file = path.join(dir, 'run', 'journal.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('journal replay', () => {
  it('a plan killed after step 3 of 5 (step 4 marked running) is undone 4?,3,2,1 at start; the journal goes', async () => {
    const j = PlanJournal.begin(file, begin(steps(5)));
    const { run } = recorder();
    // run steps 1..3 and start 4, as runPlan would, then "crash" (drop the object without end())
    for (const s of [1, 2, 3]) {
      j.run(s);
      await run(steps(5)[s - 1].argv);
      j.ok(s);
    }
    j.run(4);
    expect(readJournal(file)!.map((r) => r.t)).toEqual(['begin', 'run', 'ok', 'run', 'ok', 'run', 'ok', 'run']);
    const rec = recorder((a) => (a[3] === 'v4' ? 'Cannot find device "v4"' : null));
    const report = await recoverJournal(file, rec.exec);
    expect(rec.calls).toEqual([
      ['ip', 'link', 'del', 'v4'],
      ['ip', 'link', 'del', 'v3'],
      ['ip', 'link', 'del', 'v2'],
      ['ip', 'link', 'del', 'v1'],
    ]);
    // step 4 may never have run: its undo failing is expected, not something left behind
    expect(report).toMatchObject({ id: 'p1', ok: true, left: [] });
    expect(report!.undone[0]).toMatchObject({ step: 4, ok: false, uncertain: true });
    expect(existsSync(file)).toBe(false);
    expect(await recoverJournal(file, rec.exec)).toBeNull();
  });

  it('an undo that fails is reported with what is left; a step without undo is left and said so', async () => {
    const s = steps(3);
    s[0].undo = null;
    const j = PlanJournal.begin(file, begin(s));
    for (const n of [1, 2, 3]) {
      j.run(n);
      j.ok(n);
    }
    const rec = recorder((a) => (a[3] === 'v2' ? 'RTNETLINK answers: Operation not permitted' : null));
    const report = (await recoverJournal(file, rec.exec))!;
    expect(report.ok).toBe(false);
    expect(report.left).toEqual([
      {
        step: 2,
        description: 'add v2',
        argv: ['ip', 'link', 'add', 'v2'],
        reason: 'its undo failed: RTNETLINK answers: Operation not permitted',
      },
      { step: 1, description: 'add v1', argv: ['ip', 'link', 'add', 'v1'], reason: 'has no undo' },
    ]);
  });

  it("a crash during a failed plan's own rollback resumes it: what was undone is not undone again", async () => {
    const j = PlanJournal.begin(file, begin(steps(4)));
    const { run } = recorder((a) => (a[2] === 'add' && a[3] === 'v4' ? 'RTNETLINK answers: File exists' : null));
    await runPlan(run, steps(4).slice(0, 3), { journal: j }); // all three fine
    j.run(4);
    j.fail(4, 'RTNETLINK answers: File exists');
    j.undo(3);
    j.undone(3, true, null);
    j.undo(2); // killed here
    const rec = recorder();
    await recoverJournal(file, rec.exec);
    expect(rec.calls).toEqual([
      ['ip', 'link', 'del', 'v2'],
      ['ip', 'link', 'del', 'v1'],
    ]);
  });

  it('a journal that fails after a step ran (disk full) rolls that step back too; nothing is left unrecorded-and-in-place', async () => {
    const { run, calls } = recorder();
    let writes = 0;
    const flaky = {
      run() {},
      ok() {
        if (++writes === 2) throw new Error('ENOSPC: no space left on device');
      },
      fail() {},
      undo() {},
      undone() {},
    };
    const r = await runPlan(run, steps(3), { journal: flaky });
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.error).toMatch(/ENOSPC/);
    expect(calls).toEqual([
      ['ip', 'link', 'add', 'v1'],
      ['ip', 'link', 'add', 'v2'],
      ['ip', 'link', 'del', 'v2'],
      ['ip', 'link', 'del', 'v1'],
    ]);
  });

  it('a torn last line (killed mid-write) is dropped and its step treated as uncertain', async () => {
    const j = PlanJournal.begin(file, begin(steps(2)));
    j.run(1);
    j.ok(1);
    j.run(2);
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, '{"t":"ok","st');
    const rec = recorder();
    await recoverJournal(file, rec.exec);
    expect(rec.calls).toEqual([
      ['ip', 'link', 'del', 'v2'],
      ['ip', 'link', 'del', 'v1'],
    ]);
  });

  it('property: wherever a journaled run is cut off, recovery undoes exactly the steps that ran, newest first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        fc.option(fc.integer({ min: 1, max: 8 })),
        async (n, cutRaw, failAt) => {
          const records: JournalRecord[] = [];
          const mem = PlanJournal.memory(begin(steps(n)));
          const ran: number[] = [];
          const run: Runner = async (argv) => {
            if (argv[2] === 'add') {
              const k = Number(argv[3].slice(1));
              if (k === failAt) throw new CommandError(argv, 'Error: boom\n', '', 2, false);
              ran.push(k);
            } else ran.splice(ran.indexOf(Number(argv[3].slice(1))), 1);
            return { argv, stdout: '', stderr: '', exitCode: 0 };
          };
          await runPlan(run, steps(n), { journal: mem });
          records.push(...mem.records);
          const cut = cutRaw % (records.length + 1);
          // replay the first `cut` records' effects: the host has what those records say ran and was not undone
          const undo = pendingUndos(records.slice(0, Math.max(1, cut)));
          const certain = undo.filter((u) => !u.uncertain).map((u) => u.step);
          expect([...certain].sort((a, b) => b - a)).toEqual(certain); // newest first
          for (const s of certain) expect(records.slice(0, cut).some((r) => r.t === 'ok' && r.step === s)).toBe(true);
          // run to its end: a failed plan rolled itself back (nothing left); a plan that ran but was never ended
          // (crash before `end`, or waiting for confirmation) is undone whole
          const failed = failAt !== null && failAt <= n;
          if (cut === records.length)
            expect(undo.map((u) => u.step)).toEqual(failed ? [] : Array.from({ length: n }, (_, i) => n - i));
        },
      ),
      { numRuns: 200 },
    );
  });
});

const caps = {
  probed: true,
  probedAt: 'x',
  root: true,
  iproute2: '6.1.0',
  kernel: '6.18',
  kinds: { veth: { supported: true, reason: null } },
  note: null,
} as unknown as Capabilities;

describe('confirm or revert', () => {
  const ctxOf = (run: Runner): CallContext => ({
    run,
    auditLog: path.join(dir, 'audit.jsonl'),
    journal: file,
    remote: '192.0.2.1',
    readOnly: false,
  });
  const edits = [{ op: 'link.add', kind: 'veth', name: 'ck0', peer: { name: 'ck1' } }];

  it('unconfirmed, the plan reverts by itself when its seconds run out, and the audit log says so', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const s = new EditSession({
        readSnapshot: async () => fixtureSnapshot(),
        capabilities: async () => caps,
        selfPid: SELF_PID,
      });
      const rec = recorder();
      const r = await s.apply(ctxOf(rec.run), { edits, checkpoint: { seconds: 30 } });
      expect(r.dryRun === false && r.checkpoint).toMatchObject({ seconds: 30 });
      expect(existsSync(file)).toBe(true); // open until confirmed: a crash now rolls it back at start
      expect(s.checkpoints.status().pending?.id).toBe(r.dryRun === false ? r.checkpoint?.id : null);
      await expect(s.apply(ctxOf(rec.run), { edits })).rejects.toThrow(/waiting for confirmation/);
      await vi.advanceTimersByTimeAsync(30_000);
      await vi.waitFor(() => expect(s.checkpoints.status().reverted).not.toBeNull());
      expect(rec.calls.at(-1)).toEqual(['ip', 'link', 'del', 'dev', 'ck0']);
      expect(existsSync(file)).toBe(false);
      const audit = await readAudit(path.join(dir, 'audit.jsonl'));
      expect(audit.map((a) => a.action)).toEqual(['apply', 'revert']);
      expect(audit[1].outcome).toMatchObject({ ok: true, why: 'not confirmed within 30 s' });
      expect(s.lastApplied()).toBeNull(); // nothing left to undo
    } finally {
      vi.useRealTimers();
    }
  });

  it('confirmed, it stays; confirming again names the id', async () => {
    const s = new EditSession({
      readSnapshot: async () => fixtureSnapshot(),
      capabilities: async () => caps,
      selfPid: SELF_PID,
    });
    const rec = recorder();
    const r = await s.apply(ctxOf(rec.run), { edits, checkpoint: { seconds: 30 } });
    const id = r.dryRun === false ? r.checkpoint!.id : '';
    await expect(s.confirm(ctxOf(rec.run), id)).resolves.toEqual({ id, kept: true });
    expect(existsSync(file)).toBe(false);
    expect(rec.calls.some((c) => c.includes('del'))).toBe(false);
    await expect(s.confirm(ctxOf(rec.run), id)).rejects.toThrow(/no change with id .* is waiting/);
    expect(s.busy()).toBe(false);
  });

  it('drain (SIGTERM) reverts a change still waiting for confirmation, and refuses new plans', async () => {
    const s = new EditSession({
      readSnapshot: async () => fixtureSnapshot(),
      capabilities: async () => caps,
      selfPid: SELF_PID,
    });
    const rec = recorder();
    await s.apply(ctxOf(rec.run), { edits, checkpoint: { seconds: 600 } });
    await s.drain('SIGTERM');
    expect(rec.calls.at(-1)).toEqual(['ip', 'link', 'del', 'dev', 'ck0']);
    await expect(s.apply(ctxOf(rec.run), { edits })).rejects.toThrow(/stopping/);
  });

  it('a second plan waits for the first, then runs (one at a time)', async () => {
    const s = new EditSession({
      readSnapshot: async () => fixtureSnapshot(),
      capabilities: async () => caps,
      selfPid: SELF_PID,
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const run: Runner = async (argv) => {
      order.push(argv.join(' '));
      if (argv.includes('ck0')) await gate;
      return { argv, stdout: '', stderr: '', exitCode: 0 };
    };
    const a = s.apply(ctxOf(run), { edits });
    const b = s.apply(ctxOf(run), { edits: [{ op: 'link.add', kind: 'veth', name: 'ck2', peer: { name: 'ck3' } }] });
    await vi.waitFor(() => expect(order.length).toBeGreaterThan(0));
    expect(order.some((o) => o.includes('ck2'))).toBe(false);
    release();
    await Promise.all([a, b]);
    expect(order.findIndex((o) => o.includes('ck2'))).toBeGreaterThan(order.findIndex((o) => o.includes('ck0')));
  });

  it("what can cut access: the host's addresses, routes, links down/moved/deleted; not other namespaces", () => {
    expect(accessRisks([{ op: 'addr.del', dev: 'eth0', cidr: '10.0.0.2/24' }], '1')).toHaveLength(1);
    expect(accessRisks([{ op: 'link.set', ns: '1', dev: 'eth0', up: false }], '1')).toEqual([
      "edit 1 takes the host's eth0 down",
    ]);
    expect(accessRisks([{ op: 'route.add', dst: 'default', via: '10.0.0.1' }], '1')).toHaveLength(1);
    expect(
      accessRisks(
        [
          { op: 'link.set', ns: 'blue', dev: 'eth0', up: false },
          { op: 'netns.add', name: 'x' },
          { op: 'link.set', dev: 'v0', up: true },
        ],
        '1',
      ),
    ).toEqual([]);
  });
});
