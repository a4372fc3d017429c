// Browser tier: the production build, served, opened in chromium on a kernel lab made here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserTier } from '../tiers';
import { inodeOf, Lab } from '../kernel/lab';
import { ensureBuild, ROOT, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';

interface LabIds {
  ns: Record<'a' | 'b' | 'c', { name: string; id: string }>;
  link: Record<'va' | 'br0' | 'vb' | 'mv0', string>;
}

async function makeLab(lab: Lab): Promise<LabIds> {
  const a = await lab.netns('a');
  const b = await lab.netns('b');
  const c = await lab.netns('c');
  await lab.ip(a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b);
  await lab.ip(a, 'link', 'add', 'br0', 'type', 'bridge');
  await lab.ip(a, 'link', 'set', 'va', 'master', 'br0');
  await lab.ip(b, 'link', 'add', 'mv0', 'link', 'vb', 'type', 'macvlan', 'mode', 'bridge');
  await lab.ip(b, 'link', 'set', 'mv0', 'netns', c);
  await lab.ip(a, 'addr', 'add', '10.77.0.1/24', 'dev', 'br0');
  await lab.ip(b, 'addr', 'add', '10.77.0.2/24', 'dev', 'vb');
  await lab.ip(c, 'addr', 'add', '10.77.0.3/24', 'dev', 'mv0');
  for (const [ns, dev] of [
    [a, 'va'],
    [a, 'br0'],
    [b, 'vb'],
    [c, 'mv0'],
  ])
    await lab.ip(ns, 'link', 'set', dev, 'up');
  await lab.ip(c, 'route', 'add', 'default', 'via', '10.77.0.1', 'dev', 'mv0');
  // more of what a host has, for the picture: a vxlan on the bridge, a tap, a namespace only a process holds
  await lab.ip(
    a,
    'link',
    'add',
    'vx9',
    'type',
    'vxlan',
    'id',
    '9',
    'dev',
    'br0',
    'local',
    '10.77.0.1',
    'dstport',
    '4789',
  );
  await lab.ip(b, 'tuntap', 'add', 'tap0', 'mode', 'tap');
  const pid = await lab.unnamed();
  await lab.ip(c, 'link', 'add', 'vu0', 'type', 'veth', 'peer', 'name', 'vu1', 'netns', String(pid));
  await lab.ip(c, 'addr', 'add', '10.78.0.1/30', 'dev', 'vu0');
  const ids = {
    a: await inodeOf(`/run/netns/${a}`),
    b: await inodeOf(`/run/netns/${b}`),
    c: await inodeOf(`/run/netns/${c}`),
  };
  const ifindex = async (ns: string, dev: string) =>
    (await lab.ipJson<{ ifindex: number }[]>(ns, 'link', 'show', dev))[0].ifindex;
  return {
    ns: { a: { name: a, id: ids.a }, b: { name: b, id: ids.b }, c: { name: c, id: ids.c } },
    link: {
      va: `${ids.a}/${await ifindex(a, 'va')}`,
      br0: `${ids.a}/${await ifindex(a, 'br0')}`,
      vb: `${ids.b}/${await ifindex(b, 'vb')}`,
      mv0: `${ids.c}/${await ifindex(c, 'mv0')}`,
    },
  };
}

describe.skipIf(!browserTier.ok)('the page on a kernel lab (browser tier)', () => {
  const lab = new Lab('e');
  let ids: LabIds;
  let server: Served;
  let browser: Browser;
  let ui: DashboardPage;

  beforeAll(async () => {
    await ensureBuild();
    ids = await makeLab(lab);
    server = await startServer();
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    ui = new DashboardPage(page);
    await ui.open(server.url);
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lab.cleanup();
  });

  it('lists the lab namespaces and links in the table, with their relations', async () => {
    await ui.mode('links');
    for (const n of Object.values(ids.ns)) await expect(ui.nsRow(n.id).textContent()).resolves.toContain(n.name);
    for (const [name, id] of Object.entries(ids.link)) {
      const row = ui.linkRow(id);
      await expect(row.locator('td.name').textContent()).resolves.toBe(name);
    }
    await expect(ui.linkRow(ids.link.mv0).getAttribute('data-kind')).resolves.toBe('macvlan');
    await expect(ui.linkRow(ids.link.mv0).textContent()).resolves.toContain('10.77.0.3/24');
    // relations name the other end by id, across namespaces
    await expect(
      ui.linkRow(ids.link.mv0).locator(`[data-testid="link-ref"][data-id="${ids.link.vb}"]`).count(),
    ).resolves.toBe(1);
    await expect(
      ui.linkRow(ids.link.va).locator(`[data-testid="link-ref"][data-id="${ids.link.vb}"]`).count(),
    ).resolves.toBe(1);
    await expect(
      ui.linkRow(ids.link.va).locator(`[data-testid="link-ref"][data-id="${ids.link.br0}"]`).count(),
    ).resolves.toBe(1);
    await expect(ui.nsRow(ids.ns.c.id).textContent()).resolves.toContain('default via 10.77.0.1 dev mv0');
  });

  it('draws them as cytoscape nodes with typed edges', async () => {
    await ui.mode('graph');
    await ui.waitForGraph();
    const nodes = await ui.nodeIds();
    for (const n of Object.values(ids.ns)) expect(nodes).toContain(`ns:${n.id}`);
    for (const id of Object.values(ids.link)) expect(nodes).toContain(`link:${id}`);
    const edges = await ui.edgeIds();
    const L = (id: string) => `link:${id}`;
    expect(edges).toContain(`peer:${[L(ids.link.va), L(ids.link.vb)].sort().join('|')}`);
    expect(edges).toContain(`master:${L(ids.link.va)}|${L(ids.link.br0)}`);
    expect(edges).toContain(`parent:${L(ids.link.mv0)}|${L(ids.link.vb)}`);
  });

  it('opens the details of a clicked node, and jumps to its parent and peer across namespaces', async () => {
    await ui.search(ids.ns.c.name);
    await ui.clickNode(`link:${ids.link.mv0}`);
    const details = ui.page.getByTestId('link-details');
    await expect(details.getAttribute('data-id')).resolves.toBe(ids.link.mv0);
    const attrs = ui.page.getByTestId('link-attrs');
    await expect(attrs.locator('[data-attr="kind"] dd').textContent()).resolves.toBe('macvlan');
    await expect(attrs.locator('[data-attr="mode"] dd').textContent()).resolves.toBe('bridge');
    await expect(attrs.locator('[data-attr="operstate"] dd').textContent()).resolves.toMatch(
      /UP|UNKNOWN|LOWERLAYERDOWN/,
    );
    await expect(ui.page.getByTestId('address-table').textContent()).resolves.toContain('10.77.0.3/24');
    await expect(ui.page.getByTestId('routes-table').textContent()).resolves.toContain('10.77.0.1');
    await expect(ui.page.getByTestId('raw-json').first().textContent()).resolves.toContain('"mode": "bridge"');
    // parent: vb in namespace b
    await attrs.locator(`[data-attr="parent"] [data-testid="link-ref"]`).click();
    await expect(details.getAttribute('data-id')).resolves.toBe(ids.link.vb);
    // its peer: va in namespace a, a bridge port
    await attrs.locator(`[data-attr="peer"] [data-testid="link-ref"]`).click();
    await expect(details.getAttribute('data-id')).resolves.toBe(ids.link.va);
    await expect(attrs.locator('[data-attr="master"]').textContent()).resolves.toContain('br0');
    // the graph selects the link the details show
    await expect.poll(() => ui.page.evaluate(() => window.__linkscape!.selectedIds())).toEqual([`link:${ids.link.va}`]);
  });

  it('shows a namespace with its default route and routes', async () => {
    await ui.page.getByTestId('link-attrs').locator('[data-attr="namespace"] [data-testid="ns-ref"]').click();
    const ns = ui.page.getByTestId('ns-details');
    await expect(ns.getAttribute('data-id')).resolves.toBe(ids.ns.a.id);
    await expect(ns.textContent()).resolves.toContain(ids.ns.a.name);
    await expect(ns.getByTestId('routes-table').textContent()).resolves.toContain('10.77.0.0/24');
  });

  it('keeps every node where it was when a link comes and goes, and puts the new one beside its namespace', async () => {
    await ui.mode('graph');
    await ui.waitForGraph();
    const labNodes = Object.values(ids.link).map((id) => `link:${id}`);
    const before = await ui.positions(labNodes);
    await lab.ip(ids.ns.b.name, 'link', 'add', 'late0', 'type', 'veth', 'peer', 'name', 'late1');
    const [late] = await lab.ipJson<{ ifindex: number }[]>(ids.ns.b.name, 'link', 'show', 'late0');
    const lateNode = `link:${ids.ns.b.id}/${late.ifindex}`;
    await ui.waitForNode(lateNode);
    expect(await ui.positions(labNodes)).toEqual(before);
    const p = (await ui.positions([lateNode]))[lateNode]!;
    const vb = before[`link:${ids.link.vb}`]!;
    expect(Math.abs(p.x - vb.x)).toBeLessThan(600);
    expect(Math.abs(p.y - vb.y)).toBeLessThan(400);
    await lab.ip(ids.ns.b.name, 'link', 'del', 'late0');
    await ui.waitForNode(lateNode, false);
    expect(await ui.positions(labNodes)).toEqual(before);
  });

  it('renders the whole host with a node selected (screenshot; LINKSCAPE_SCREENSHOT=docs/screenshot.png keeps it)', async () => {
    await ui.search('');
    const syncs = await ui.page.evaluate(() => window.__linkscape!.syncCount());
    await ui.page.getByTestId('relayout').click(); // below 1360 px wide it shows its icon only
    // a re-layout of a busy host is drawn a slice at a time: wait until all of it is in
    await ui.waitForGraph(syncs);
    await ui.clickNode(`link:${ids.link.mv0}`);
    await expect(ui.page.getByTestId('link-details').getAttribute('data-id')).resolves.toBe(ids.link.mv0);
    await expect
      .poll(() => ui.page.evaluate(() => window.__linkscape!.selectedIds()))
      .toEqual([`link:${ids.link.mv0}`]);
    const file = path.resolve(ROOT, process.env.LINKSCAPE_SCREENSHOT ?? path.join(os.tmpdir(), 'linkscape-read.png'));
    await ui.page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(20_000);
  });

  it('on a bigger host, says how far the first read is and how much is drawn, then clears both', async () => {
    // 60 more namespaces, a veth pair in each: a first read that takes a while and a graph drawn in slices
    for (let i = 0; i < 60; i++) {
      const ns = await lab.netns(`m${i}`);
      await lab.ip(ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1');
    }
    // a server of its own: its watcher starts with this page, so the page sees the first read
    const fresh = await startServer();
    const page = await browser.context.newPage();
    try {
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { __progressSeen: string[] }).__progressSeen = seen;
        new MutationObserver(() => {
          for (const id of ['read-progress', 'draw-progress']) {
            const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
            const text = el && !el.hidden ? `${id}: ${el.textContent}` : null;
            if (text && seen.at(-1) !== text) seen.push(text);
          }
        }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      const big = new DashboardPage(page);
      await big.open(fresh.url);
      await big.waitForGraph();
      const seen = await page.evaluate(() => (window as unknown as { __progressSeen: string[] }).__progressSeen);
      const reads = seen
        .filter((t) => t.startsWith('read-progress'))
        .map((t) => /(\d+) of (\d+) namespaces/.exec(t))
        .filter((m) => m !== null);
      expect(reads.length, seen.join('\n')).toBeGreaterThan(0);
      for (const m of reads) expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
      expect(Number(reads[0][2])).toBeGreaterThanOrEqual(63);
      const draws = seen.filter((t) => /^draw-progress: drawing \d+ of \d+ elements/.test(t));
      expect(draws.length, seen.join('\n')).toBeGreaterThan(0);
      // all drawn: the line is gone, and the bench's probe agrees
      await expect(page.getByTestId('draw-progress').isHidden()).resolves.toBe(true);
      expect(await page.evaluate(() => window.__linkscape!.ready())).toBe(true);
      expect(await page.getByTestId('read-progress').count()).toBe(0);
    } finally {
      await page.close();
      await fresh.stop();
    }
  }, 120_000);
});
