// Applying SR-IOV plans with a recording fake runner and a fake sysfs tree in a temp dir: the sysfs
// write really happens (with node's fs), a later failing ip step rolls it back, undo writes the old
// count, and writes outside the allowed attributes are refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandError, type Runner } from '../../server/ip/run';
import { EditSession, runPlan, type CallContext } from '../../server/edits/apply';
import type { Capabilities } from '../../server/host/capabilities';
import { sysfsWriteArgv } from '../../shared/edits/shell';
import { sysfsWriteProblem, writeSysfs } from '../../server/edits/sysfs';
import { SELF_PID } from './edit-fixture';
import { PF_DEV, sriovSnapshot } from './sriov-edit-fixture';

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
  probed: false,
  probedAt: null,
  root: true,
  iproute2: null,
  kernel: null,
  kinds: {},
  note: null,
} as unknown as Capabilities;

let sys: string;
let numvfs: string;
beforeEach(() => {
  sys = mkdtempSync(path.join(os.tmpdir(), 'ls-sysfs-'));
  const dev = path.join(sys, 'bus', 'pci', 'devices', PF_DEV);
  mkdirSync(dev, { recursive: true });
  numvfs = path.join(dev, 'sriov_numvfs');
  writeFileSync(numvfs, '4\n');
  writeFileSync(path.join(dev, 'sriov_totalvfs'), '8\n');
});
afterEach(() => rmSync(sys, { recursive: true, force: true }));

const count = () => Number.parseInt(readFileSync(numvfs, 'utf8'), 10);
const session = () =>
  new EditSession({
    readSnapshot: async () => sriovSnapshot(sys),
    capabilities: async () => caps,
    selfPid: SELF_PID,
    sysfsRoot: sys,
  });
const ctxOf = (run: Runner): CallContext => ({
  run,
  auditLog: path.join(sys, 'audit.jsonl'),
  remote: 'test',
  readOnly: false,
});

describe('applying sriov.numvfs through sysfs', () => {
  it('4 → 2 writes 0 then 2 with fs (no program runs); undo writes 0 then 4', async () => {
    const { run, calls } = fakeRunner();
    const s = session();
    const r = await s.apply(ctxOf(run), { edits: [{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 2 }], force: true });
    expect(r.ok).toBe(true);
    expect(calls).toEqual([]);
    expect(count()).toBe(2);
    expect(r.shell).toContain(`echo 0 > ${numvfs}`);
    const u = await s.undo(ctxOf(run));
    expect(u.ok).toBe(true);
    expect(u.plan.steps.map((x) => x.argv)).toEqual([sysfsWriteArgv(numvfs, '0'), sysfsWriteArgv(numvfs, '4')]);
    expect(count()).toBe(4);
    expect(calls).toEqual([]);
  });

  it('without force the guard holds back removing VFs whose netdevs exist, and nothing is written', async () => {
    const { run } = fakeRunner();
    await expect(
      session().apply(ctxOf(run), { edits: [{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 0 }] }),
    ).rejects.toThrow(/refused without force: .*VF netdevs/);
    expect(count()).toBe(4);
  });

  it("a later ip step failing rolls the sysfs writes back, newest first, and says the kernel's words", async () => {
    const { run, calls } = fakeRunner((a) => (a.includes('vf') ? 'RTNETLINK answers: Invalid argument' : null));
    const r = await session().apply(ctxOf(run), {
      edits: [
        { op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 2 },
        { op: 'sriov.vf', dev: 'enp3s0f0', vf: 1, trust: true },
      ],
      force: true,
    });
    expect(r.ok).toBe(false);
    if (r.ok || r.dryRun) return;
    expect(r.failedStep).toBe(3);
    expect(r.error).toBe('RTNETLINK answers: Invalid argument');
    expect(calls).toEqual([['ip', 'link', 'set', 'dev', 'enp3s0f0', 'vf', '1', 'trust', 'on']]);
    expect(r.rolledBack).toEqual([
      { step: 2, argv: sysfsWriteArgv(numvfs, '0'), ok: true, error: null },
      { step: 1, argv: sysfsWriteArgv(numvfs, '4'), ok: true, error: null },
    ]);
    expect(count()).toBe(4);
  });

  it("a refused write surfaces as the step's error and the earlier write is undone", async () => {
    // the second write target is a directory: the write fails like a kernel refusal would
    const steps = [
      { argv: sysfsWriteArgv(numvfs, '0'), undo: sysfsWriteArgv(numvfs, '4'), description: 'to 0' },
      {
        argv: sysfsWriteArgv(path.join(sys, 'bus', 'pci', 'devices', 'x', 'sriov_numvfs'), '9'),
        undo: null,
        description: 'to 9',
      },
    ];
    mkdirSync(path.join(sys, 'bus', 'pci', 'devices', 'x', 'sriov_numvfs'), { recursive: true });
    const { run } = fakeRunner();
    const r = await runPlan(run, steps, { sysfsRoot: sys });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failedStep).toBe(2);
    expect(r.error).toMatch(new RegExp(`^echo 9 > ${path.join(sys, 'bus/pci/devices/x/sriov_numvfs')}: EISDIR`));
    expect(count()).toBe(4);
  });
});

describe('writeSysfs refuses what is not an allowed attribute', () => {
  it.each([
    ['outside the root', () => '/etc/hostname', '1', /not under the sysfs root/],
    ['a relative path', () => 'bus/x/sriov_numvfs', '1', /not a plain absolute path/],
    ['dot-dot', () => `${sys}/bus/../../etc/sriov_numvfs`, '1', /not a plain absolute path/],
    ['another attribute', () => `${sys}/bus/pci/devices/${PF_DEV}/remove`, '1', /only sriov_numvfs may be written/],
    ['not a number', () => numvfs, '1; reboot', /only a number may be written/],
  ])('%s', async (_n, target, value, msg) => {
    expect(sysfsWriteProblem(target(), value, sys)).toMatch(msg);
    await expect(writeSysfs(target(), value, sys)).rejects.toThrow(msg);
    expect(count()).toBe(4);
  });

  it('never creates an attribute that is not there', async () => {
    const missing = path.join(sys, 'bus', 'pci', 'devices', PF_DEV, 'sub', 'sriov_numvfs');
    await expect(writeSysfs(missing, '2', sys)).rejects.toThrow(/ENOENT/);
    expect(existsSync(missing)).toBe(false);
  });

  it('the runner never sees a write step, and a real runner would refuse its word', async () => {
    const { run, calls } = fakeRunner();
    const r = await runPlan(run, [{ argv: sysfsWriteArgv(numvfs, '3'), undo: null, description: 'x' }], {
      sysfsRoot: sys,
    });
    expect(r.ok).toBe(true);
    expect(calls).toEqual([]);
    expect(count()).toBe(3);
    const { run: real } = await import('../../server/ip/run');
    await expect(real(sysfsWriteArgv(numvfs, '1'))).rejects.toThrow(/binary not allowed: sysfs-write/);
  });
});
