// deploy/systemd: the unit and its read-only drop-in pass `systemd-analyze verify` (which also checks that
// ExecStart's program exists: the copy points it at this checkout's bin/linkscape.mjs instead of the install's
// /usr/local/bin/linkscape), and ExecStart's flags are ones linkscape takes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { kernelTier, systemdTier } from '../tiers';
import { ROOT } from '../e2e/server';

const UNIT_DIR = path.join(ROOT, 'deploy/systemd');
const INSTALLED = '/usr/local/bin/linkscape';
const BIN = path.join(ROOT, 'bin/linkscape.mjs');
const unit = readFileSync(path.join(UNIT_DIR, 'linkscape.service'), 'utf8');
const dropIn = readFileSync(path.join(UNIT_DIR, 'read-only.conf'), 'utf8');

/** the values of KEY= in a unit file, in order */
const values = (text: string, key: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));

describe.skipIf(!systemdTier.ok)('the systemd unit (systemd tier)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linkscape-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** systemd-analyze verify on a copy of the unit (and drop-ins), every message about it */
  const verify = async (unitText: string, dropIns: Record<string, string> = {}) => {
    const d = mkdtempSync(path.join(dir, 'v-'));
    writeFileSync(path.join(d, 'linkscape.service'), unitText.replaceAll(INSTALLED, BIN));
    mkdirSync(path.join(d, 'linkscape.service.d'));
    for (const [name, text] of Object.entries(dropIns))
      writeFileSync(path.join(d, 'linkscape.service.d', name), text.replaceAll(INSTALLED, BIN));
    const r = await execa('systemd-analyze', ['verify', '--man=no', path.join(d, 'linkscape.service')], {
      reject: false,
      all: true,
    });
    return { code: r.exitCode, messages: r.all.split('\n').filter((l) => l.includes('linkscape')) };
  };

  it('the unit passes systemd-analyze verify with no message about it', async () => {
    expect(await verify(unit)).toEqual({ code: 0, messages: [] });
  });

  it('and so does it with the read-only drop-in', async () => {
    expect(await verify(unit, { 'read-only.conf': dropIn })).toEqual({ code: 0, messages: [] });
  });

  it('the check can fail: a misspelt setting and a bad value are reported', async () => {
    const bad = await verify(
      unit.replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes').replace('ProtectClock=yes', 'ProtectClock=maybe'),
    );
    expect(bad.messages.join('\n')).toMatch(/Unknown key 'NoNewPrivilege'/);
    expect(bad.messages.join('\n')).toMatch(/Failed to parse.*maybe/);
  });

  it('runs the installed CLI as root with the token in /run/linkscape and the audit log in /var/log/linkscape', () => {
    const [exec] = values(unit, 'ExecStart');
    expect(exec).toMatch(new RegExp(`^${INSTALLED} serve `));
    expect(exec).toMatch(/--token-file \/run\/linkscape\/token/);
    expect(values(unit, 'RuntimeDirectory')).toEqual(['linkscape']);
    expect(values(unit, 'RuntimeDirectoryMode')).toEqual(['0700']);
    expect(values(unit, 'LogsDirectory')).toEqual(['linkscape']);
    expect(values(unit, 'Environment').join(' ')).toMatch(/LINKSCAPE_AUDIT_LOG=\/var\/log\/linkscape\/audit\.jsonl/);
    expect(values(unit, 'Environment').join(' ')).toMatch(/NO_COLOR=1/);
    expect(values(unit, 'NoNewPrivileges')).toEqual(['yes']);
    // the full service edits: nothing that gives it a mount namespace of its own (see the unit's comment)
    for (const key of [
      'ProtectSystem',
      'ProtectHome',
      'PrivateTmp',
      'ReadWritePaths',
      'ProtectKernelTunables',
      'PrivateDevices',
    ])
      expect(values(unit, key), key).toEqual([]);
    expect(values(dropIn, 'ExecStart')[1]).toMatch(/ serve --read-only /);
    expect(values(dropIn, 'ProtectSystem')).toEqual(['strict']);
  });

  it('its ExecStart flags are accepted by linkscape serve', async () => {
    for (const text of [unit, dropIn]) {
      const exec = values(text, 'ExecStart').filter(Boolean)[0];
      const args = exec.split(/\s+/).slice(1);
      const r = await execa(process.execPath, [BIN, ...args, '--help'], { reject: false, all: true, timeout: 30_000 });
      expect(r.exitCode, r.all).toBe(0);
    }
  });
});

// The unit's CapabilityBoundingSet is enough, and CAP_SYS_PTRACE in it is needed: run with only those (setpriv,
// as systemd would, with no-new-privs) against a namespace held only by a process of another user.
describe.skipIf(!systemdTier.ok || !kernelTier.ok)("the unit's capabilities (systemd tier, root)", () => {
  const caps = values(unit, 'CapabilityBoundingSet')[0]
    .split(/\s+/)
    .map((c) => c.replace(/^CAP_/, '').toLowerCase());
  const bounded = (set: string[], argv: string[]) =>
    execa('setpriv', [`--bounding-set=-all,${set.map((c) => `+${c}`).join(',')}`, '--no-new-privs', '--', ...argv], {
      timeout: 240_000,
    });
  const name = `lsP${process.pid}-cap`;
  let holder: ReturnType<typeof execa> | null = null;
  afterAll(async () => {
    holder?.kill('SIGKILL');
    await holder?.catch(() => undefined);
    await execa('ip', ['netns', 'del', name], { reject: false });
  });

  it("reads a namespace held only by another user's process, which it cannot without CAP_SYS_PTRACE", async () => {
    holder = execa('unshare', [
      '--net',
      '--',
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'sleep',
      '300',
    ]);
    const pid = holder.pid!;
    // the holder's namespace, once it has left ours
    let ino = '';
    for (let i = 0; i < 100 && !ino; i++) {
      const own = (await execa('readlink', ['/proc/self/ns/net'])).stdout;
      const its = (await execa('readlink', [`/proc/${pid}/ns/net`], { reject: false })).stdout;
      const child = (await execa('pgrep', ['-P', String(pid)], { reject: false })).stdout.trim();
      const target = child ? (await execa('readlink', [`/proc/${child}/ns/net`], { reject: false })).stdout : its;
      if (target && target !== own) ino = /\[(\d+)\]/.exec(target)![1];
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(ino).not.toBe('');
    const read = async (set: string[]) =>
      (
        JSON.parse((await bounded(set, [process.execPath, BIN, 'snapshot'])).stdout) as { namespaces: { id: string }[] }
      ).namespaces.map((n) => n.id);
    expect(await read(caps)).toContain(ino);
    expect(await read(caps.filter((c) => c !== 'sys_ptrace'))).not.toContain(ino);
  }, 600_000);

  it('makes a named namespace the host sees, a veth pair in it, and removes it', async () => {
    await bounded(caps, ['ip', 'netns', 'add', name]);
    await bounded(caps, ['ip', '-n', name, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb']);
    await bounded(caps, ['ip', '-n', name, 'link', 'set', 'va', 'up']);
    // seen from outside the bounded processes: the host's `ip netns` and a fresh read of the namespace
    expect((await execa('ip', ['netns', 'list'])).stdout).toContain(name);
    expect((await execa('ip', ['-n', name, '-br', 'link'])).stdout).toMatch(/va@vb\s+\S+/);
    await bounded(caps, ['ip', 'netns', 'del', name]);
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(name);
  });
});
