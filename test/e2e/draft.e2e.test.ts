// Browser tier, drafts and undo history, on the host kernel in namespaces made here (prefix lsW<pid>):
// the veth+bridge pods recipe (its bridge in a lab namespace, pods named with the prefix) fills a draft
// drawn on the graph as ghosts, planned at once with no Preview click; an item is removed; Apply all;
// the kernel agrees and a pod pings its gateway. Then a second change, two undos (each saying what it
// undoes), Undo disabled, Redo — the kernel asked at every step. Multi-selection (shift-click) of links in
// two more lab namespaces: one plan for all (down, up, delete), applied, the kernel agrees; the draft
// exported as JSON and imported back plans the same commands; the plan's script download is the argv shown.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { browserTier, pingAvailable } from '../tiers';
import { inodeOf, Lab } from '../kernel/lab';
import { argvToShell } from '../../shared/edits/shell';
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
  // the multi-selection's lab: m1 holds v1a and v2a, m2 their veth peers v1b and v2b
  let nsM1 = '';
  let nsM2 = '';
  const mNode: Record<string, string> = {};
  let server: Served;
  let browser: Browser;
  let ui: EditPage;
  const links = async (ns: string) =>
    new Map(
      (
        await lab.ipJson<{ ifname: string; ifindex: number; flags: string[]; master?: string }[]>(ns, 'link', 'show')
      ).map((l) => [l.ifname, l]),
    );

  beforeAll(async () => {
    await ensureBuild();
    nsA = await lab.netns('a');
    nsM1 = await lab.netns('m1');
    nsM2 = await lab.netns('m2');
    for (const n of ['1', '2']) {
      await lab.ip(nsM1, 'link', 'add', `v${n}a`, 'type', 'veth', 'peer', 'name', `v${n}b`, 'netns', nsM2);
      await lab.ip(nsM1, 'link', 'set', `v${n}a`, 'up');
      await lab.ip(nsM2, 'link', 'set', `v${n}b`, 'up');
    }
    for (const [ns, names] of [
      [nsM1, ['v1a', 'v2a']],
      [nsM2, ['v1b', 'v2b']],
    ] as const) {
      const id = await inodeOf(`/run/netns/${ns}`);
      const ls = await links(ns);
      for (const n of names) mNode[n] = `link:${id}/${ls.get(n)!.ifindex}`;
    }
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
    await expect(draft().getByTestId('plan').textContent()).resolves.toContain(
      `ip -n ${nsA} link add name ${bridge} type bridge`,
    );
    // drawn: the bridge and the pods' eth0 as ghosts (the pods' namespaces are ghosts too)
    await ui.page.waitForFunction(
      (b) => window.__linkscape!.nodeIds().some((id) => id.startsWith('draft-link:') && id.endsWith(`/${b}`)),
      bridge,
      { timeout: 15_000 },
    );
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
      const r = await execa('ip', ['netns', 'exec', pods[0], 'ping', '-c', '1', '-W', '5', '172.30.0.1'], {
        reject: false,
      });
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
    await expect
      .poll(
        async () =>
          (await dialog
            .getByTestId('undo-plan')
            .textContent()
            .catch(() => '')) ?? '',
      )
      .toContain(`ip netns del ${pods[0]}`);
    await dialog.getByTestId('undo-apply').click();
    await expect
      .poll(async () => (await dialog.getByTestId('outcome').getAttribute('data-ok')) ?? '', { timeout: 30_000 })
      .toBe('true');
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
    await expect
      .poll(async () => (await dialog.getByTestId('outcome').getAttribute('data-ok')) ?? '', { timeout: 30_000 })
      .toBe('true');
    expect((await links(nsA)).get(bridge)?.flags).toContain('UP');
    expect(await netnsList()).toContain(pods[0]);
    await dialog.getByTestId('undo-close').click();
  });

  /** shift-click these links on the graph: the multi-selection */
  const multiSelect = async (names: string[]) => {
    for (const n of names) await ui.waitForNode(mNode[n]);
    for (const n of names) {
      const p = await ui.nodePoint(mNode[n]);
      await ui.page.keyboard.down('Shift');
      await ui.page.mouse.click(p.x, p.y);
      await ui.page.keyboard.up('Shift');
    }
    const panel = ui.page.getByTestId('multi-actions');
    await expect
      .poll(async () => (await panel.locator('h3').textContent()) ?? '')
      .toContain(`${names.length} links selected`);
    return panel;
  };
  /** the draft's current plan, each step's argv */
  const draftArgv = async (): Promise<string[][]> => {
    await expect
      .poll(async () => (await draft().getByTestId('draft-summary').textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/\d+ commands?$/);
    const raw = await draft()
      .getByTestId('plan-step')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-argv') ?? '[]'));
    return raw.map((r) => JSON.parse(r) as string[]);
  };
  const applyDraft = async () => {
    await draft().getByTestId('draft-apply').click();
    const outcome = draft().getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-ok'), (await outcome.textContent()) ?? '').toBe('true');
    await draft().getByTestId('draft-close').click();
    await draft().waitFor({ state: 'detached' });
  };
  const flagsUp = async (ns: string, names: string[]) => {
    const ls = await links(ns);
    return names.map((n) => ls.get(n)?.flags.includes('UP') ?? null);
  };

  it('multi-select: shift-click three links, one plan takes all of them down, applied; the kernel agrees', async () => {
    expect(await items().count()).toBe(0);
    const panel = await multiSelect(['v1a', 'v2a', 'v2b']);
    await panel.getByTestId('multi-down').click();
    await expect.poll(() => items().count()).toBe(1);
    expect(await draftArgv()).toEqual([
      ['ip', '-n', nsM1, 'link', 'set', 'dev', 'v1a', 'down'],
      ['ip', '-n', nsM1, 'link', 'set', 'dev', 'v2a', 'down'],
      ['ip', '-n', nsM2, 'link', 'set', 'dev', 'v2b', 'down'],
    ]);
    expect(await flagsUp(nsM1, ['v1a', 'v2a'])).toEqual([true, true]); // planned, not run
    await applyDraft();
    expect(await flagsUp(nsM1, ['v1a', 'v2a'])).toEqual([false, false]);
    expect(await flagsUp(nsM2, ['v1b', 'v2b'])).toEqual([true, false]);
  });

  it('the draft exported as JSON and imported back plans the same commands; the script download is the argv shown', async () => {
    const panel = await multiSelect(['v1a', 'v2a', 'v2b']);
    await panel.getByTestId('multi-up').click();
    await expect.poll(() => items().count()).toBe(1);
    const title = await items().first().getAttribute('data-title');
    const argv = await draftArgv();
    expect(argv).toEqual([
      ['ip', '-n', nsM1, 'link', 'set', 'dev', 'v1a', 'up'],
      ['ip', '-n', nsM1, 'link', 'set', 'dev', 'v2a', 'up'],
      ['ip', '-n', nsM2, 'link', 'set', 'dev', 'v2b', 'up'],
    ]);

    // export: a JSON file of the draft's items and edits
    const [exported] = await Promise.all([
      ui.page.waitForEvent('download'),
      draft().getByTestId('draft-export').click(),
    ]);
    expect(exported.suggestedFilename()).toBe('linkscape-draft.json');
    const file = path.join(auditDir, 'draft.json');
    await exported.saveAs(file);
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      linkscapeDraft: number;
      items: { title: string; edits: { op: string; dev: string; up: boolean }[] }[];
    };
    expect(json.linkscapeDraft).toBe(1);
    expect(json.items.map((i) => i.title)).toEqual([title]);
    expect(json.items[0].edits.map((e) => [e.op, e.dev, e.up])).toEqual([
      ['link.set', 'v1a', true],
      ['link.set', 'v2a', true],
      ['link.set', 'v2b', true],
    ]);

    // the plan as a script: its commands are exactly the argv shown, in order
    const shown = await draft().getByTestId('plan-argv').allTextContents();
    expect(shown).toEqual(argv.map(argvToShell));
    const [script] = await Promise.all([
      ui.page.waitForEvent('download'),
      draft().getByTestId('download-script').click(),
    ]);
    expect(script.suggestedFilename()).toBe('linkscape-plan.sh');
    const scriptFile = path.join(auditDir, 'plan.sh');
    await script.saveAs(scriptFile);
    const lines = readFileSync(scriptFile, 'utf8').split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    expect(lines).toContain('set -e');
    expect(lines.filter((l) => l && !l.startsWith('#') && l !== 'set -e')).toEqual(shown);

    // discard, then import the file back: the same item, the same plan
    await draft().getByTestId('draft-clear').click();
    await draft().waitFor({ state: 'detached' });
    // with no draft at all, the import is in the recipe menu
    await ui.page.getByTestId('recipe-menu').locator('summary').click();
    await ui.page.getByTestId('draft-import-open').click();
    await expect(items().count()).resolves.toBe(0);
    await draft().locator('input[type=file]').setInputFiles(file);
    await expect
      .poll(async () => (await draft().getByTestId('draft-import-text').inputValue()).includes('"linkscapeDraft"'))
      .toBe(true);
    await draft().getByTestId('draft-import-apply').click();
    await expect.poll(() => items().count()).toBe(1);
    await expect(items().first().getAttribute('data-title')).resolves.toBe(title);
    expect(await draftArgv()).toEqual(argv);
    expect(await flagsUp(nsM1, ['v1a', 'v2a'])).toEqual([false, false]); // imported and planned, not run
    await applyDraft();
    expect(await flagsUp(nsM1, ['v1a', 'v2a'])).toEqual([true, true]);
    expect(await flagsUp(nsM2, ['v1b', 'v2b'])).toEqual([true, true]);
  });

  it('multi-select delete: a veth end and its peer are one delete; one plan for all, applied; the kernel has none of them', async () => {
    const panel = await multiSelect(['v1a', 'v1b', 'v2a']);
    await panel.getByTestId('multi-delete').click();
    await expect.poll(() => items().count()).toBe(1);
    // v1b goes with its peer v1a: not deleted twice (the second would fail)
    expect(await draftArgv()).toEqual([
      ['ip', '-n', nsM1, 'link', 'del', 'dev', 'v1a'],
      ['ip', '-n', nsM1, 'link', 'del', 'dev', 'v2a'],
    ]);
    expect((await links(nsM1)).has('v1a')).toBe(true);
    await applyDraft();
    expect([...(await links(nsM1)).keys()]).toEqual(['lo']);
    expect([...(await links(nsM2)).keys()]).toEqual(['lo']);
    for (const n of ['v1a', 'v2a', 'v1b', 'v2b']) await ui.waitForNode(mNode[n], false);
  });
});
