// A plan as a shell script a user can copy and run by hand. Pure; no imports, so the UI may use it too.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote quoting: safe words stay bare, everything else is quoted with ' escaped as '\''. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Plan steps are argv lists for the runner, with one exception: writing a sysfs attribute (SR-IOV's
 * sriov_numvfs), which none of the runner's allowed programs can do without a shell. Such a step is
 * spelled [SYSFS_WRITE, PATH, VALUE]: apply.ts does it with node's fs (only allowed attributes under the
 * sysfs root), previews and scripts show it as `echo VALUE > PATH`, and the runner's allow-list refuses
 * the word, so it can never run as a program.
 */
export const SYSFS_WRITE = 'sysfs-write';

export function sysfsWriteArgv(path: string, value: string): string[] {
  return [SYSFS_WRITE, path, value];
}

/** The path and value of a sysfs-write step, or null for an ordinary argv. */
export function sysfsWriteOf(argv: readonly string[]): { path: string; value: string } | null {
  return argv.length === 3 && argv[0] === SYSFS_WRITE ? { path: argv[1], value: argv[2] } : null;
}

export function argvToShell(argv: string[]): string {
  const w = sysfsWriteOf(argv);
  if (w) return `echo ${shellQuote(w.value)} > ${shellQuote(w.path)}`;
  return argv.map(shellQuote).join(' ');
}

export function planToShell(plan: {
  steps: { argv: string[]; undo: string[] | null; description: string }[];
  warnings?: string[];
}): string {
  const lines = ['#!/bin/sh', `# linkscape plan: ${plan.steps.length} step(s); stops at the first failure`, 'set -e'];
  for (const w of plan.warnings ?? []) lines.push(`# warning: ${w.replace(/\n/g, ' ')}`);
  plan.steps.forEach((s, i) => {
    lines.push('', `# ${i + 1}. ${s.description.replace(/\n/g, ' ')}`);
    lines.push(`#    undo: ${s.undo ? argvToShell(s.undo) : '(cannot be undone)'}`);
    lines.push(argvToShell(s.argv));
  });
  return lines.join('\n') + '\n';
}
