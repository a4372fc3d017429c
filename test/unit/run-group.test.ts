// liveGroupMembers reads /proc/PID/stat the way the kernel writes it: a comm may hold spaces and ")".
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveGroupMembers } from '../../server/ip/run';

const proc = mkdtempSync(path.join(os.tmpdir(), 'ls-proc-'));
const stat = (pid: number, comm: string, state: string, ppid: number, pgrp: number) => {
  mkdirSync(path.join(proc, String(pid)));
  writeFileSync(
    path.join(proc, String(pid), 'stat'),
    `${pid} (${comm}) ${state} ${ppid} ${pgrp} ${pgrp} 0 -1 4194560 0`,
  );
};
stat(100, 'ip', 'S', 1, 100); // the leader
stat(101, 'ip monitor) S 1 100', 'R', 100, 100); // a comm that looks like more fields
stat(102, 'ip', 'Z', 100, 100); // a zombie: dead, waiting to be reaped
stat(103, 'sleep', 'S', 1, 999); // another group
mkdirSync(path.join(proc, 'self'));
afterAll(() => rmSync(proc, { recursive: true, force: true }));

describe('liveGroupMembers', () => {
  it('lists the live members of a process group, not zombies nor other groups', () => {
    expect(liveGroupMembers(100, proc).sort()).toEqual([100, 101]);
    expect(liveGroupMembers(999, proc)).toEqual([103]);
    expect(liveGroupMembers(5, proc)).toEqual([]);
  });
  it('skips a pid that ended while it looked (no stat file)', () => {
    mkdirSync(path.join(proc, '104'));
    expect(liveGroupMembers(100, proc).sort()).toEqual([100, 101]);
  });
});
