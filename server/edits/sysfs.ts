// The one place an edit writes a file: a sysfs attribute (SR-IOV's sriov_numvfs), for plan steps spelled
// [SYSFS_WRITE, PATH, VALUE] (see shell.ts). Only allowed attributes under the sysfs root, only digits,
// never creating a file: what a shell's `echo N > PATH` does, without a shell.
import 'server-only';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SYSFS_ROOT } from '../host/sriov';

/** attributes an edit may write */
export const WRITABLE_ATTRIBUTES = new Set(['sriov_numvfs']);

/** Why this write is not allowed, or null. Pure. */
export function sysfsWriteProblem(target: string, value: string, root: string = SYSFS_ROOT): string | null {
  const rootAbs = path.resolve(root);
  if (!path.isAbsolute(target) || path.normalize(target) !== target || target.includes('\0'))
    return `refusing to write ${JSON.stringify(target)}: not a plain absolute path`;
  const rel = path.relative(rootAbs, target);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel))
    return `refusing to write ${target}: it is not under the sysfs root ${rootAbs}`;
  if (!WRITABLE_ATTRIBUTES.has(path.basename(target)))
    return `refusing to write ${target}: only ${[...WRITABLE_ATTRIBUTES].join(', ')} may be written`;
  if (!/^\d{1,10}$/.test(value))
    return `refusing to write ${JSON.stringify(value)} to ${target}: only a number may be written`;
  return null;
}

/**
 * Write VALUE (and a newline, as echo does) to an existing sysfs attribute. The kernel's refusal comes back
 * as the errno node reports (e.g. "EBUSY: resource busy or locked, write"), prefixed with what was written where.
 */
export async function writeSysfs(target: string, value: string, root: string = SYSFS_ROOT): Promise<void> {
  const bad = sysfsWriteProblem(target, value, root);
  if (bad) throw new Error(bad);
  try {
    // r+: never create the file (a missing attribute means the device has no such feature)
    await fs.writeFile(target, `${value}\n`, { flag: 'r+' });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`echo ${value} > ${target}: ${msg}`);
  }
}
