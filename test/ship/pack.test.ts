// The packed tarball as an administrator gets it: `npm pack` (prepack builds .next and bundles the CLI), then
// installed into an empty folder with no source checkout and no dev dependencies, and run there by `npx`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { packTier } from '../tiers';
import { freePort, ROOT } from '../e2e/server';

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe.skipIf(!packTier.ok)('the packed tarball in an empty folder (pack tier)', () => {
  let dir = '';
  let tarball = '';
  const installed = () => path.join(dir, 'node_modules', 'linkscape');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'linkscape-pack-'));
    const packed = await execa('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      timeout: 15 * 60_000,
    });
    // prepack's build output goes before the JSON on stdout
    const json = packed.stdout.slice(packed.stdout.lastIndexOf('\n[') + 1);
    tarball = path.join(dir, (JSON.parse(json) as { filename: string }[])[0].filename);
    // --prefer-offline: the dependencies come from npm's cache when `npm ci` already brought them
    await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', tarball], {
      cwd: dir,
      timeout: 10 * 60_000,
    });
  }, 30 * 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('carries the build and the CLI bundle, not the sources; nothing of the dev dependencies is installed', () => {
    expect(existsSync(path.join(installed(), '.next', 'BUILD_ID'))).toBe(true);
    expect(existsSync(path.join(installed(), 'dist', 'snapshot.mjs'))).toBe(true);
    expect(existsSync(path.join(installed(), 'server'))).toBe(false);
    expect(existsSync(path.join(installed(), '.next', 'cache'))).toBe(false);
    // (typescript may be there: tRPC names it as a peer, and npm installs peers)
    for (const dev of ['tsx', 'vitest', 'eslint', 'esbuild', 'prettier', 'playwright-core', 'fast-check'])
      expect(existsSync(path.join(dir, 'node_modules', dev)), dev).toBe(false);
  });

  it('npx linkscape --version and --help', async () => {
    expect((await execa('npx', ['--no', '--', 'linkscape', '--version'], { cwd: dir })).stdout.trim()).toBe(
      pkg.version,
    );
    expect((await execa('npx', ['--no', '--', 'linkscape', '--help'], { cwd: dir })).stdout).toMatch(
      /linkscape snapshot/,
    );
    const bad = await execa('npx', ['--no', '--', 'linkscape', 'frobnicate'], { cwd: dir, reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/unknown command "frobnicate"/);
  }, 120_000);

  it('npx linkscape snapshot prints the host as one line of JSON, as the server reads it', async () => {
    const r = await execa('npx', ['--no', '--', 'linkscape', 'snapshot'], { cwd: dir, timeout: 240_000 });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const snap = JSON.parse(r.stdout) as {
      namespaces: { id: string; root: boolean }[];
      links: { nsId: string; name: string }[];
    };
    const own = snap.namespaces.find((n) => n.root);
    expect(own).toBeDefined();
    expect(snap.links.some((l) => l.nsId === own!.id && l.name === 'lo')).toBe(true);
    const bad = await execa('npx', ['--no', '--', 'linkscape', 'snapshot', '--bogus'], { cwd: dir, reject: false });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/unknown argument "--bogus"/);
  }, 300_000);

  it('npx linkscape serve answers the page and host.info, with plain log lines when not on a terminal', async () => {
    const port = await freePort();
    const token = 'pack-test-token-0123456789abcdef';
    // its own process group: npx runs linkscape as a child, and both are stopped together
    const child = spawn('npx', ['--no', '--', 'linkscape', 'serve', '--port', String(port), '--token', token], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      const deadline = Date.now() + 120_000;
      while (!out.includes('linkscape on')) {
        if (child.exitCode !== null) throw new Error(`linkscape exited (${child.exitCode}):\n${out}`);
        if (Date.now() > deadline) throw new Error(`linkscape did not start within 120 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = `http://127.0.0.1:${port}`;
      const auth = { authorization: `Bearer ${token}` };
      const page = await fetch(`${base}/`, { headers: auth });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const info = await fetch(`${base}/api/trpc/host.info`, { headers: auth });
      expect(info.status, out).toBe(200);
      const body = (await info.json()) as { result: { data: { readOnly: boolean } } };
      expect(body.result.data.readOnly).toBe(false);
      // the server read the host through the bundled execa (no link in .next/node_modules is shipped)
      const snap = await fetch(`${base}/api/trpc/host.snapshot`, { headers: auth });
      expect(snap.status, out).toBe(200);
      expect(out).not.toMatch(ANSI);
      expect(out).not.toMatch(/Failed to load external module/);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }, 400_000);
});
