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
    server = await startServer([
      '--agents',
      sims.map((s, i) => `node-${i}=${s.url}`).join(','),
      '--agent-token-file',
      path.join(tokenDir, 'agent-token'),
    ]);
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
    await expect
      .poll(
        () => page.locator('[data-testid="fleet-line"][data-kind="tunnel"][data-a="node-0"][data-b="node-1"]').count(),
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await page.locator('[data-testid="fleet-line"][data-kind="route"]').count()).toBe(1);
    expect(await page.locator('[data-testid="fleet-route"][data-node="node-0"][data-to="node-1"]').count()).toBe(1);
    expect(await page.locator('[data-testid="fleet-tunnel"][data-from="node-1"][data-to="node-0"]').count()).toBe(1);
  });

  it("a node's graph: Undo and Audit are that node's (its agent asked through the hub)", async () => {
    // node-1's edit state, as its agent would tell it (the hub has none of its own)
    const runs = [{ argv: ['ip', 'netns', 'del', 'lsF-e2e'], description: 'delete namespace lsF-e2e' }];
    sims[1].answers.history = () => ({
      undo: [
        {
          id: 7,
          at: new Date().toISOString(),
          title: 'add namespace lsF-e2e',
          steps: 1,
          undoable: 1,
          description: ['add namespace lsF-e2e'],
          runs,
        },
      ],
      redo: [],
    });
    sims[1].answers.undo = () => ({
      dryRun: false,
      ok: true,
      shell: 'ip netns del lsF-e2e',
      undoAvailable: true,
      plan: { steps: [{ ...runs[0], undo: null }], warnings: [], guards: [], createsHostLinks: [] },
      applied: [{ step: 1, argv: runs[0].argv, ok: true, error: null }],
    });
    sims[1].answers.audit = () => [
      {
        when: new Date().toISOString(),
        remote: '203.0.113.9',
        action: 'apply',
        dryRun: false,
        force: false,
        edits: [],
        plan: [{ ...runs[0], undo: null }],
        outcome: { ok: true },
      },
    ];
    sims[1].answers.checkpoint = () => ({ pending: null, reverted: null });
    sims[1].answers.recovery = () => null;
    const view = page.locator('[data-testid="fleet-node-view"][data-node="node-1"]');
    await row('node-1').getByRole('button').first().click();
    await view.waitFor();
    const undo = view.getByTestId('undo-last');
    await expect.poll(() => undo.isEnabled(), { timeout: 30_000 }).toBe(true);
    await undo.click();
    await expect.poll(() => page.getByTestId('undo-plan').getAttribute('data-id'), { timeout: 30_000 }).toBe('7');
    expect(await page.getByTestId('undo-step').textContent()).toContain('ip netns del lsF-e2e');
    await page.getByTestId('undo-apply').click();
    await expect
      .poll(() => sims[1].calls.filter((c) => c.proc === 'undo').map((c) => c.input), { timeout: 30_000 })
      .toEqual([{ id: 7 }]);
    await page.getByTestId('undo-close').click();
    await view.getByTestId('audit-open').click();
    await expect
      .poll(() => page.getByTestId('audit-entry').first().textContent(), { timeout: 30_000 })
      .toContain('from 203.0.113.9');
    expect(sims[0].calls).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('audit-list').waitFor({ state: 'detached' });
  });

  it("search finds a pod on its node; choosing it opens that node's live graph", async () => {
    await page.getByTestId('fleet-search').fill('web-1');
    const hit = page.locator('[data-testid="fleet-hit"][data-node="node-1"][data-kind="pod"]');
    await hit.waitFor({ timeout: 30_000 });
    await hit.getByRole('button').click();
    const view = page.locator('[data-testid="fleet-node-view"][data-node="node-1"]');
    await view.waitFor();
    await expect.poll(() => view.getByTestId('hostname').textContent(), { timeout: 30_000 }).toBe('node-1');
    await expect
      .poll(() => view.locator('[data-testid="live"]').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('live');
    await page.getByTestId('fleet-search').fill('');
  });

  it("the agents' token stays in the hub's memory: the `ip` processes it runs do not inherit it", async () => {
    const comm = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return null; // it ended between the listing and the read
      }
    };
    const ipChild = () =>
      readdirSync(`/proc/${server.pid}/task`)
        .flatMap((t) =>
          readFileSync(`/proc/${server.pid}/task/${t}/children`, 'utf8')
            .trim()
            .split(/\s+/)
            .filter(Boolean)
            .map(Number),
        )
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
