// Browser tier, live: a link made from a shell appears in the open page and goes when deleted, without a
// reload; after the server restarts (same port) the page reconnects by itself and converges to the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTier } from '../tiers';
import { inodeOf, Lab } from '../kernel/lab';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';

describe.skipIf(!browserTier.ok)('the open page follows the host live (browser tier)', () => {
  const lab = new Lab('l');
  let ns: string;
  let nsId: string;
  let server: Served;
  let browser: Browser;
  let ui: DashboardPage;

  const ifindexOf = async (dev: string) =>
    (await lab.ipJson<{ ifindex: number }[]>(ns, 'link', 'show', dev))[0].ifindex;

  beforeAll(async () => {
    await ensureBuild();
    ns = await lab.netns('a');
    nsId = await inodeOf(`/run/netns/${ns}`);
    server = await startServer();
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    ui = new DashboardPage(page);
    await ui.open(server.url);
    await ui.waitForGraph();
    await page.getByTestId('live').and(page.locator('[data-state="live"]')).waitFor({ timeout: 60_000 });
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lab.cleanup();
  });

  it('a veth pair made from a shell appears without a reload, and disappears when deleted', async () => {
    await lab.ip(ns, 'link', 'add', 'lv0', 'type', 'veth', 'peer', 'name', 'lv1');
    const id = `link:${nsId}/${await ifindexOf('lv0')}`;
    await ui.waitForNode(id, true);
    await lab.ip(ns, 'link', 'del', 'lv0');
    await ui.waitForNode(id, false);
    expect(await ui.nodeIds()).not.toContain(id);
  });

  it('reconnects by itself after the server restarts, and shows what changed while it was down', async () => {
    const port = Number(new URL(server.url).port);
    await server.stop();
    const live = ui.page.getByTestId('live');
    await expect.poll(() => live.getAttribute('data-state'), { timeout: 30_000 }).not.toBe('live');
    // the host changes while nobody is watching
    await lab.ip(ns, 'link', 'add', 'lr0', 'type', 'veth', 'peer', 'name', 'lr1');
    const id = `link:${nsId}/${await ifindexOf('lr0')}`;
    server = await startServer([], port, { token: server.token! }); // the same token: the page keeps its cookie, as with --token-file
    await expect.poll(() => live.getAttribute('data-state'), { timeout: 90_000, interval: 250 }).toBe('live');
    await ui.waitForNode(id, true);
    // and it keeps following after the reconnect
    await lab.ip(ns, 'link', 'del', 'lr0');
    await ui.waitForNode(id, false);
  });
});
