// Lab VM + browser tier: linkscape runs inside the lab VM (a kernel with ipvlan; PID 1 readable, so no
// "not everything is shown" banner), reached from a headless chromium here through --fwd. Each recipe
// is applied by clicking only (Recipes… → form → Add to draft → Apply all), checked with a ping across
// from the page's own Ping panel, then removed again with Undo. Also: the graph fills the window on a
// page with no banner at all. The SR-IOV recipe is not here: netdevsim VFs have no netdevs to move
// (its edits are unit-tested against captured SR-IOV hosts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { browserTier, labvmTier, LABVM_DIR } from '../tiers';
import { killTree } from './kill';
import { ensureBuild, ROOT } from '../e2e/server';
import { launchBrowser, type Browser } from '../e2e/browser';
import { EditPage } from '../e2e/edit.page';

const PORT = 18300 + (process.pid % 50); // this helper's range: 18300-18399
const TOKEN = 'lsW-recipes-token';
const VIEWPORT = { width: 1400, height: 1000 };
// two "hosts" for the vxlan recipe: namespaces joined by a veth pair as their underlay
const SETUP = [
  'ip link set eth1 up',
  'ip netns add ha',
  'ip netns add hb',
  'ip -n ha link add va type veth peer name vb netns hb',
  'ip -n ha addr add 192.168.50.1/24 dev va',
  'ip -n hb addr add 192.168.50.2/24 dev vb',
  'ip -n ha link set va up',
  'ip -n hb link set vb up',
  'ip -n ha link set lo up',
  'ip -n hb link set lo up',
].join(' && ');

describe.skipIf(!labvmTier.ok || !browserTier.ok)('recipes by clicking, in the lab VM (lab VM + browser tier)', () => {
  let vm: ChildProcess | null = null;
  let out = '';
  let browser: Browser;
  let ui: EditPage;

  beforeAll(async () => {
    await ensureBuild();
    vm = spawn(
      path.join(LABVM_DIR, 'run'),
      [
        '--mem',
        '1536',
        '--fwd',
        `${PORT}:8080`,
        '--',
        'sh',
        '-c',
        `${SETUP} && exec node scripts/serve.mjs --host 0.0.0.0 --port 8080 --token ${TOKEN} --allow-host 127.0.0.1:${PORT}`,
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    vm.stdout?.on('data', (d) => (out += d));
    vm.stderr?.on('data', (d) => (out += d));
    const deadline = Date.now() + 10 * 60_000;
    while (!out.includes('linkscape on')) {
      if (vm.exitCode !== null) throw new Error(`lab VM exited (${vm.exitCode}):\n${out.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`the server in the lab VM did not start:\n${out.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    browser = await launchBrowser(VIEWPORT);
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.stack ?? e.message));
    ui = new EditPage(page);
    // under TCG the first page and the first read take minutes
    page.setDefaultTimeout(120_000);
    await page.goto(`http://127.0.0.1:${PORT}/?token=${TOKEN}`, { timeout: 8 * 60_000 });
    await page.getByTestId('counts').waitFor({ timeout: 8 * 60_000 });
    await page.waitForFunction(() => window.__linkscape?.ready() === true, null, { timeout: 5 * 60_000 });
  }, 25 * 60_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !ui) return;
    const file = path.join(os.tmpdir(), `linkscape-recipe-fail-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`);
    await ui.page.screenshot({ path: file }).catch(() => undefined);
    console.error(`[recipes] screenshot of the failure: ${file}\n${out.slice(-2000)}`);
  });

  afterAll(async () => {
    await browser?.close();
    if (vm && vm.exitCode === null && vm.pid) {
      const exited = new Promise((r) => vm!.once('exit', r));
      killTree(vm.pid); // the script and its qemu: the script alone would leave qemu running
      await exited;
    }
  });

  it(
    'the page has no banner here, and the graph fills the window',
    async () => {
      const m = await ui.page.evaluate(() => ({
        banners: document.querySelectorAll('.app > .banner').length,
        graph: document.querySelector('[data-testid="graph"]')!.getBoundingClientRect().height,
        stageBottom: document.querySelector('[data-testid="stage"]')!.getBoundingClientRect().bottom,
      }));
      expect(m.banners).toBe(0);
      expect(m.stageBottom).toBeCloseTo(VIEWPORT.height, 0);
      expect(m.graph).toBeGreaterThan(VIEWPORT.height * 0.7);
      await ui.page.screenshot({ path: path.join(os.tmpdir(), 'linkscape-labvm-nobanner.png') });
    },
    15 * 60_000,
  );

  /** Recipes… → this recipe → set fields → Add to draft → Apply all; the outcome must be ok */
  async function applyRecipe(id: string, fields: Record<string, string>) {
    await ui.page.getByTestId('recipe-menu').locator('summary').click();
    await ui.page.getByTestId(`recipe-${id}`).click();
    await ui.dialog().waitFor();
    for (const [k, v] of Object.entries(fields)) {
      const input = ui.input(`recipe.${k}`);
      if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(v);
      else await input.fill(v);
    }
    await ui.dialog().getByTestId('add-to-draft').click();
    const draft = ui.page.getByTestId('draft');
    await draft.getByTestId('plan-step').first().waitFor({ state: 'attached', timeout: 60_000 });
    await expect(draft.getByTestId('draft-error').count()).resolves.toBe(0);
    await ui.page.screenshot({ path: path.join(os.tmpdir(), `linkscape-labvm-${id}-draft.png`) });
    await draft.getByTestId('draft-apply').click();
    const outcome = draft.getByTestId('outcome');
    await outcome.waitFor({ timeout: 120_000 });
    expect(await outcome.getAttribute('data-ok'), (await outcome.textContent()) ?? '').toBe('true');
    await draft.getByTestId('draft-close').click();
  }

  /** Links table → the namespace's row → Ping from here… → target; the page's ping must exit 0 */
  async function pingFrom(nsLabel: string, target: string) {
    await ui.mode('links');
    const row = ui.page.locator('[data-testid="ns-row"]', { hasText: nsLabel }).first();
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    await ui.page.getByTestId('selection-actions').getByTestId('action-ping').click();
    const panel = ui.page.getByTestId('ping-panel');
    await panel.getByTestId('ping-target').fill(target);
    await panel.getByTestId('ping-count').fill('2');
    await panel.getByTestId('ping-start').click();
    const exit = panel.getByTestId('ping-exit');
    await exit.waitFor({ timeout: 60_000 });
    const text = `${await exit.textContent()}\n${await panel.getByTestId('ping-output').textContent()}`;
    expect(text).toMatch(/^exit 0/);
    await panel.getByRole('button', { name: 'close' }).click();
    await ui.mode('graph');
  }

  /** Undo (the newest change) → its commands → Undo; the outcome must be ok */
  async function undoLast(expectInPlan: string) {
    const undo = ui.page.getByTestId('undo-last');
    await expect.poll(() => undo.isDisabled(), { timeout: 30_000 }).toBe(false);
    await undo.click();
    const dialog = ui.page.getByTestId('undo-dialog');
    await dialog.getByTestId('undo-step').first().waitFor();
    await expect(dialog.getByTestId('undo-plan').textContent()).resolves.toContain(expectInPlan);
    await dialog.getByTestId('undo-apply').click();
    await expect
      .poll(async () => (await dialog.getByTestId('outcome').getAttribute('data-ok')) ?? '', { timeout: 120_000 })
      .toBe('true');
    await dialog.getByTestId('undo-close').click();
  }

  const nsGone = async (label: string) => {
    await ui.mode('links');
    await expect
      .poll(() => ui.page.locator('[data-testid="ns-row"]', { hasText: label }).count(), { timeout: 60_000 })
      .toBe(0);
    await ui.mode('graph');
  };

  it(
    'ipvlan L3 between two namespaces (routes included): ping across subnets, then undone',
    async () => {
      await applyRecipe('ipvlan-l3', { parent: 'eth1', ns1: 'l3a', ns2: 'l3b' });
      await pingFrom('l3a', '10.10.2.10');
      await undoLast('ip netns del l3a');
      await nsGone('l3a');
    },
    15 * 60_000,
  );

  it(
    'ipvlan L2: ping in one subnet, then undone',
    async () => {
      await applyRecipe('ipvlan-l2', { parent: 'eth1', ns1: 'l2a', ns2: 'l2b' });
      await pingFrom('l2a', '10.10.3.11');
      await undoLast('ip netns del l2a');
      await nsGone('l2a');
    },
    15 * 60_000,
  );

  it(
    'macvlan bridge: ping between the two children, then undone',
    async () => {
      await applyRecipe('macvlan-bridge', { parent: 'eth1', ns1: 'mva', ns2: 'mvb' });
      await pingFrom('mva', '10.10.4.11');
      await undoLast('ip netns del mva');
      await nsGone('mva');
    },
    15 * 60_000,
  );

  it(
    'veth + bridge pods: pod to pod across the bridge, then undone',
    async () => {
      await applyRecipe('veth-bridge', {});
      await pingFrom('pod1', '172.30.0.3');
      await undoLast('ip netns del pod1');
      await nsGone('pod1');
    },
    15 * 60_000,
  );

  it(
    'vxlan between two hosts (flannel-style), one recipe per host: ping over the overlay, then both undone',
    async () => {
      await applyRecipe('vxlan', {
        ns: 'ha',
        dev: 'va',
        local: '192.168.50.1',
        remote: '192.168.50.2',
        overlay: '10.244.0.1/24',
        remoteOverlay: '10.244.0.2',
        remoteSubnet: '',
      });
      await applyRecipe('vxlan', {
        ns: 'hb',
        dev: 'vb',
        local: '192.168.50.2',
        remote: '192.168.50.1',
        overlay: '10.244.0.2/24',
        remoteOverlay: '10.244.0.1',
        remoteSubnet: '',
      });
      await pingFrom('ha', '10.244.0.2');
      await undoLast('ip -n hb link del dev flannel.1');
      await undoLast('ip -n ha link del dev flannel.1');
    },
    15 * 60_000,
  );
});
