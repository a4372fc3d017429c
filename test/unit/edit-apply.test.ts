// Apply, rollback, undo, guard, audit — with a recording fake Runner (nothing touches the host).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandError, type Runner } from '../../server/ip/run';
import {
  EditSession,
  GuardError,
  NothingToUndoError,
  PlanChangedError,
  runPlan,
  inversePlan,
  type CallContext,
} from '../../server/edits/apply';
import { PlanError } from '../../server/edits/plan';
import { readAudit } from '../../server/edits/audit';
import type { Capabilities } from '../../server/host/capabilities';
import { fixtureSnapshot, ROOT, SELF_PID } from './edit-fixture';

/** Records every argv; fails those `fail` matches with stderr like ip's. */
function fakeRunner(
  fail: (argv: string[]) => string | null = () => null,
  stdout: (argv: string[]) => string = () => '',
) {
  const calls: string[][] = [];
  const run: Runner = async (argv) => {
    calls.push(argv);
    const err = fail(argv);
    if (err !== null) throw new CommandError(argv, err + '\n', '', 2, false);
    return { argv, stdout: stdout(argv), stderr: '', exitCode: 0 };
  };
  return { run, calls };
}

const caps: Capabilities = {
  probed: true,
  probedAt: 'x',
  root: true,
  iproute2: '6.1.0',
  kernel: '6.18.0-test',
  kinds: {
    macvlan: { supported: true, reason: null },
    macvtap: { supported: true, reason: null },
    ipvlan: { supported: false, reason: 'Error: Unknown device type.' },
    ipvtap: { supported: false, reason: 'Error: Unknown device type.' },
    veth: { supported: true, reason: null },
    bridge: { supported: true, reason: null },
    vlan: { supported: false, reason: 'Error: Unknown device type.' },
    vxlan: { supported: true, reason: null },
    dummy: { supported: false, reason: 'Error: Unknown device type.' },
  },
  note: null,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ls-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const session = () =>
  new EditSession({ readSnapshot: async () => fixtureSnapshot(), capabilities: async () => caps, selfPid: SELF_PID });
const ctxOf = (run: Runner, over: Partial<CallContext> = {}): CallContext => ({
  run,
  auditLog: path.join(dir, 'sub', 'audit.jsonl'),
  remote: '10.0.0.9',
  readOnly: false,
  ...over,
});

describe('runPlan: all or nothing', () => {
  const steps = [1, 2, 3, 4].map((n) => ({
    argv: ['ip', 'step', String(n)],
    undo: ['ip', 'undo', String(n)] as string[] | null,
    description: `step ${n}`,
  }));

  it("step 3 of 4 fails → undos of 2 and 1 run in reverse, the error is the kernel's words", async () => {
    const { run, calls } = fakeRunner((a) => (a[2] === '3' && a[1] === 'step' ? 'Error: Unknown device type.' : null));
    const r = await runPlan(run, steps);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failedStep).toBe(3);
    expect(r.error).toBe('Error: Unknown device type.');
    expect(r.failed.argv).toEqual(['ip', 'step', '3']);
    expect(calls).toEqual([
      ['ip', 'step', '1'],
      ['ip', 'step', '2'],
      ['ip', 'step', '3'],
      ['ip', 'undo', '2'],
      ['ip', 'undo', '1'],
    ]);
    expect(r.rolledBack.map((x) => [x.step, x.ok])).toEqual([
      [2, true],
      [1, true],
    ]);
    expect(r.notUndone).toEqual([]);
  });

  it('the first step failing runs no undo', async () => {
    const { run, calls } = fakeRunner((a) => (a[1] === 'step' ? 'RTNETLINK answers: File exists' : null));
    const r = await runPlan(run, steps);
    expect(r.ok === false && r.failedStep).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('a failing undo is reported and the rest still run; steps without undo are listed', async () => {
    const s = [...steps];
    s[1] = { ...s[1], undo: null };
    const { run, calls } = fakeRunner((a) =>
      a[1] === 'step' && a[2] === '4' ? 'Error: boom' : a[1] === 'undo' && a[2] === '3' ? 'Error: undo failed' : null,
    );
    const r = await runPlan(run, s);
    if (r.ok) throw new Error('expected failure');
    expect(r.failedStep).toBe(4);
    expect(r.rolledBack).toEqual([
      { step: 3, argv: ['ip', 'undo', '3'], ok: false, error: 'Error: undo failed' },
      { step: 1, argv: ['ip', 'undo', '1'], ok: true, error: null },
    ]);
    expect(r.notUndone).toEqual([2]);
    expect(calls.slice(4)).toEqual([
      ['ip', 'undo', '3'],
      ['ip', 'undo', '1'],
    ]);
  });

  it('all steps succeed', async () => {
    const { run, calls } = fakeRunner();
    const r = await runPlan(run, steps);
    expect(r.ok).toBe(true);
    expect(calls).toHaveLength(4);
  });

  it('inversePlan: undos newest first, each undoable again', () => {
    const inv = inversePlan({
      steps: steps.map((s, i) => ({ ...s, edit: 0, undo: i === 1 ? null : s.undo })),
      warnings: [],
      guards: [],
      createsHostLinks: [],
    });
    expect(inv.steps.map((s) => s.argv)).toEqual([
      ['ip', 'undo', '4'],
      ['ip', 'undo', '3'],
      ['ip', 'undo', '1'],
    ]);
    expect(inv.steps.map((s) => s.undo)).toEqual([
      ['ip', 'step', '4'],
      ['ip', 'step', '3'],
      ['ip', 'step', '1'],
    ]);
    expect(inv.warnings[0]).toMatch(/step 2 .* cannot be undone/);
  });
});

describe('EditSession', () => {
  const macvlan = {
    op: 'link.add',
    kind: 'macvlan',
    name: 'mv0',
    parent: 'eth1',
    mode: 'bridge',
    netns: 'blue',
    addresses: ['10.2.0.1/24'],
    up: true,
  };

  it('dry run returns the plan and the script, runs nothing, and is audited', async () => {
    const { run, calls } = fakeRunner();
    const r = await session().apply(ctxOf(run), { edits: [macvlan], dryRun: true });
    expect(calls).toEqual([]);
    expect(r.dryRun).toBe(true);
    expect(r.plan.steps).toHaveLength(3);
    expect(r.shell).toContain('ip link add link eth1 name mv0 netns blue type macvlan mode bridge');
    const audit = await readAudit(path.join(dir, 'sub', 'audit.jsonl'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      remote: '10.0.0.9',
      action: 'apply',
      dryRun: true,
      outcome: { ok: true, dryRun: true },
    });
    expect(audit[0].plan[0].argv).toEqual([
      'ip',
      'link',
      'add',
      'link',
      'eth1',
      'name',
      'mv0',
      'netns',
      'blue',
      'type',
      'macvlan',
      'mode',
      'bridge',
    ]);
  });

  it('apply runs the steps; undo runs their undos in reverse; then nothing is left to undo', async () => {
    const { run, calls } = fakeRunner();
    const s = session();
    const r = await s.apply(ctxOf(run), { edits: [macvlan] });
    expect(r.ok).toBe(true);
    expect(r.dryRun === false && r.undoAvailable).toBe(true);
    expect(calls).toHaveLength(3);
    expect(s.lastApplied()?.steps).toBe(3);
    const u = await s.undo(ctxOf(run));
    expect(u.ok).toBe(true);
    expect(calls.slice(3)).toEqual([
      ['ip', '-n', 'blue', 'link', 'set', 'dev', 'mv0', 'down'],
      ['ip', '-n', 'blue', 'addr', 'del', '10.2.0.1/24', 'dev', 'mv0'],
      ['ip', '-n', 'blue', 'link', 'del', 'dev', 'mv0'],
    ]);
    await expect(s.undo(ctxOf(run))).rejects.toBeInstanceOf(NothingToUndoError);
    const audit = await readAudit(path.join(dir, 'sub', 'audit.jsonl'));
    expect(audit.map((a) => [a.action, a.outcome.ok])).toEqual([
      ['apply', true],
      ['undo', true],
    ]);
  });

  it('a failed apply rolls back, is audited with the kernel message, and leaves nothing to undo', async () => {
    const { run, calls } = fakeRunner((a) => (a.includes('up') ? 'RTNETLINK answers: Network is down' : null));
    const s = session();
    const r = await s.apply(ctxOf(run), { edits: [macvlan] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failedStep).toBe(3);
    expect(r.error).toBe('RTNETLINK answers: Network is down');
    expect(calls.slice(3)).toEqual([
      ['ip', '-n', 'blue', 'addr', 'del', '10.2.0.1/24', 'dev', 'mv0'],
      ['ip', '-n', 'blue', 'link', 'del', 'dev', 'mv0'],
    ]);
    expect(s.lastApplied()).toBeNull();
    const audit = await readAudit(path.join(dir, 'sub', 'audit.jsonl'));
    expect(audit[0].outcome).toMatchObject({ ok: false, failedStep: 3, error: 'RTNETLINK answers: Network is down' });
  });

  it('expectPlan: Apply runs only the plan shown — a host that changed since the dry run gets nothing run', async () => {
    const { run, calls } = fakeRunner();
    let mtu = 1500;
    const s = new EditSession({
      readSnapshot: async () => {
        const snap = fixtureSnapshot();
        for (const l of snap.links) if (l.name === 'vroot') l.mtu = mtu;
        return snap;
      },
      capabilities: async () => caps,
      selfPid: SELF_PID,
    });
    const edits = [{ op: 'link.set', dev: 'vroot', mtu: 1400 }];
    const shown = await s.apply(ctxOf(run), { edits, dryRun: true });
    if (!shown.dryRun) throw new Error('a dry run');
    expect(shown.planId).toMatch(/^[0-9a-f]{64}$/);
    expect((await s.apply(ctxOf(run), { edits, dryRun: true })).planId).toBe(shown.planId); // the same host plans the same
    mtu = 1450; // someone changed the link behind the page's back: the undo would differ ("was 1450")
    await expect(s.apply(ctxOf(run), { edits, expectPlan: shown.planId })).rejects.toBeInstanceOf(PlanChangedError);
    expect(calls).toEqual([]);
    expect((await readAudit(path.join(dir, 'sub', 'audit.jsonl'))).at(-1)?.outcome).toMatchObject({
      ok: false,
      refused: 'plan changed',
    });
    const again = await s.apply(ctxOf(run), { edits, dryRun: true });
    const r = await s.apply(ctxOf(run), { edits, expectPlan: again.planId });
    expect(r.ok).toBe(true);
    expect(calls).toEqual([['ip', 'link', 'set', 'dev', 'vroot', 'mtu', '1400']]);
    await expect(s.apply(ctxOf(run), { edits, expectPlan: 'nope' })).rejects.toThrow(
      /expectPlan must be the planId a dry run returned/,
    );
  });

  it('the lock-out guard refuses without force (nothing runs) and lets force through', async () => {
    const { run, calls } = fakeRunner();
    const s = session();
    const edits = [{ op: 'link.set', dev: 'eth0', up: false }];
    const err = await s.apply(ctxOf(run), { edits }).catch((e) => e);
    expect(err).toBeInstanceOf(GuardError);
    expect((err as GuardError).guards[0]).toMatchObject({ link: 'eth0', edit: 0 });
    expect((err as GuardError).issues[0].path).toEqual(['force']);
    expect(calls).toEqual([]);
    const dry = await s.apply(ctxOf(run), { edits, dryRun: true });
    expect(dry.plan.guards).toHaveLength(1);
    expect(calls).toEqual([]);
    const r = await s.apply(ctxOf(run), { edits, force: true });
    expect(r.ok).toBe(true);
    // the default route through eth0 first (the kernel would drop it; this way undo puts it back)
    expect(calls).toEqual([
      ['ip', 'route', 'del', 'default', 'via', '192.0.2.1', 'dev', 'eth0'],
      ['ip', 'link', 'set', 'dev', 'eth0', 'down'],
    ]);
    const audit = await readAudit(path.join(dir, 'sub', 'audit.jsonl'));
    expect(audit[0].outcome).toMatchObject({ ok: false, refused: 'lock-out guard' });
  });

  it('host links it created are trusted later (their ifindex is learned after apply)', async () => {
    const { run, calls } = fakeRunner(
      () => null,
      (a) =>
        a.join(' ') === 'ip -j link show'
          ? JSON.stringify([
              { ifindex: 1, ifname: 'lo' },
              { ifindex: 3, ifname: 'ifb0' },
              { ifindex: 9, ifname: 'brnew' },
            ])
          : '',
    );
    const s = session();
    await s.apply(ctxOf(run), { edits: [{ op: 'link.add', kind: 'bridge', name: 'brnew' }] });
    expect(calls.at(-1)).toEqual(['ip', '-j', 'link', 'show']);
    expect([...s.createdIds]).toEqual([`${ROOT}/9`]);
  });

  it('an unsupported kind is refused before anything runs', async () => {
    const { run, calls } = fakeRunner();
    const err = await session()
      .apply(ctxOf(run), { edits: [{ op: 'link.add', kind: 'ipvlan', name: 'iv', parent: 'eth1', mode: 'l3' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect(err.issues[0]).toEqual({
      path: ['edits', 0, 'kind'],
      message: 'ipvlan is not supported by this kernel (6.18.0-test): Error: Unknown device type.',
    });
    expect(calls).toEqual([]);
  });

  it('zod rejects a bad edit before the host is even read', async () => {
    const { run, calls } = fakeRunner();
    let read = 0;
    const s = new EditSession({
      readSnapshot: async () => (read++, fixtureSnapshot()),
      capabilities: async () => caps,
    });
    await expect(s.apply(ctxOf(run), { edits: [{ op: 'link.del', dev: 'eth0 ; reboot' }] })).rejects.toThrow(
      /whitespace/,
    );
    expect(read).toBe(0);
    expect(calls).toEqual([]);
    expect(existsSync(path.join(dir, 'sub', 'audit.jsonl'))).toBe(false);
  });

  it('plans run one at a time', async () => {
    const order: string[] = [];
    const run: Runner = async (argv) => {
      order.push(`start ${argv[4] ?? argv[3]}`);
      await new Promise((r) => setTimeout(r, 20));
      order.push(`end ${argv[4] ?? argv[3]}`);
      return { argv, stdout: '', stderr: '', exitCode: 0 };
    };
    const s = session();
    await Promise.all([
      s.apply(ctxOf(run), { edits: [{ op: 'link.add', kind: 'bridge', name: 'b1' }] }),
      s.apply(ctxOf(run), { edits: [{ op: 'link.add', kind: 'bridge', name: 'b2' }] }),
    ]);
    const starts = order.filter((o) => o.startsWith('start'));
    expect(order.indexOf(`end ${starts[0].slice(6)}`)).toBeLessThan(order.indexOf(starts[1]));
  });

  it('the audit log is JSON lines and survives a torn line', async () => {
    const { run } = fakeRunner();
    const s = session();
    await s.apply(ctxOf(run), { edits: [{ op: 'netns.add', name: 'n1' }], dryRun: true });
    await s.apply(ctxOf(run), { edits: [{ op: 'netns.add', name: 'n2' }], dryRun: true });
    const file = path.join(dir, 'sub', 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).edits[0].name)).toEqual(['n1', 'n2']);
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, '{"torn":');
    expect((await readAudit(file, 10)).map((a) => (a.edits as { name: string }[])[0].name)).toEqual(['n1', 'n2']);
    expect(await readAudit(file, 1)).toHaveLength(0); // the last line is the torn one
    expect(await readAudit(path.join(dir, 'missing.jsonl'))).toEqual([]);
  });
});
