// Ending a lab VM started with ../shared/lab-vm/run: the script runs qemu as its child, and a SIGTERM to the
// script alone leaves qemu running, reparented to init (1.5 GB and an emulator per test run). Signal the
// whole tree, by pid, children first.
import { execFileSync } from 'node:child_process';

/** SIGTERM a process and its descendants, by pid */
export function killTree(pid: number): void {
  let kids: number[] = [];
  try {
    kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter(Boolean);
  } catch {
    /* no children */
  }
  for (const k of kids) killTree(k);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* gone already */
  }
}
