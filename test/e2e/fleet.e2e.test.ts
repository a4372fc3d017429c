// Browser tier, the hub's page: a hub (scripts/serve.mjs --agents) over two simulated agents (real HTTP servers
// speaking the agent's API with recorded hosts, test/fleet/sim-agent.ts). The node list, the overview's lines,
// search → a node, a node's live graph; an agent that goes away shows down with its last-heard time and comes
// back without a reload.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTier } from '../tiers';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { nodeFdb, nodeSnapshot } from '../fleet/fixture';
import { startSimAgent, type SimAgent } from '../fleet/sim-agent';

describe.skipIf(!browserTier.ok)('the hub page (browser tier)', () => {
  const TOKEN = `e2e-${process.pid}`;
  const sims: SimAgent[] = [];
  let server: Served;
  let browser: Browser;
  let page: Page;
  const tokenDir = mkdtempSync(path.join(os.tmpdir(), 'linkscape-agent-token-'));

  beforeAll(async () => {
    await ensureBuild();
    for (let i = 0; i < 2; i++) {
      const s = nodeSnapshot(i, 2);
      sims.push(await startSimAgent({ snapshot: s, fdb: nodeFdb(s, i, 2), token: TOKEN }));
    }
    writeFileSync(path.join(tokenDir, 'agent-token'), TOKEN + '\n', { mode: 0o600 });
    server = await startServer(['--agents', sims.map((s, i) => `node-${i}=${s.url}`).join(','), '--agent-token-file', path.join(tokenDir, 'agent-token')]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(server.url); // / redirects to /fleet on a hub
    await page.getByTestId('fleet').waitFor({ timeout: 60_000 });
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const s of sims) await s.close();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  const row = (n: string) => page.locator(`[data-testid="fleet-node"][data-node="${n}"]`);

  it('lists both nodes up, with counts', async () => {
    expect(page.url()).toMatch(/\/fleet$/);
    for (const n of ['node-0', 'node-1']) {
      await expect.poll(() => row(n).getAttribute('data-up'), { timeout: 30_000 }).toBe('1');
      await expect.poll(() => row(n).textContent()).toMatch(/5 · \d+ · \d+/);
    }
    await expect.poll(() => page.getByTestId('fleet-counts').textContent()).toMatch(/2 of 2 nodes up/);
  });

  it('the overview draws a tunnel and a route line between the two nodes, and lists them', async () => {
    await expect.poll(() => page.locator('[data-testid="fleet-line"][data-kind="tunnel"][data-a="node-0"][data-b="node-1"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('[data-testid="fleet-line"][data-kind="route"]').count()).toBe(1);
    expect(await page.locator('[data-testid="fleet-route"][data-node="node-0"][data-to="node-1"]').count()).toBe(1);
    expect(await page.locator('[data-testid="fleet-tunnel"][data-from="node-1"][data-to="node-0"]').count()).toBe(1);
  });

  it('search finds a pod on its node; choosing it opens that node\'s live graph', async () => {
    await page.getByTestId('fleet-search').fill('web-1');
    const hit = page.locator('[data-testid="fleet-hit"][data-node="node-1"][data-kind="pod"]');
    await hit.waitFor({ timeout: 30_000 });
    await hit.getByRole('button').click();
    const view = page.locator('[data-testid="fleet-node-view"][data-node="node-1"]');
    await view.waitFor();
    await expect.poll(() => view.getByTestId('hostname').textContent(), { timeout: 30_000 }).toBe('node-1');
    await expect.poll(() => view.locator('[data-testid="live"]').getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    await page.getByTestId('fleet-search').fill('');
  });

  it('the agents\' token stays in the hub\'s memory: the `ip` processes it runs do not inherit it', async () => {
    const comm = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return null; // it ended between the listing and the read
      }
    };
    const ipChild = () =>
      readdirSync(`/proc/${server.pid}/task`)
        .flatMap((t) => readFileSync(`/proc/${server.pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number))
        .find((c) => comm(c) === 'ip');
    // the hub watches its own host too while someone subscribes: that runs `ip monitor` children
    const ac = new AbortController();
    const res = await fetch(`${server.base}api/trpc/host.watch`, { headers: server.headers, signal: ac.signal });
    expect(res.status).toBe(200);
    try {
      await expect.poll(ipChild, { timeout: 30_000 }).toBeDefined();
      const environ = readFileSync(`/proc/${ipChild()}/environ`, 'utf8').split('\0');
      expect(environ.some((v) => v.startsWith('LINKSCAPE_PORT='))).toBe(true); // the child's real environment
      expect(environ.filter((v) => v.includes(TOKEN))).toEqual([]);
    } finally {
      ac.abort();
    }
  });

  it('an agent that goes away shows down with its last-heard time, and comes back without a reload', async () => {
    await sims[0].close();
    await expect.poll(() => row('node-0').getAttribute('data-up'), { timeout: 30_000 }).toBe('0');
    expect(await row('node-0').getByTestId('fleet-node-seen').textContent()).not.toBe('never');
    expect(await row('node-1').getAttribute('data-up')).toBe('1');
    await sims[0].reopen();
    await expect.poll(() => row('node-0').getAttribute('data-up'), { timeout: 30_000 }).toBe('1');
  });
});
