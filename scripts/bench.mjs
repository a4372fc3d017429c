#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs every bench/*.ts (or those whose file name contains a NAME), each in
// its own node process with tsx, and prints one combined report.
// A bench file's default export is `async () => BenchResult`:
//   { name, metrics: [{ name, value, unit, goal?, ok? }], notes: string[], skipped?: string }
// Progress goes to stderr; the result comes back on stdout after a marker line.
// Exit status: 1 when a bench failed to run or a metric with a goal missed it.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARK = '==LINKSCAPE-BENCH-RESULT==';
const filters = process.argv.slice(2);
const files = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();
if (!files.length) {
  console.error(`no bench/*.ts${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}

// runs inside the child: import the file given as argv[1], call its default export, print the result
const runner = `
const file = process.argv[1];
const m = await import(file);
if (typeof m.default !== 'function') throw new Error(file + ' has no default export function');
const r = await m.default();
process.stdout.write('\\n${MARK}\\n' + JSON.stringify(r) + '\\n');
process.exit(0);
`;

function runOne(file) {
  return new Promise((resolve) => {
    const t = Date.now();
    const child = spawn(
      process.execPath,
      [
        '--conditions=react-server',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        runner,
        path.join(root, 'bench', file),
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // forward a Ctrl-C to the bench, which cleans up after itself
    const fwd = (sig) => child.kill(sig);
    process.on('SIGINT', fwd);
    process.on('SIGTERM', fwd);
    child.on('close', (code, signal) => {
      process.off('SIGINT', fwd);
      process.off('SIGTERM', fwd);
      const i = out.lastIndexOf(MARK);
      const before = (i >= 0 ? out.slice(0, i) : out).trim();
      if (before) process.stderr.write(before + '\n');
      if (code !== 0 || i < 0)
        return resolve({ file, error: `exited with ${signal ?? code}`, seconds: (Date.now() - t) / 1000 });
      try {
        resolve({ file, result: JSON.parse(out.slice(i + MARK.length).trim()), seconds: (Date.now() - t) / 1000 });
      } catch (e) {
        resolve({ file, error: `unreadable result: ${e.message}`, seconds: (Date.now() - t) / 1000 });
      }
    });
  });
}

const results = [];
for (const f of files) {
  console.error(`== bench/${f}`);
  results.push(await runOne(f));
}

let bad = 0;
const lines = ['', '==== linkscape benchmarks ===='];
for (const r of results) {
  lines.push('', `bench/${r.file} (${r.seconds.toFixed(1)} s)`);
  if (r.error) {
    lines.push(`  FAILED: ${r.error}`);
    bad++;
    continue;
  }
  const { name, metrics = [], notes = [], skipped } = r.result;
  lines.push(`  ${name}`);
  if (skipped) {
    lines.push(`  SKIPPED: ${skipped}`);
    continue;
  }
  const w = Math.max(...metrics.map((m) => m.name.length), 10);
  for (const m of metrics) {
    const verdict = m.goal ? `  goal ${m.goal}: ${m.ok ? 'met' : 'MISSED'}` : '';
    if (m.goal && !m.ok) bad++;
    lines.push(`  ${m.name.padEnd(w)}  ${String(m.value).padStart(8)} ${m.unit}${verdict}`);
  }
  for (const n of notes) lines.push(`  - ${n}`);
}
lines.push('', bad ? `${bad} problem(s): see above` : 'all goals met');
console.log(lines.join('\n'));
process.exit(bad ? 1 : 0);
