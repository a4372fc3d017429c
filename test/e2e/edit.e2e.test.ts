// Browser tier, editing: on a kernel lab made here (two namespaces joined by a veth pair), a macvlan
// is created on the veth end by clicking (node menu → form → the plan with the exact argv shown inline as it is filled in → apply),
// appears in the graph and table from the live feed, and is deleted again from the details panel;
// `ip -j` is asked at every step. Also: a bad name shows the field's error and creates nothing; a
// kernel failure mid-plan shows the kernel's words and the rollback; read-only mode with a token.
// Nothing here touches the root namespace: the macvlan's parent is a veth end inside a lab namespace.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { browserTier, pingAvailable } from '../tiers';
import { inodeOf, Lab } from '../kernel/lab';
import { ensureBuild, ROOT, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { EditPage } from './edit.page';

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  linkinfo?: { info_kind: string; info_data?: { mode?: string } };
}

// the servers started here write their audit log to a temporary file, never the system's
let auditDir = '';
beforeAll(() => {
  auditDir = mkdtempSync(path.join(os.tmpdir(), 'ls-edit-e2e-'));
  process.env.LINKSCAPE_AUDIT_LOG = path.join(auditDir, 'audit.jsonl'); // inherited by the servers
});
afterAll(() => {
  delete process.env.LINKSCAPE_AUDIT_LOG;
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
});

describe.skipIf(!browserTier.ok)('editing in the page (browser tier)', () => {
  const lab = new Lab('w');
  const P = lab.prefix;
  let nsA = '';
  let nsB = '';
  let idA = '';
  let vaId = '';
  let server: Served;
  let browser: Browser;
  let ui: EditPage;

  /** `ip -j -d link show` in a namespace: the kernel's own view, by name */
  const kernelLinks = async (ns: string): Promise<Map<string, IpLink>> =>
    new Map((await lab.ipJson<IpLink[]>(ns, '-d', 'link', 'show')).map((l) => [l.ifname, l]));

  beforeAll(async () => {
    await ensureBuild();
    nsA = await lab.netns('a');
    nsB = await lab.netns('b');
    await lab.ip(nsA, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', nsB);
    await lab.ip(nsA, 'addr', 'add', '10.231.0.1/24', 'dev', 'va');
    await lab.ip(nsB, 'addr', 'add', '10.231.0.2/24', 'dev', 'vb');
    await lab.ip(nsA, 'link', 'set', 'va', 'up');
    await lab.ip(nsB, 'link', 'set', 'vb', 'up');
    idA = await inodeOf(`/run/netns/${nsA}`);
    vaId = `${idA}/${(await kernelLinks(nsA)).get('va')!.ifindex}`;
    server = await startServer();
    browser = await launchBrowser({ width: 1400, height: 1000 });
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.stack ?? e.message));
    ui = new EditPage(page);
    await ui.open(server.url);
    await ui.waitForGraph();
    await ui.waitForNode(`link:${vaId}`);
    await ui.onlyNamespaces(P); // the host may hold hundreds of namespaces; the lab's two are what this is about
  }, 20 * 60_000);

  // a failed step leaves a picture of the page behind, for whoever reads the failure
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !ui) return;
    const file = path.join(os.tmpdir(), `linkscape-edit-fail-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`);
    await ui.page.screenshot({ path: file }).catch(() => undefined);
    console.error(`[edit e2e] screenshot of the failure: ${file}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lab.cleanup();
  });

  it('creates a macvlan bridge child of the veth end by clicking: the plan inline shows the exact argv, apply, it appears live', async () => {
    const name = `${P}m`;
    await ui.rightClickNode(`link:${vaId}`);
    await ui.menuAction('child-macvlan');
    await expect(ui.dialog().getAttribute('data-form')).resolves.toBe('link.add');
    // pre-filled with this parent, where it lives
    await expect(ui.input('0.parent').inputValue()).resolves.toBe('va');
    await expect(ui.input('0.ns').inputValue()).resolves.toBe(idA);
    await ui.input('0.name').fill(name);
    await ui.input('0.mode').selectOption('bridge');
    // no Preview button: the plan is made as the form is filled in
    await expect(ui.dialog().getByTestId('preview').count()).resolves.toBe(0);
    const argv = await ui.planArgv();
    expect(argv).toEqual([
      ['ip', '-n', nsA, 'link', 'add', 'link', 'va', 'name', name, 'type', 'macvlan', 'mode', 'bridge'],
      ['ip', '-n', nsA, 'link', 'set', 'dev', name, 'up'],
    ]);
    await expect(ui.dialog().getByTestId('plan-script').textContent()).resolves.toContain(
      `ip -n ${nsA} link add link va name ${name} type macvlan mode bridge`,
    );
    // showing the plan changes nothing
    expect((await kernelLinks(nsA)).has(name)).toBe(false);

    const file = path.resolve(
      ROOT,
      process.env.LINKSCAPE_EDIT_SCREENSHOT ?? path.join(os.tmpdir(), 'linkscape-edit.png'),
    );
    await ui.page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(20_000);

    const outcome = await ui.apply();
    expect(outcome.ok, outcome.text).toBe(true);
    const mv = (await kernelLinks(nsA)).get(name);
    expect(mv?.linkinfo?.info_kind).toBe('macvlan');
    expect(mv?.linkinfo?.info_data?.mode).toBe('bridge');
    expect(mv?.flags).toContain('UP');
    // the graph learns of it from host.watch, not from the dialog
    const nodeId = `link:${idA}/${mv!.ifindex}`;
    await ui.waitForNode(nodeId);
    await ui.closeDialog();
    await ui.mode('links');
    const row = ui.linkRow(`${idA}/${mv!.ifindex}`);
    await row.waitFor({ timeout: 30_000 });
    await expect(row.getAttribute('data-kind')).resolves.toBe('macvlan');
    await expect(row.locator('td.name').textContent()).resolves.toBe(name);
  });

  it('deletes it from the details panel: the plan at once, apply, and it disappears from the kernel, the table and the graph', async () => {
    const name = `${P}m`;
    const mv = (await kernelLinks(nsA)).get(name)!;
    const linkId = `${idA}/${mv.ifindex}`;
    await ui.linkRow(linkId).click();
    await expect(ui.page.getByTestId('link-details').getAttribute('data-id')).resolves.toBe(linkId);
    await ui.panelAction('delete');
    // nothing to fill in: the plan is shown at once
    expect(await ui.planArgv()).toEqual([['ip', '-n', nsA, 'link', 'del', 'dev', name]]);
    expect((await kernelLinks(nsA)).has(name)).toBe(true);
    const outcome = await ui.apply();
    expect(outcome.ok, outcome.text).toBe(true);
    expect((await kernelLinks(nsA)).has(name)).toBe(false);
    await ui.closeDialog();
    await ui.linkRow(linkId).waitFor({ state: 'detached', timeout: 20_000 });
    await ui.mode('graph');
    await ui.waitForGraph();
    await ui.waitForNode(`link:${linkId}`, false);
  });

  it('a bad name shows the error beside the name field and creates nothing', async () => {
    const before = [...(await kernelLinks(nsA)).keys()].sort();
    await ui.clickNode(`link:${vaId}`);
    await expect(ui.page.getByTestId('link-details').getAttribute('data-id')).resolves.toBe(vaId);
    await ui.panelAction('child-macvlan');
    await ui.input('0.name').fill('bad name');
    // the server's zod error, beside the field it names, as the field is filled in; no plan, Apply disabled
    await expect
      .poll(() => ui.fieldErrors('0.name').allTextContents(), { timeout: 30_000 })
      .toEqual(['interface name may not contain whitespace']);
    await expect(ui.dialog().getByTestId('plan').count()).resolves.toBe(0);
    await expect(ui.dialog().getByTestId('apply').isDisabled()).resolves.toBe(true);
    // corrected, the plan appears and Apply is offered; made bad again, it goes and Apply is disabled again
    await ui.input('0.name').fill(`${P}ok`);
    expect((await ui.planArgv())[0].slice(0, 9)).toEqual([
      'ip',
      '-n',
      nsA,
      'link',
      'add',
      'link',
      'va',
      'name',
      `${P}ok`,
    ]);
    await expect(ui.dialog().getByTestId('apply').isDisabled()).resolves.toBe(false);
    await expect(ui.fieldErrors('0.name').count()).resolves.toBe(0);
    await ui.input('0.name').fill('bad name');
    await expect
      .poll(() => ui.fieldErrors('0.name').allTextContents(), { timeout: 30_000 })
      .toEqual(['interface name may not contain whitespace']);
    await expect(ui.dialog().getByTestId('plan').count()).resolves.toBe(0);
    await expect(ui.dialog().getByTestId('apply').isDisabled()).resolves.toBe(true);
    expect([...(await kernelLinks(nsA)).keys()].sort()).toEqual(before);
    await ui.closeDialog();
  });

  it('Apply runs only the plan shown: when the host changed since, it says so, plans again and runs nothing', async () => {
    const name = `${P}s`;
    await ui.clickNode(`link:${vaId}`);
    await ui.panelAction('child-macvlan');
    await ui.input('0.name').fill(name);
    expect((await ui.planArgv())[0].slice(0, 9)).toEqual(['ip', '-n', nsA, 'link', 'add', 'link', 'va', 'name', name]);
    // behind the page's back, the name is taken (by a veth end); the page hears of it from the live feed
    await lab.ip(nsA, 'link', 'add', name, 'type', 'veth', 'peer', 'name', `${P}sp`);
    try {
      const taker = (await kernelLinks(nsA)).get(name)!;
      await ui.waitForNode(`link:${idA}/${taker.ifindex}`);
      await ui.dialog().getByTestId('apply').click();
      await ui.dialog().getByTestId('plan-stale').waitFor({ timeout: 30_000 });
      // planned again, the edit is refused now, naming the field; nothing to apply
      await expect
        .poll(() => ui.fieldErrors('0.name').allTextContents(), { timeout: 30_000 })
        .toEqual([expect.stringContaining(name)]);
      await expect(ui.dialog().getByTestId('plan').count()).resolves.toBe(0);
      await expect(ui.dialog().getByTestId('outcome').count()).resolves.toBe(0);
      await expect(ui.dialog().getByTestId('apply').isDisabled()).resolves.toBe(true);
      expect((await kernelLinks(nsA)).get(name)?.linkinfo?.info_kind).toBe('veth');
    } finally {
      if (await ui.dialog().count()) await ui.closeDialog();
      await lab.ip(nsA, 'link', 'del', name).catch(() => undefined);
    }
  });

  it("a kernel failure mid-plan shows the failed command, the kernel's words verbatim, and the rollback; the host is as it was", async () => {
    // IPv6 off for new links in this lab namespace: the address step will fail after the create step ran
    await execa('ip', ['netns', 'exec', nsA, 'sysctl', '-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
    const name = `${P}r`;
    const before = [...(await kernelLinks(nsA)).keys()].sort();
    await ui.clickNode(`link:${vaId}`);
    await ui.panelAction('child-macvlan');
    await ui.input('0.name').fill(name);
    await ui.input('0.addresses').fill('fd00:231::5/64');
    expect((await ui.planArgv()).map((a) => a.slice(3, 5))).toEqual([
      ['link', 'add'],
      ['addr', 'add'],
      ['link', 'set'],
    ]);
    const outcome = await ui.apply();
    expect(outcome.ok).toBe(false);
    await expect(ui.dialog().getByTestId('failed-argv').textContent()).resolves.toBe(
      `ip -n ${nsA} addr add fd00:231::5/64 dev ${name}`,
    );
    await expect(ui.dialog().getByTestId('kernel-error').textContent()).resolves.toBe(
      'Error: ipv6: IPv6 is disabled on this device.',
    );
    await expect(ui.dialog().getByTestId('rolled-back').textContent()).resolves.toContain(
      `ip -n ${nsA} link del dev ${name}`,
    );
    expect([...(await kernelLinks(nsA)).keys()].sort()).toEqual(before);
    await ui.closeDialog();
  });

  it('the audit log lists what was applied and what failed', async () => {
    await ui.page.getByTestId('audit-open').click();
    const entries = ui.page.getByTestId('audit-entry');
    await entries.first().waitFor();
    const text = (await ui.page.getByTestId('audit-list').textContent()) ?? '';
    expect(text).toMatch(
      /failed at step 2 \(rolled back 1 of 1 step\): Error: ipv6: IPv6 is disabled on this device\./,
    );
    expect(await entries.count()).toBe(3); // create, delete, failed create (plans shown are dry runs: not listed)
    await ui.page.getByTestId('audit-dialog').locator('button.close').click();
  });

  it("the lock-out guard: a 412 answer asks to type the link's name, then the edit goes again with force", async () => {
    // A real guard needs a physical NIC or the host's default-route link, which tests must not touch; so
    // the server's refusal is injected once, in its exact shape, for a lab link, and the forced resend
    // goes through to the real server.
    const bodies: { force?: boolean; dryRun?: boolean }[] = [];
    let refused = false;
    await ui.page.route('**/api/trpc/edit.applyEdits*', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { force?: boolean; dryRun?: boolean };
      bodies.push(body);
      if (!body.dryRun && !body.force && !refused) {
        refused = true;
        const message =
          'taking down va, a physical NIC, can cut this host off — to go ahead, confirm with force (type "va")';
        await route.fulfill({
          status: 412,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              message: `refused without force: ${message}`,
              code: -32012,
              data: {
                code: 'PRECONDITION_FAILED',
                httpStatus: 412,
                path: 'edit.applyEdits',
                issues: [{ path: 'force', message }],
              },
            },
          }),
        });
      } else await route.continue();
    });
    try {
      await ui.clickNode(`link:${vaId}`);
      await ui.panelAction('down');
      expect(await ui.planArgv()).toEqual([['ip', '-n', nsA, 'link', 'set', 'dev', 'va', 'down']]);
      await ui.dialog().getByTestId('apply').click();
      const guard = ui.dialog().getByTestId('guard');
      await guard.waitFor();
      await expect(guard.textContent()).resolves.toContain('a physical NIC, can cut this host off');
      const apply = ui.dialog().getByTestId('apply');
      await expect(apply.isDisabled()).resolves.toBe(true);
      await guard.getByTestId('guard-input').fill('v');
      await expect(apply.isDisabled()).resolves.toBe(true);
      expect((await kernelLinks(nsA)).get('va')?.flags).toContain('UP');
      await guard.getByTestId('guard-input').fill('va');
      await expect(apply.textContent()).resolves.toContain('force');
      const outcome = await ui.apply();
      expect(outcome.ok, outcome.text).toBe(true);
      expect(bodies.filter((b) => !b.dryRun).map((b) => b.force === true)).toEqual([false, true]);
      expect((await kernelLinks(nsA)).get('va')?.flags).not.toContain('UP');
      await ui.closeDialog();
    } finally {
      await ui.page.unroute('**/api/trpc/edit.applyEdits*');
      await lab.ip(nsA, 'link', 'set', 'va', 'up');
    }
  });

  it('undo last change shows what it reverts, with the commands, and the kernel agrees afterwards', async () => {
    const name = `${P}u`;
    await ui.clickNode(`link:${vaId}`);
    await ui.panelAction('child-macvlan');
    await ui.input('0.name').fill(name);
    await ui.input('0.up').uncheck();
    expect((await ui.planArgv()).map((a) => a.slice(3, 5))).toEqual([['link', 'add']]);
    expect((await ui.apply()).ok).toBe(true);
    await ui.closeDialog();
    expect((await kernelLinks(nsA)).has(name)).toBe(true);
    const undo = ui.page.getByTestId('undo-last');
    await ui.page.waitForFunction(
      () => !document.querySelector<HTMLButtonElement>('[data-testid="undo-last"]')?.disabled,
    );
    await undo.click();
    const dialog = ui.page.getByTestId('undo-dialog');
    await dialog.getByTestId('undo-step').first().waitFor();
    await expect(dialog.getByTestId('undo-plan').textContent()).resolves.toContain(`ip -n ${nsA} link del dev ${name}`);
    await dialog.getByTestId('undo-apply').click();
    await dialog.getByTestId('outcome').waitFor({ timeout: 30_000 });
    await expect(dialog.getByTestId('outcome').getAttribute('data-ok')).resolves.toBe('true');
    expect((await kernelLinks(nsA)).has(name)).toBe(false);
    await dialog.locator('button.close').click();
  });

  it('Apply after the host changed under a plan that still plans: the new plan is shown, nothing ran; Apply again runs the new one', async () => {
    const mtu = async () => (await lab.ipJson<{ mtu: number }[]>(nsA, 'link', 'show', 'dev', 'va'))[0].mtu;
    expect(await mtu()).toBe(1500);
    try {
      await ui.clickNode(`link:${vaId}`);
      await ui.panelAction('mtu');
      await ui.input('0.mtu').fill('1400');
      expect(await ui.planArgv()).toEqual([['ip', '-n', nsA, 'link', 'set', 'dev', 'va', 'mtu', '1400']]);
      await expect(ui.currentPlan().textContent()).resolves.toContain('(was 1500)');
      // behind the page's back the MTU changes: the plan shown (its undo: back to 1500) is no longer the plan
      await lab.ip(nsA, 'link', 'set', 'va', 'mtu', '1450');
      await ui.page.waitForFunction(
        () => document.querySelector('[data-testid="link-details"]')?.textContent?.includes('1450') ?? false,
        null,
        { timeout: 20_000 },
      );
      await ui.dialog().getByTestId('apply').click();
      await ui.dialog().getByTestId('plan-stale').waitFor({ timeout: 30_000 });
      await expect.poll(async () => (await ui.currentPlan().textContent()) ?? '').toContain('(was 1450)');
      await expect(ui.dialog().getByTestId('outcome').count()).resolves.toBe(0);
      expect(await mtu()).toBe(1450); // nothing ran
      // the new plan, seen, is applied by a second click
      const outcome = await ui.apply();
      expect(outcome.ok, outcome.text).toBe(true);
      expect(await mtu()).toBe(1400);
      await ui.closeDialog();
    } finally {
      if (await ui.dialog().count()) await ui.closeDialog();
      await lab.ip(nsA, 'link', 'set', 'va', 'mtu', '1500');
    }
  });
  it("the host changes in the instant between Apply's last look and the apply: the server refuses (expectPlan), nothing runs", async () => {
    const mtu = async () => (await lab.ipJson<{ mtu: number }[]>(nsA, 'link', 'show', 'dev', 'va'))[0].mtu;
    expect(await mtu()).toBe(1500);
    // the MTU changes exactly when the real apply leaves the page: after the page's own re-plan said "same plan"
    let changed = false;
    await ui.page.route('**/api/trpc/edit.applyEdits*', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { dryRun?: boolean; expectPlan?: string };
      if (!body.dryRun && !changed) {
        changed = true;
        expect(body.expectPlan).toMatch(/^[0-9a-f]{64}$/);
        await lab.ip(nsA, 'link', 'set', 'va', 'mtu', '1450');
      }
      await route.continue();
    });
    try {
      await ui.clickNode(`link:${vaId}`);
      await ui.panelAction('mtu');
      await ui.input('0.mtu').fill('1400');
      await expect
        .poll(async () => (await ui.currentPlan().textContent()) ?? '', { timeout: 30_000 })
        .toContain('(was 1500)');
      await ui.dialog().getByTestId('apply').click();
      await ui.dialog().getByTestId('plan-stale').waitFor({ timeout: 30_000 });
      await expect
        .poll(async () => (await ui.currentPlan().textContent()) ?? '', { timeout: 30_000 })
        .toContain('(was 1450)');
      expect(changed).toBe(true);
      expect(await mtu()).toBe(1450); // the server ran nothing
      await ui.closeDialog();
    } finally {
      await ui.page.unroute('**/api/trpc/edit.applyEdits*');
      if (await ui.dialog().count()) await ui.closeDialog();
      await lab.ip(nsA, 'link', 'set', 'va', 'mtu', '1500');
    }
  });
});

describe.skipIf(!browserTier.ok)('read-only mode with a token (browser tier)', () => {
  const lab = new Lab('x');
  const TOKEN = `t${process.pid}abcdef0123456789`;
  let nsA = '';
  let idA = '';
  let server: Served;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuild();
    nsA = await lab.netns('a');
    const nsB = await lab.netns('b');
    await lab.ip(nsA, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', nsB);
    await lab.ip(nsA, 'addr', 'add', '10.232.0.1/24', 'dev', 'va');
    await lab.ip(nsB, 'addr', 'add', '10.232.0.2/24', 'dev', 'vb');
    await lab.ip(nsA, 'link', 'set', 'va', 'up');
    await lab.ip(nsB, 'link', 'set', 'vb', 'up');
    idA = await inodeOf(`/run/netns/${nsA}`);
    server = await startServer(['--read-only', '--token', TOKEN]);
    browser = await launchBrowser();
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lab.cleanup();
  });

  it('hides all editing, shows the badge, keeps the token out of the address bar and sends it (ping over SSE)', async () => {
    const ui = new EditPage(await browser.context.newPage());
    await ui.open(server.url); // ?token=TOKEN: traded for an HttpOnly cookie, the address bar left without it
    expect(new URL(ui.page.url()).searchParams.has('token')).toBe(false);
    await expect(
      browser.context.cookies(server.base).then((cs) => cs.find((c) => c.name === `linkscape-${server.port}`)?.value),
    ).resolves.toBe(TOKEN);
    await expect(ui.page.getByTestId('header').textContent()).resolves.toContain('read-only');
    await expect(ui.page.getByTestId('new-menu').count()).resolves.toBe(0);
    await expect(ui.page.getByTestId('undo-last').count()).resolves.toBe(0);
    await ui.waitForGraph();
    await ui.waitForNode(`ns:${idA}`);
    await ui.onlyNamespaces(lab.prefix);
    await ui.page.getByTestId('collapse-all').click(); // a namespace's own node, not a link drawn inside it
    await ui.rightClickNode(`ns:${idA}`);
    const menu = ui.page.getByTestId('node-menu');
    await expect(menu.getAttribute('data-node')).resolves.toBe(`ns:${idA}`);
    await expect(
      menu.locator('button').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid'))),
    ).resolves.toEqual(['action-ping']);
    if (!pingAvailable) return;
    await menu.getByTestId('action-ping').click();
    const panel = ui.page.getByTestId('ping-panel');
    await panel.getByTestId('ping-target').fill('10.232.0.2');
    await panel.getByTestId('ping-count').fill('2');
    await panel.getByTestId('ping-start').click();
    await panel.getByTestId('ping-exit').waitFor({ timeout: 20_000 });
    await expect(panel.getByTestId('ping-exit').textContent()).resolves.toBe('exit 0');
    await expect(panel.getByTestId('ping-output').textContent()).resolves.toMatch(/bytes from 10\.232\.0\.2/);
  });

  it('without the token, the server refuses the stream (ping over SSE) and the page itself', async () => {
    const input = encodeURIComponent(JSON.stringify({ nsId: idA, target: '10.232.0.2', count: 1 }));
    const sse = await fetch(`${server.base}api/trpc/diag.ping?input=${input}`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(sse.status).toBe(401);
    expect(((await sse.json()) as { error: { message: string } }).error.message).toContain('a valid token is required');
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    expect((await page.goto(server.base))?.status()).toBe(401);
    await expect(page.getByTestId('login-needed').count()).resolves.toBe(1);
  });
});
