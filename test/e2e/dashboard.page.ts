// Page object for the dashboard: how tests find things, in one place.
import type { Locator, Page } from 'playwright-core';

export class DashboardPage {
  constructor(readonly page: Page) {}

  async open(url: string) {
    await this.page.goto(url);
    // generous: on a host with hundreds of namespaces under load the first read takes a while
    await this.page.getByTestId('counts').waitFor({ timeout: 120_000 });
  }

  async mode(m: 'graph' | 'links' | 'routes' | 'networks') {
    await this.page.getByTestId(`mode-${m}`).click();
  }

  linkRow(id: string): Locator {
    return this.page.locator(`[data-testid="link-row"][data-id="${id}"]`);
  }

  nsRow(id: string): Locator {
    return this.page.locator(`[data-testid="ns-row"][data-id="${id}"]`);
  }

  details(): Locator {
    return this.page.getByTestId('details-panel');
  }

  /** wait until everything the graph has to draw is drawn (after more than `afterSyncs` updates, if given) */
  async waitForGraph(afterSyncs = -1) {
    await this.page.waitForFunction(
      (n) => {
        const p = window.__linkscape;
        return p?.ready() === true && p.syncCount() > n;
      },
      afterSyncs,
      { timeout: 30_000 },
    );
  }

  nodeIds(): Promise<string[]> {
    return this.page.evaluate(() => window.__linkscape!.nodeIds());
  }

  /** wait until the graph has (or, with present=false, no longer has) this node */
  async waitForNode(id: string, present = true) {
    await this.page.waitForFunction(
      ([nodeId, want]) => window.__linkscape?.nodeIds().includes(nodeId) === want,
      [id, present] as const,
      { timeout: 60_000 },
    );
  }

  /** graph coordinates of these nodes (null when not drawn) */
  positions(ids: string[]): Promise<Record<string, { x: number; y: number } | null>> {
    return this.page.evaluate(
      (list) => Object.fromEntries(list.map((id) => [id, window.__linkscape!.position(id)])),
      ids,
    );
  }

  edgeIds(): Promise<string[]> {
    return this.page.evaluate(() => window.__linkscape!.edgeIds());
  }

  /** click a graph node where it is drawn (a real mouse click on the canvas) */
  /** where a node is drawn, in page pixels, once it has stopped moving (the view glides and refits) */
  async nodePoint(id: string): Promise<{ x: number; y: number }> {
    let last: { x: number; y: number } | null = null;
    for (let i = 0; i < 100; i++) {
      const box = await this.page.getByTestId('graph').boundingBox();
      const p = await this.page.evaluate((nodeId) => window.__linkscape?.renderedPosition(nodeId) ?? null, id);
      const now = box && p ? { x: box.x + p.x, y: box.y + p.y } : null;
      if (now && last && Math.abs(now.x - last.x) < 0.5 && Math.abs(now.y - last.y) < 0.5) return now;
      last = now;
      await this.page.waitForTimeout(150); // a poll: two equal readings this far apart mean it stopped
    }
    throw new Error(`node ${id} is not drawn, or never stops moving`);
  }

  async clickNode(id: string) {
    const p = await this.nodePoint(id);
    await this.page.mouse.click(p.x, p.y);
  }

  async search(text: string) {
    await this.page.getByTestId('search').fill(text);
    await this.page.getByTestId('search').press('Enter');
  }
}
