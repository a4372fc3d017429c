// Browser tier, the page's own path for changes that can cut the operator off. The rules forbid touching
// this machine's interfaces, so the server runs inside a namespace this test made (to the server it is
// the host's: its own network namespace), and so does the browser (nsenter; both talk over that
// namespace's loopback). That namespace gets a veth with an address and the default route, as a host's
// uplink has — so the real lock-out guard and the page's checkpoint apply, with nothing injected:
// taking the uplink down asks to type its name, then runs under "Keep these changes? reverting in 30 s";
// Revert now puts it back. An address added to the uplink is kept with Keep.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserTier } from '../tiers';
import { inodeOf, Lab } from '../kernel/lab';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { EditPage } from './edit.page';

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
}
interface IpAddr {
  ifname: string;
  addr_info: { local: string; prefixlen: number }[];
}

describe.skipIf(!browserTier.ok)(
  'changes that can cut the operator off, from the page (browser tier, server in a namespace of ours)',
  () => {
    const lab = new Lab('C');
    let host = ''; // the server's "host" namespace
    let hostId = '';
    let upId = '';
    let server: Served;
    let browser: Browser;
    let ui: EditPage;

    const link = async (name: string) => (await lab.ipJson<IpLink[]>(host, 'link', 'show', 'dev', name))[0];
    const addrs = async (name: string) =>
      (await lab.ipJson<IpAddr[]>(host, 'addr', 'show', 'dev', name))[0].addr_info.map(
        (a) => `${a.local}/${a.prefixlen}`,
      );

    beforeAll(async () => {
      await ensureBuild();
      host = await lab.netns('h');
      const peer = await lab.netns('p');
      await lab.ip(host, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up1', 'netns', peer);
      await lab.ip(host, 'addr', 'add', '10.233.0.1/24', 'dev', 'up0');
      await lab.ip(host, 'addr', 'add', 'fd33::1/64', 'dev', 'up0', 'nodad');
      await lab.ip(host, 'link', 'set', 'up0', 'up');
      await lab.ip(peer, 'link', 'set', 'up1', 'up');
      await lab.ip(host, 'route', 'add', 'default', 'via', '10.233.0.2', 'dev', 'up0');
      hostId = await inodeOf(`/run/netns/${host}`);
      upId = `${hostId}/${(await link('up0')).ifindex}`;
      server = await startServer([], undefined, { netns: host });
      browser = await launchBrowser({ width: 1400, height: 1000 }, [], { netns: host });
      const page = await browser.context.newPage();
      page.on('pageerror', (e) => console.error('[page error]', e.stack ?? e.message));
      ui = new EditPage(page);
      await ui.open(server.url);
      await ui.waitForGraph();
      await ui.waitForNode(`link:${upId}`);
      await ui.onlyNamespaces('host');
    }, 20 * 60_000);

    afterEach(async (ctx) => {
      if (ctx.task.result?.state !== 'fail' || !ui) return;
      const file = path.join(
        os.tmpdir(),
        `linkscape-checkpoint-fail-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`,
      );
      await ui.page.screenshot({ path: file }).catch(() => undefined);
      console.error(`[checkpoint e2e] screenshot of the failure: ${file}\n${server?.output().slice(-2000)}`);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await lab.cleanup();
    });

    it('the page sees the namespace it runs in as the host, with the uplink carrying the default route', async () => {
      expect(await ui.page.evaluate((id) => window.__linkscape!.label(id)?.split('\n')[0], `ns:${hostId}`)).toMatch(
        /^host/,
      );
    });

    it('taking the uplink down: the real guard asks for its name, then a checkpoint; Revert now puts it back up', async () => {
      await ui.clickNode(`link:${upId}`);
      await ui.panelAction('down');
      // the plan says what the kernel does with a down link: the routes through it and its IPv6 addresses go
      expect(await ui.planArgv()).toEqual([
        ['ip', 'route', 'del', 'default', 'via', '10.233.0.2', 'dev', 'up0'],
        ['ip', 'addr', 'del', 'fd33::1/64', 'dev', 'up0'],
        ['ip', 'link', 'set', 'dev', 'up0', 'down'],
      ]);
      // the planner knows the guard: it is shown with the plan, and Apply waits for the link's name
      const guard = ui.dialog().getByTestId('guard');
      await guard.waitFor({ timeout: 30_000 });
      await expect(guard.textContent()).resolves.toContain(
        "taking down up0, which carries the host's default route, can cut this host off",
      );
      await expect(ui.dialog().getByTestId('apply').isDisabled()).resolves.toBe(true);
      expect((await link('up0')).flags).toContain('UP');
      await guard.getByTestId('guard-input').fill('up0');
      const outcome = await ui.apply();
      expect(outcome.ok, outcome.text).toBe(true);
      expect((await link('up0')).flags).not.toContain('UP');
      await ui.closeDialog();
      const bar = ui.page.getByTestId('checkpoint');
      await bar.waitFor({ timeout: 30_000 });
      await expect(bar.getByTestId('checkpoint-countdown').textContent()).resolves.toMatch(/reverting in \d+ s/);
      await bar.getByTestId('checkpoint-revert').click();
      await ui.page.getByTestId('checkpoint-reverted').waitFor({ timeout: 30_000 });
      await expect.poll(async () => (await link('up0')).flags, { timeout: 30_000 }).toContain('UP');
      // the revert is complete: the default route and the IPv6 address are back with the link
      expect(await lab.ipJson<{ dst: string; gateway?: string }[]>(host, 'route', 'show', 'default')).toMatchObject([
        { dst: 'default', gateway: '10.233.0.2' },
      ]);
      expect((await addrs('up0')).filter((a) => !a.startsWith('fe80'))).toEqual(['10.233.0.1/24', 'fd33::1/64']);
    });

    it('an address added to the uplink runs under a checkpoint too; Keep keeps it, and the audit log says so', async () => {
      await ui.clickNode(`link:${upId}`);
      await ui.panelAction('addr-add');
      await ui.input('0.cidr').fill('10.233.9.1/24');
      expect(await ui.planArgv()).toEqual([['ip', 'addr', 'add', '10.233.9.1/24', 'dev', 'up0']]);
      const outcome = await ui.apply();
      expect(outcome.ok, outcome.text).toBe(true);
      await ui.closeDialog();
      const bar = ui.page.getByTestId('checkpoint');
      await bar.waitFor({ timeout: 30_000 });
      await bar.getByTestId('checkpoint-keep').click();
      await bar.waitFor({ state: 'detached', timeout: 30_000 });
      expect(await addrs('up0')).toContain('10.233.9.1/24');
      const audit = readFileSync(path.join(server.dir, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { action: string; outcome: { ok: boolean } });
      expect(audit.map((e) => e.action).slice(-2)).toEqual(['apply', 'confirm']);
    });
  },
);
