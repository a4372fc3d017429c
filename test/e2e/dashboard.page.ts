// Page object for the dashboard: how tests find things, in one place.
import type { Locator, Page } from 'playwright-core';

export class DashboardPage {
  constructor(readonly page: Page) {}

  async open(url: string) {
    await this.page.goto(url);
    // generous: on a host with hundreds of namespaces under load the first read takes a while
    await this.page.getByTestId('counts').waitFor({ timeout: 120_000 });
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

  /** wait until everything the graph has to draw is drawn (after more than `afterSyncs` updates, if given) */
  async waitForGraph(afterSyncs = -1) {
    await this.page.waitForFunction((n) => {
      const p = window.__linkscape;
      return p?.ready() === true && p.syncCount() > n;
    }, afterSyncs, { timeout: 30_000 });
  }

  nodeIds(): Promise<string[]> {
    return this.page.evaluate(() => window.__linkscape!.nodeIds());
  }

  /** wait until the graph has (or, with present=false, no longer has) this node */
  async waitForNode(id: string, present = true) {
    await this.page.waitForFunction(([nodeId, want]) => window.__linkscape?.nodeIds().includes(nodeId) === want, [id, present] as const, { timeout: 15_000 });
  }

  /** graph coordinates of these nodes (null when not drawn) */
  positions(ids: string[]): Promise<Record<string, { x: number; y: number } | null>> {
    return this.page.evaluate((list) => Object.fromEntries(list.map((id) => [id, window.__linkscape!.position(id)])), ids);
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
