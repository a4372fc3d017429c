// Browser tier, drafts and undo history, on the host kernel in namespaces made here (prefix lsW<pid>):
// the veth+bridge pods recipe (its bridge in a lab namespace, pods named with the prefix) fills a draft
// drawn on the graph as ghosts, planned at once with no Preview click; an item is removed; Apply all;
// the kernel agrees and a pod pings its gateway. Then a second change, two undos (each saying what it
// undoes), Undo disabled, Redo — the kernel asked at every step.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { browserTier, pingAvailable } from '../tiers';
import { Lab } from '../kernel/lab';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { EditPage } from './edit.page';

let auditDir = '';
beforeAll(() => {
  auditDir = mkdtempSync(path.join(os.tmpdir(), 'ls-draft-e2e-'));
  process.env.LINKSCAPE_AUDIT_LOG = path.join(auditDir, 'audit.jsonl');
});
afterAll(() => {
  delete process.env.LINKSCAPE_AUDIT_LOG;
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
});

const netnsList = async () => (await execa('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);

describe.skipIf(!browserTier.ok)('drafts, recipes and undo history in the page (browser tier)', () => {
  const lab = new Lab('W');
  const P = lab.prefix;
  const pods = [`${P}-p1`, `${P}-p2`];
  const bridge = `${P}br`.slice(0, 15);
  let nsA = '';
  let server: Served;
  let browser: Browser;
  let ui: EditPage;
  const links = async (ns: string) => new Map((await lab.ipJson<{ ifname: string; flags: string[]; master?: string }[]>(ns, 'link', 'show')).map((l) => [l.ifname, l]));

  beforeAll(async () => {
    await ensureBuild();
    nsA = await lab.netns('a');
    server = await startServer();
    browser = await launchBrowser({ width: 1400, height: 1000 });
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.stack ?? e.message));
    ui = new EditPage(page);
    // this shared machine holds hundreds of namespaces and is busy: the first read can take minutes
    await page.goto(server.url);
    await page.getByTestId('counts').waitFor({ timeout: 6 * 60_000 });
    await ui.waitForGraph();
    await ui.onlyNamespaces(P);
  }, 30 * 60_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !ui) return;
    const file = path.join(os.tmpdir(), `linkscape-draft-fail-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`);
    await ui.page.screenshot({ path: file }).catch(() => undefined);
    console.error(`[draft e2e] screenshot of the failure: ${file}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const p of pods) await execa('ip', ['netns', 'del', p], { reject: false });
    await lab.cleanup();
  });

  const draft = () => ui.page.getByTestId('draft');
  const items = () => draft().getByTestId('draft-item');

  it('a recipe fills the draft, drawn as ghosts and planned at once; an item can be removed', async () => {
    await ui.page.getByTestId('recipe-menu').locator('summary').click();
    await ui.page.getByTestId('recipe-veth-bridge').click();
    await ui.dialog().waitFor();
    await ui.input('recipe.bridgeNs').selectOption(nsA);
    await ui.input('recipe.bridge').fill(bridge);
    await ui.input('recipe.pods').fill(pods.join(' '));
    await ui.dialog().getByTestId('add-to-draft').click();
    await ui.dialog().waitFor({ state: 'detached' });
    await expect.poll(() => items().count()).toBe(3);
    // planned with no click: the commands are there
    await draft().getByTestId('plan-step').first().waitFor({ state: 'attached', timeout: 30_000 });
    await expect(draft().getByTestId('plan').textContent()).resolves.toContain(`ip -n ${nsA} link add name ${bridge} type bridge`);
    // drawn: the bridge and the pods' eth0 as ghosts (the pods' namespaces are ghosts too)
    await ui.page.waitForFunction((b) => window.__linkscape!.nodeIds().some((id) => id.startsWith('draft-link:') && id.endsWith(`/${b}`)), bridge, { timeout: 15_000 });
    const ghosts = (await ui.nodeIds()).filter((id) => id.startsWith('draft-'));
    expect(ghosts).toEqual(expect.arrayContaining([`draft-ns:${pods[0]}`, `draft-ns:${pods[1]}`]));
    await ui.page.screenshot({ path: path.join(os.tmpdir(), 'linkscape-draft.png') });
    // nothing ran
    expect((await links(nsA)).has(bridge)).toBe(false);

    await items().nth(2).getByTestId('draft-remove').click();
    await expect.poll(() => items().count()).toBe(2);
    await expect.poll(async () => (await draft().getByTestId('plan').textContent()) ?? '').not.toContain(pods[1]);
    await expect(ui.page.getByTestId('undo-last').isDisabled()).resolves.toBe(true);
  });

  it('Apply all runs the one plan; the kernel agrees; the pod reaches its gateway', async () => {
    await draft().getByTestId('draft-apply').click();
    const outcome = draft().getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-ok'), (await outcome.textContent()) ?? '').toBe('true');
    const a = await links(nsA);
    expect(a.get(bridge)?.flags).toContain('UP');
    expect(a.get(`veth1-${pods[0]}`.slice(0, 15))?.master).toBe(bridge);
    expect(await netnsList()).toContain(pods[0]);
    expect(await netnsList()).not.toContain(pods[1]);
    if (pingAvailable) {
      const r = await execa('ip', ['netns', 'exec', pods[0], 'ping', '-c', '1', '-W', '5', '172.30.0.1'], { reject: false });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    }
  });

  it('several undo levels, each saying what it undoes; Undo disabled at the end; Redo brings it back', async () => {
    // a second change: a bridge in the lab namespace, through a form's own Apply
    await ui.page.getByTestId('new-menu').locator('summary').click();
    await ui.page.getByTestId('new-bridge').click();
    await ui.dialog().waitFor();
    await ui.input('0.ns').selectOption({ label: nsA });
    await ui.input('0.name').fill(`${P}d`);
    expect((await ui.planArgv())[0]).toEqual(['ip', '-n', nsA, 'link', 'add', 'name', `${P}d`, 'type', 'bridge']);
    expect((await ui.apply()).ok).toBe(true);
    await ui.closeDialog();

    const undo = ui.page.getByTestId('undo-last');
    await expect.poll(() => undo.getAttribute('title')).toContain(`${P}d`);
    await expect.poll(() => undo.textContent()).toContain('(2)');
    await undo.click();
    const dialog = ui.page.getByTestId('undo-dialog');
    await dialog.getByTestId('undo-step').first().waitFor();
    await expect(dialog.getByTestId('undo-plan').textContent()).resolves.toContain(`ip -n ${nsA} link del dev ${P}d`);
    await expect(dialog.getByTestId('history-item').count()).resolves.toBe(1);
    await dialog.getByTestId('undo-apply').click();
    await dialog.getByTestId('outcome').waitFor({ timeout: 30_000 });
    expect((await links(nsA)).has(`${P}d`)).toBe(false);

    await dialog.getByTestId('undo-again').click();
    await expect.poll(async () => (await dialog.getByTestId('undo-plan').textContent().catch(() => '')) ?? '').toContain(`ip netns del ${pods[0]}`);
    await dialog.getByTestId('undo-apply').click();
    await expect.poll(async () => (await dialog.getByTestId('outcome').getAttribute('data-ok')) ?? '', { timeout: 30_000 }).toBe('true');
    expect((await links(nsA)).has(bridge)).toBe(false);
    expect(await netnsList()).not.toContain(pods[0]);
    await dialog.getByTestId('undo-close').click();
    await expect.poll(() => undo.isDisabled()).toBe(true);
    await expect(undo.getAttribute('title')).resolves.toBe('nothing to undo');

    const redo = ui.page.getByTestId('redo-last');
    await expect.poll(() => redo.isDisabled()).toBe(false);
    await expect(redo.getAttribute('title')).resolves.toContain(bridge); // what it does again: the recipe's first step
    await redo.click();
    await dialog.getByTestId('undo-plan').waitFor();
    await dialog.getByTestId('undo-apply').click();
    await expect.poll(async () => (await dialog.getByTestId('outcome').getAttribute('data-ok')) ?? '', { timeout: 30_000 }).toBe('true');
    expect((await links(nsA)).get(bridge)?.flags).toContain('UP');
    expect(await netnsList()).toContain(pods[0]);
    await dialog.getByTestId('undo-close').click();
  });
});
