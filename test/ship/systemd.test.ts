// deploy/systemd: the unit and its read-only drop-in pass `systemd-analyze verify` (which also checks that
// ExecStart's program exists: the copy points it at this checkout's bin/linkscape.mjs instead of the install's
// /usr/local/bin/linkscape), and ExecStart's flags are ones linkscape takes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { systemdTier } from '../tiers';
import { ROOT } from '../e2e/server';

const UNIT_DIR = path.join(ROOT, 'deploy/systemd');
const INSTALLED = '/usr/local/bin/linkscape';
const BIN = path.join(ROOT, 'bin/linkscape.mjs');
const unit = readFileSync(path.join(UNIT_DIR, 'linkscape.service'), 'utf8');
const dropIn = readFileSync(path.join(UNIT_DIR, 'read-only.conf'), 'utf8');

/** the values of KEY= in a unit file, in order */
const values = (text: string, key: string) =>
  text.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

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
    const r = await execa('systemd-analyze', ['verify', '--man=no', path.join(d, 'linkscape.service')], { reject: false, all: true });
    return { code: r.exitCode, messages: r.all.split('\n').filter((l) => l.includes('linkscape')) };
  };

  it('the unit passes systemd-analyze verify with no message about it', async () => {
    expect(await verify(unit)).toEqual({ code: 0, messages: [] });
  });

  it('and so does it with the read-only drop-in', async () => {
    expect(await verify(unit, { 'read-only.conf': dropIn })).toEqual({ code: 0, messages: [] });
  });

  it('the check can fail: a misspelt setting and a bad value are reported', async () => {
    const bad = await verify(unit.replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes').replace('ProtectClock=yes', 'ProtectClock=maybe'));
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
    for (const key of ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'ReadWritePaths', 'ProtectKernelTunables', 'PrivateDevices'])
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
