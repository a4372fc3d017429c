// Browser tier: the graph fills the window under the header and toolbar, with any mix of banners, and
// with none (an ordinary host: this machine always shows "not everything is shown", which the user can put away).
// The toolbar is one row at 1280 and at 1400 px wide (nothing of it hidden), and at 1400x900 the graph gets the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTier } from '../tiers';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';

const VIEWPORT = { width: 1280, height: 1000 };

/** the toolbar's controls: where each is drawn, and whether any is cut off or hidden */
function toolbarRows(page: Page) {
  return page.evaluate(() => {
    const bar = document.querySelector('[data-testid="toolbar"]')!;
    const controls = [...bar.querySelectorAll('button, input, summary, select, label')].filter(
      (e) => !e.closest('.dropdown-body'),
    );
    const r = bar.getBoundingClientRect();
    return {
      height: r.height,
      width: r.width,
      scrollWidth: bar.scrollWidth,
      centers: [
        ...new Set(
          controls.map((e) => {
            const b = e.getBoundingClientRect();
            return Math.round(b.top + b.height / 2);
          }),
        ),
      ],
      // anything drawn outside the window, or with no size (hidden)
      outside: controls
        .filter((e) => {
          const b = e.getBoundingClientRect();
          return b.right > window.innerWidth + 0.5 || b.width === 0;
        })
        .map((e) => e.getAttribute('data-testid') ?? e.textContent),
      count: controls.length,
      ids: [
        'mode-graph',
        'search',
        'kind-filter',
        'ns-filter',
        'show-loopback',
        'collapse-all',
        'new-menu',
        'recipe-menu',
        'undo-last',
        'redo-last',
        'audit-open',
        'relayout',
        'refresh',
      ].filter((id) => !bar.querySelector(`[data-testid="${id}"]`)),
    };
  });
}

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
    await ui.page.waitForFunction(() => document.querySelectorAll('.app > .banner').length === 0, null, {
      timeout: 10_000,
    });
    const m = await measure(ui.page);
    expect(m.banners).toBe(0);
    fills(m);
  });
});

describe.skipIf(!browserTier.ok)(
  'layout: the toolbar is one row at 1400 and 1280 px, the graph gets the rest (browser tier)',
  () => {
    let server: Served;

    beforeAll(async () => {
      await ensureBuild();
      server = await startServer();
    }, 20 * 60_000);

    afterAll(async () => {
      await server?.stop();
    });

    for (const viewport of [
      { width: 1400, height: 900 },
      { width: 1280, height: 900 },
    ]) {
      it(`at ${viewport.width}x${viewport.height}`, async () => {
        const browser = await launchBrowser(viewport);
        try {
          const ui = new DashboardPage(await browser.context.newPage());
          await ui.open(server.url);
          await ui.waitForGraph();
          // the editing controls are there (this server edits): every control an admin needs is in the toolbar
          await ui.page.getByTestId('undo-last').waitFor();
          const t = await toolbarRows(ui.page);
          expect(t.ids).toEqual([]);
          expect(t.outside).toEqual([]);
          expect(t.scrollWidth).toBeLessThanOrEqual(t.width);
          // one row: every control is centred on the same line (within a few px), and the bar is one control high
          expect(Math.max(...t.centers) - Math.min(...t.centers), JSON.stringify(t.centers)).toBeLessThanOrEqual(4);
          expect(t.height).toBeLessThan(44);
          if (viewport.width === 1400) {
            const m = await measure(ui.page);
            expect(m.stageBottom).toBeCloseTo(viewport.height, 0);
            expect(m.graph).toBeGreaterThanOrEqual(viewport.height - m.top - m.legend - 2);
            expect(m.graph).toBeGreaterThan(viewport.height / 2);
          }
        } finally {
          await browser.close();
        }
      });
    }
  },
);
