#!/usr/bin/env node
// The one test command: typecheck, lint, the format check (prettier), then every
// tier (unit, kernel, lab VM, browser) in vitest. Lint and format count as one check each in the summary.
// Tiers that cannot run here are skipped with one loud line each; under CI=true that is a failure.
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const extra = process.argv.slice(2);

const step = (name, cmd, args, env = {}) => {
  console.log(`\n== ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
};

// Which tiers run: evaluated by the same module the tests use.
const probe = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '-e',
    "import('./test/tiers.ts').then(t => console.log(JSON.stringify({kernel: t.kernelTier, labvm: t.labvmTier, browser: t.browserTier, docker: t.dockerTier, cni: t.cniTier, containerd: t.containerdTier, podman: t.podmanTier, pack: t.packTier, systemd: t.systemdTier, image: t.imageTier})))",
  ],
  { encoding: 'utf8' },
);
let tiers;
try {
  tiers = JSON.parse(probe.stdout.trim().split('\n').pop());
} catch {
  console.error('could not evaluate test tiers:', probe.stderr);
  process.exit(1);
}
let missing = 0;
for (const [name, t] of Object.entries(tiers)) {
  if (!t.ok) {
    console.log(`!! SKIPPED ${name} tier: ${t.why}${ci ? ' — CI requires it: FAILING' : ''}`);
    missing++;
  } else console.log(`   ${name} tier: runs`);
}

if (!extra.length && step('typecheck', 'npx', ['tsc', '--noEmit']) !== 0) {
  console.log('\ntests: 0 passed, 1 failed (typecheck)');
  process.exit(1);
}

// Lint and format are checks of their own: their result is counted, and the tests still run after a failure.
const checks = { passed: 0, failed: [] };
const check = (name, cmd, args) => {
  if (step(name, cmd, args) === 0) checks.passed++;
  else checks.failed.push(name);
};
if (!extra.length) {
  check('lint', 'npx', ['eslint', '--max-warnings=0', '.']);
  check('format', 'npx', ['prettier', '--check', '.']);
}

mkdirSync('test-results', { recursive: true });
const out = path.join(root, 'test-results', 'vitest.json');
const code = step('tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...extra,
]);
let passed = 0,
  failed = 0,
  skipped = 0;
if (existsSync(out)) {
  const j = JSON.parse(readFileSync(out, 'utf8'));
  passed = j.numPassedTests ?? 0;
  // count tests; a file counts once more only when it failed with no failed test of its own (it did not load,
  // or a hook failed), so one failed test in a failed file is 1 failed, not 3
  const fileErrors = (j.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed = (j.numFailedTests ?? 0) + fileErrors;
  skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
}
if (ci && missing) failed += missing;
passed += checks.passed;
failed += checks.failed.length;
if (checks.failed.length) console.log(`\n!! FAILED: ${checks.failed.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
