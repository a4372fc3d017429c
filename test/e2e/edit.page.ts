// Page object for editing: the node menu, the details panel's actions, the edit dialog (fields,
// the plan shown inline as they are filled in, apply, outcome). Extends the dashboard's page object; selectors live here only.
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

  /** right-click a graph node where it is drawn; the node menu opens */
  async rightClickNode(id: string) {
    const p = await this.nodePoint(id);
    await this.page.mouse.click(p.x, p.y, { button: 'right' });
    await this.page.getByTestId('node-menu').waitFor({ timeout: 30_000 });
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

  /** the plan of the fields as they stand (made as they are filled in: no click), once it is there */
  currentPlan(): Locator {
    return this.dialog().locator('[data-testid="plan"][data-current="true"]');
  }

  /** wait for the plan of the fields as they stand and for Apply to offer it */
  async planned() {
    await this.currentPlan().waitFor({ timeout: 30_000 });
    await this.page.waitForFunction(
      () => {
        const b = document.querySelector('[data-testid="edit-dialog"] [data-testid="apply"]');
        return b !== null && !(b.textContent ?? '').includes('planning');
      },
      null,
      { timeout: 30_000 },
    );
  }

  /** the current plan's steps, each the exact argv the server will run */
  async planArgv(): Promise<string[][]> {
    await this.planned();
    const steps = this.currentPlan().getByTestId('plan-step');
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
