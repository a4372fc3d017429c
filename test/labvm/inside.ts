// Runs one test/labvm/inside-*.ts script in a lab VM and returns the JSON report it prints between its
// markers (`==LINKSCAPE-<TAG>-BEGIN==` … `==LINKSCAPE-<TAG>-END==`).
//
// The script is bundled here first (esbuild, node_modules left external) and the VM runs plain `node` on the
// bundle: under the VM's software emulation, tsx's start-up and per-file transforms cost minutes per boot
// (importing the router took 209 s through tsx, 15 s bundled). The bundle goes in the repository (the VM
// sees only the current directory, and / read-only) and is removed after the run.
import { execa } from 'execa';
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { LABVM_DIR } from '../tiers';

export const REPO = path.resolve(import.meta.dirname, '../..');

export interface InsideRun {
  /** the markers' tag: EDIT, SRIOV, LABVM */
  tag: string;
  /** the lab VM's own options before `--` (e.g. ['--mem', '1024']) */
  vm?: string[];
  env?: Record<string, string>;
  timeoutMs: number;
}

/** Bundles test/labvm/SCRIPT into a folder of this process's own; returns the argv that runs it in the VM. */
export async function bundleInside(script: string): Promise<{ argv: string[]; dir: string }> {
  const dir = path.join(REPO, `.labvm-build-${process.pid}`);
  const out = path.join(dir, script.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [path.join(REPO, 'test/labvm', script)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // the server modules' `server-only` marker throws outside Next's react-server condition: the empty module
    // the CLI bundle uses too (shared/README.md)
    alias: { 'server-only': path.join(REPO, 'server/cli/server-only.ts') },
    logLevel: 'warning',
    outfile: out,
  });
  return { argv: ['node', path.relative(REPO, out)], dir };
}

export async function runInside<T>(script: string, o: InsideRun): Promise<T> {
  const { argv, dir } = await bundleInside(script);
  let r;
  try {
    r = await execa(path.join(LABVM_DIR, 'run'), [...(o.vm ?? []), '--', ...argv], {
      cwd: REPO,
      reject: false,
      timeout: o.timeoutMs,
      all: true,
      env: o.env,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const begin = `==LINKSCAPE-${o.tag}-BEGIN==`;
  const end = `==LINKSCAPE-${o.tag}-END==`;
  const out = r.stdout ?? '';
  const a = out.indexOf(begin);
  const b = out.indexOf(end);
  if (r.exitCode !== 0 || a < 0 || b < 0)
    throw new Error(`lab VM run of ${script} failed (exit ${r.exitCode}):\n${r.all?.slice(-4000)}`);
  return JSON.parse(out.slice(a + begin.length, b)) as T;
}
