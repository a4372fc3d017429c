// Browser tier, a big host: past 150 namespaces the page draws namespaces of one owner as one group
// (here `ip netns` namespaces named <prefix>-0 … <prefix>-159, each with a veth to a hub namespace). The group is
// one summary card that follows the host live, a click opens it in place, the toolbar closes it or turns
// grouping off, and a search opens the group its match is in. Everything is made in namespaces this test
// creates, with a batch of `ip` commands, and removed in afterAll.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTier } from '../tiers';
import { inodeOf } from '../kernel/lab';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';

const COUNT = 160;
const DOWN = 10;

function ipBatch(lines: string[], ns?: string) {
  const r = spawnSync('ip', [...(ns ? ['-n', ns] : []), '-batch', '-'], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`ip -batch${ns ? ` -n ${ns}` : ''}: ${r.stderr}`);
}

describe.skipIf(!browserTier.ok)('a big host is drawn grouped (browser tier)', () => {
  const prefix = `lsg${process.pid % 100000}`;
  const hub = `${prefix}hub`;
  const names = Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`);
  const made: string[] = [];
  const group = `group:prefix:${prefix}-`;
  let server: Served;
  let browser: Browser;
  let ui: DashboardPage;
  let member42: string;
  let hubId: string;

  const label = (id: string) => ui.page.evaluate((n) => window.__linkscape?.label(n) ?? null, id);
  const classes = (id: string) => ui.page.evaluate((n) => window.__linkscape?.classes(n) ?? [], id);

  beforeAll(async () => {
    await ensureBuild();
    made.push(hub, ...names);
    ipBatch([hub, ...names].map((n) => `netns add ${n}`));
    // all but the last DOWN of them up at both ends
    ipBatch(
      names.flatMap((n, i) =>
        i < COUNT - DOWN
          ? [`link add h${i} type veth peer name p${i}`, `link set p${i} netns ${n} name eth0 up`, `link set h${i} up`]
          : [`link add h${i} type veth peer name eth0 netns ${n}`],
      ),
      hub,
    );
    member42 = await inodeOf(`/run/netns/${prefix}-42`);
    hubId = await inodeOf(`/run/netns/${hub}`);
    server = await startServer();
    browser = await launchBrowser();
    ui = new DashboardPage(await browser.context.newPage());
    await ui.open(server.url);
    await ui.waitForGraph();
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    spawnSync('ip', ['-force', '-batch', '-'], { input: made.map((n) => `netns del ${n}`).join('\n') + '\n' });
  });

  it('draws the namespaces as one summary card, and folds the hub ends of their veths into it', async () => {
    await ui.waitForNode(group);
    expect((await label(group))?.split('\n')[0]).toBe(`${COUNT} namespaces ${prefix}-* · ${DOWN} down`);
    expect(await classes(group)).toContain('group-closed');
    const ids = await ui.nodeIds();
    expect(ids).not.toContain(`ns:${member42}`);
    expect(ids.filter((id) => id.startsWith(`link:${hubId}/`))).toEqual([]);
    expect(await label(`ns:${hubId}`)).toContain(`+${COUNT} links in groups`);
    await ui.page.screenshot({ path: 'test-results/groups-closed.png' }).catch(() => undefined);
  });

  it('follows the host: a new member counts in the summary, and goes again', async () => {
    const extra = `${prefix}-${COUNT}`;
    made.push(extra);
    ipBatch([`netns add ${extra}`]);
    await expect.poll(() => label(group), { timeout: 30_000 }).toMatch(new RegExp(`^${COUNT + 1} namespaces`));
    ipBatch([`netns del ${extra}`]);
    await expect.poll(() => label(group), { timeout: 30_000 }).toMatch(new RegExp(`^${COUNT} namespaces`));
  });

  it('a click opens the group, laid out so nothing overlaps, and shows it; the bar over the graph closes it', async () => {
    await ui.clickNode(group);
    await ui.waitForNode(`ns:${member42}`);
    await expect.poll(() => classes(group)).toContain('group-open');
    await ui.waitForGraph();
    const ids = await Promise.all(names.map(async (n) => `ns:${await inodeOf(`/run/netns/${n}`)}`));
    const boxes = await ui.page.evaluate(
      (list) => list.map((id) => window.__linkscape!.box(id)),
      [group, `ns:${hubId}`, ...ids],
    );
    const [frame, hubBox, ...members] = boxes;
    type B = { x1: number; y1: number; x2: number; y2: number };
    const within = (a: B, b: B) => a.x1 >= b.x1 && a.y1 >= b.y1 && a.x2 <= b.x2 && a.y2 <= b.y2;
    const overlap = (a: B, b: B) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
    expect(members.every((m) => m && within(m, frame!))).toBe(true);
    expect(overlap(frame!, hubBox!)).toBe(false);
    // the view went to the group: its centre is in view
    const view = await ui.page.evaluate(() => window.__linkscape!.extent());
    const cx = (frame!.x1 + frame!.x2) / 2;
    const cy = (frame!.y1 + frame!.y2) / 2;
    expect(cx > view.x1 && cx < view.x2 && cy > view.y1 && cy < view.y2).toBe(true);
    expect(await ui.page.getByTestId('group-bar').textContent()).toContain('1 group (1 open)');
    await ui.page.screenshot({ path: 'test-results/groups-open.png' }).catch(() => undefined);
    await ui.page.getByTestId('close-groups').click();
    await ui.waitForNode(`ns:${member42}`, false);
    expect(await classes(group)).toContain('group-closed');
  });

  it('a search for a member opens its group and marks it; clearing the search closes it again', async () => {
    await ui.search(`${prefix}-42`);
    await ui.waitForNode(`ns:${member42}`);
    await expect.poll(() => classes(`ns:${member42}`)).toContain('match');
    expect(await ui.page.getByTestId('match-count').textContent()).toMatch(/^1 match/);
    await ui.search('');
    await ui.waitForNode(`ns:${member42}`, false);
  });

  it('grouping off draws every namespace', async () => {
    await ui.page.getByTestId('grouping').uncheck();
    await ui.waitForNode(`ns:${member42}`);
    await ui.waitForNode(group, false);
    await ui.waitForGraph();
    const ids = new Set(await ui.nodeIds());
    const drawn = await Promise.all(names.map(async (n) => ids.has(`ns:${await inodeOf(`/run/netns/${n}`)}`)));
    expect(drawn.filter(Boolean)).toHaveLength(COUNT);
    await ui.page.getByTestId('grouping').check();
    await ui.waitForNode(group);
  });
});
