// A plan as a shell script a user can copy and run by hand. Pure; no imports, so the UI may use it too.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote quoting: safe words stay bare, everything else is quoted with ' escaped as '\''. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function argvToShell(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

export function planToShell(plan: { steps: { argv: string[]; undo: string[] | null; description: string }[]; warnings?: string[] }): string {
  const lines = ['#!/bin/sh', `# linkscape plan: ${plan.steps.length} step(s); stops at the first failure`, 'set -e'];
  for (const w of plan.warnings ?? []) lines.push(`# warning: ${w.replace(/\n/g, ' ')}`);
  plan.steps.forEach((s, i) => {
    lines.push('', `# ${i + 1}. ${s.description.replace(/\n/g, ' ')}`);
    lines.push(`#    undo: ${s.undo ? argvToShell(s.undo) : '(cannot be undone)'}`);
    lines.push(argvToShell(s.argv));
  });
  return lines.join('\n') + '\n';
}
