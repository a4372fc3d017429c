// Page object for the dashboard: how tests find things, in one place.
import type { Locator, Page } from 'playwright-core';

export class DashboardPage {
  constructor(readonly page: Page) {}

  async open(url: string) {
    await this.page.goto(url);
    await this.page.getByTestId('counts').waitFor({ timeout: 30_000 });
  }

  async mode(m: 'graph' | 'links' | 'routes') {
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

  async waitForGraph() {
    await this.page.waitForFunction(() => window.__linkscape?.ready() === true, undefined, { timeout: 30_000 });
  }

  nodeIds(): Promise<string[]> {
    return this.page.evaluate(() => window.__linkscape!.nodeIds());
  }

  edgeIds(): Promise<string[]> {
    return this.page.evaluate(() => window.__linkscape!.edgeIds());
  }

  /** click a graph node where it is drawn (a real mouse click on the canvas) */
  async clickNode(id: string) {
    const graph = this.page.getByTestId('graph');
    const box = await graph.boundingBox();
    const p = await this.page.evaluate((nodeId) => window.__linkscape!.renderedPosition(nodeId), id);
    if (!box || !p) throw new Error(`node ${id} is not drawn`);
    await this.page.mouse.click(box.x + p.x, box.y + p.y);
  }

  async search(text: string) {
    await this.page.getByTestId('search').fill(text);
    await this.page.getByTestId('search').press('Enter');
  }
}
