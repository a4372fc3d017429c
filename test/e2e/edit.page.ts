// Page object for editing: the node menu, the details panel's actions, the edit dialog (fields,
// preview, apply, outcome). Extends the dashboard's page object; selectors live here only.
import type { Locator } from 'playwright-core';
import { DashboardPage } from './dashboard.page';

export class EditPage extends DashboardPage {
  dialog(): Locator {
    return this.page.getByTestId('edit-dialog');
  }

  /** draw only the namespaces whose label contains `text` (the toolbar's namespace filter) */
  async onlyNamespaces(text: string) {
    const filter = this.page.getByTestId('ns-filter');
    await filter.locator('summary').click();
    await filter.locator('input[type=search]').fill(text);
    await filter.getByRole('button', { name: 'only shown' }).click();
    await this.page.keyboard.press('Escape');
  }

  /** where a node is drawn, in page pixels, once it has stopped moving (the view glides and refits) */
  async nodePoint(id: string): Promise<{ x: number; y: number }> {
    let last: { x: number; y: number } | null = null;
    for (let i = 0; i < 100; i++) {
      const box = await this.page.getByTestId('graph').boundingBox();
      const p = await this.page.evaluate((nodeId) => window.__linkscape?.renderedPosition(nodeId) ?? null, id);
      const now = box && p ? { x: box.x + p.x, y: box.y + p.y } : null;
      if (now && last && Math.abs(now.x - last.x) < 0.5 && Math.abs(now.y - last.y) < 0.5) return now;
      last = now;
      await this.page.waitForTimeout(150);
    }
    throw new Error(`node ${id} is not drawn, or never stops moving`);
  }

  override async clickNode(id: string) {
    const p = await this.nodePoint(id);
    await this.page.mouse.click(p.x, p.y);
  }

  /** right-click a graph node where it is drawn; the node menu opens */
  async rightClickNode(id: string) {
    const p = await this.nodePoint(id);
    await this.page.mouse.click(p.x, p.y, { button: 'right' });
    await this.page.getByTestId('node-menu').waitFor({ timeout: 10_000 });
  }

  async menuAction(key: string) {
    await this.page.getByTestId('node-menu').getByTestId(`action-${key}`).click();
    await this.dialog().waitFor();
  }

  async panelAction(key: string) {
    await this.page.getByTestId('selection-actions').getByTestId(`action-${key}`).click();
    await this.dialog().waitFor();
  }

  input(path: string): Locator {
    return this.dialog().getByTestId(`input-${path}`);
  }

  fieldErrors(path: string): Locator {
    return this.dialog().locator(`[data-testid="field-error"][data-field="${path}"]`);
  }

  async preview() {
    await this.dialog().getByTestId('preview').click();
  }

  /** the plan's steps, each the exact argv the server will run */
  async planArgv(): Promise<string[][]> {
    const steps = this.dialog().getByTestId('plan-step');
    await steps.first().waitFor();
    const raw = await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-argv') ?? '[]'));
    return raw.map((r) => JSON.parse(r) as string[]);
  }

  async apply(): Promise<{ ok: boolean; text: string }> {
    await this.dialog().getByTestId('apply').click();
    const outcome = this.dialog().getByTestId('outcome');
    await outcome.waitFor({ timeout: 30_000 });
    return { ok: (await outcome.getAttribute('data-ok')) === 'true', text: (await outcome.textContent()) ?? '' };
  }

  async closeDialog() {
    await this.dialog().getByTestId('close').click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /** wait until the graph has (or no longer has) a node, as the live feed delivers it */
  override async waitForNode(id: string, present = true, timeout = 20_000) {
    await this.page.waitForFunction(
      ([nodeId, want]) => (window.__linkscape?.nodeIds().includes(nodeId) ?? false) === want,
      [id, present] as const,
      { timeout },
    );
  }
}
