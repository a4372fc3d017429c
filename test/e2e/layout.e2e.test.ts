// Browser tier: the graph fills the window under the header and toolbar, with any mix of banners, and
// with none (an ordinary host: this machine always shows "not everything is shown", which the user can put away).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTier } from '../tiers';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';

const VIEWPORT = { width: 1280, height: 1000 };

/** heights of the page's parts, in CSS px */
function measure(page: Page) {
  return page.evaluate(() => {
    const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect() ?? null;
    const banners = [...document.querySelectorAll('.app > .banner')].map((b) => b.getBoundingClientRect().height);
    return {
      graph: box('[data-testid="graph"]')!.height,
      stageBottom: box('[data-testid="stage"]')!.bottom,
      top: box('.top')!.height + box('.toolbar')!.height + banners.reduce((a, b) => a + b, 0),
      legend: box('.legend')?.height ?? 0,
      banners: banners.length,
    };
  });
}

describe.skipIf(!browserTier.ok)('layout: the graph fills the window (browser tier)', () => {
  let server: Served;
  let browser: Browser;
  let ui: DashboardPage;

  beforeAll(async () => {
    await ensureBuild();
    server = await startServer();
    browser = await launchBrowser(VIEWPORT);
    ui = new DashboardPage(await browser.context.newPage());
    await ui.open(server.url);
    await ui.waitForGraph();
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const fills = (m: Awaited<ReturnType<typeof measure>>) => {
    expect(m.stageBottom).toBeCloseTo(VIEWPORT.height, 0);
    // everything not header, banners, toolbar or legend is the graph's
    expect(m.graph).toBeGreaterThanOrEqual(VIEWPORT.height - m.top - m.legend - 2);
    expect(m.graph).toBeGreaterThan(VIEWPORT.height / 2);
  };

  it('with banners', async () => {
    const m = await measure(ui.page);
    expect(m.banners).toBeGreaterThan(0);
    fills(m);
  });

  it('with no banner at all', async () => {
    // the only banner a healthy run shows is "not everything is shown" (PID 1 is unreadable here)
    const dismiss = ui.page.getByTestId('hidden-dismiss');
    if (await dismiss.count()) await dismiss.click();
    await ui.page.waitForFunction(() => document.querySelectorAll('.app > .banner').length === 0, null, { timeout: 10_000 });
    const m = await measure(ui.page);
    expect(m.banners).toBe(0);
    fills(m);
  });
});
