// Browser tier: the token URL becomes an HttpOnly SameSite=Strict cookie and leaves the address bar; a
// browser without it is told where the token is; a foreign Host (DNS rebinding) is refused before any page;
// a change under a checkpoint shows "Keep these changes? reverting in N s" — Keep keeps it, nothing reverts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserTier } from '../tiers';
import { Lab } from '../kernel/lab';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';
import { ensureBuild, startServer, type Served } from './server';

describe.skipIf(!browserTier.ok)('security in the browser (browser tier)', () => {
  const lab = new Lab('S');
  let ns = '';
  let server: Served;
  let browser: Browser;

  const api = async <T = unknown>(proc: string, body: unknown) => {
    const r = await fetch(`${server.base}api/trpc/${proc}`, {
      method: 'POST',
      headers: { ...server.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await r.json()) as { result?: { data: T }; error?: { message: string } };
  };
  const links = async () => (await lab.ipJson<{ ifname: string }[]>(ns, 'link', 'show')).map((l) => l.ifname);

  beforeAll(async () => {
    await ensureBuild();
    ns = await lab.netns('b');
    server = await startServer([], undefined, { dir: mkdtempSync(path.join(os.tmpdir(), 'lsS-sec-')) });
    // attacker.example resolves to this server, as after a DNS rebinding
    browser = await launchBrowser(undefined, ['--host-resolver-rules=MAP attacker.example 127.0.0.1']);
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) rmSync(server.dir, { recursive: true, force: true });
    await lab.cleanup();
  });

  it('a browser without the token sees where to find it, and no dashboard', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(server.base);
    expect(res?.status()).toBe(401);
    await expect(page.getByTestId('login-needed').textContent()).resolves.toMatch(/needs its token/);
    await expect(page.locator('body').textContent()).resolves.toContain(`${server.dir}/token`);
    await expect(page.getByTestId('counts').count()).resolves.toBe(0);
    await page.close();
  });

  it('the token URL → an HttpOnly SameSite=Strict cookie → a clean address bar and a working page', async () => {
    const ui = new DashboardPage(await browser.context.newPage());
    // (not ui.open: that waits for the whole host to be read, which is not what is tested here)
    await ui.page.goto(server.url);
    await ui.page.waitForURL(server.base);
    await ui.page.getByTestId('header').waitFor();
    const cookies = await browser.context.cookies(server.base);
    expect(cookies.find((c) => c.name === `linkscape-${server.port}`)).toMatchObject({
      value: server.token,
      httpOnly: true,
      sameSite: 'Strict',
    });
    await expect(ui.page.evaluate(() => document.cookie)).resolves.not.toContain(server.token!); // not readable by scripts
    await expect(ui.page.evaluate(() => fetch('/api/trpc/host.info').then((r) => r.status))).resolves.toBe(200);
    await ui.page.close();
  });

  it("a foreign Host (the attacker's name rebound to 127.0.0.1) is refused before any page, naming --allow-host", async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`http://attacker.example:${server.port}/`);
    expect(res?.status()).toBe(403);
    await expect(page.getByTestId('host-refused').textContent()).resolves.toMatch(
      /attacker\.example.*--allow-host attacker\.example/,
    );
    await page.close();
  });

  it('a change under a checkpoint counts down; Keep keeps it; an unconfirmed one reverts and the page says so', async () => {
    const ui = new DashboardPage(await browser.context.newPage());
    await ui.page.goto(server.url);
    await ui.page.waitForURL(server.base);
    const r = await api<{ checkpoint: { seconds: number } }>('edit.applyEdits', {
      edits: [{ op: 'link.add', kind: 'veth', ns, name: 'keep0', peer: { name: 'keep1' } }],
      checkpoint: { seconds: 60 },
    });
    expect(r.result?.data.checkpoint.seconds).toBe(60);
    await ui.page.reload(); // the page asks the server what waits for confirmation
    const bar = ui.page.getByTestId('checkpoint');
    await bar.waitFor();
    await expect(bar.textContent()).resolves.toMatch(/Keep these changes\?/);
    const first = await bar.getByTestId('checkpoint-countdown').textContent();
    expect(first).toMatch(/^reverting in \d+ s$/);
    await ui.page.waitForFunction(
      (t) => document.querySelector('[data-testid="checkpoint-countdown"]')?.textContent !== t,
      first,
    );
    await bar.getByTestId('checkpoint-keep').click();
    await bar.waitFor({ state: 'detached' });
    expect(await links()).toContain('keep0');

    await api('edit.applyEdits', {
      edits: [{ op: 'link.add', kind: 'veth', ns, name: 'gone0', peer: { name: 'gone1' } }],
      checkpoint: { seconds: 5 },
    });
    await ui.page.reload();
    await bar.waitFor();
    await ui.page.getByTestId('checkpoint-reverted').waitFor({ timeout: 30_000 });
    await expect(ui.page.getByTestId('checkpoint-reverted').textContent()).resolves.toMatch(
      /reverted \(not confirmed within 5 s\)/,
    );
    expect(await links()).not.toContain('gone0');
    await ui.page.close();
  });

  it('after a crash mid-plan the page shows, once, what the start-up rolled back', async () => {
    const before = await links();
    const edits = Array.from({ length: 150 }, (_, i) => ({
      op: 'link.add',
      kind: 'veth',
      ns,
      name: `c${i}a`,
      peer: { name: `c${i}b` },
    }));
    const applying = api('edit.applyEdits', { edits }).catch(() => null);
    const journal = path.join(server.dir, 'journal.jsonl');
    for (;;) {
      const oks = existsSync(journal)
        ? readFileSync(journal, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('{"t":"ok"')).length
        : 0;
      if (oks >= 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    server.kill('SIGKILL');
    await server.exited;
    await applying;
    server = await startServer([], server.port, { token: server.token!, dir: server.dir });
    expect(await links()).toEqual(before);
    const page = await browser.context.newPage();
    await page.goto(server.base); // the cookie from before: same token
    const banner = page.getByTestId('recovery');
    await banner.waitFor({ timeout: 60_000 });
    await expect(banner.textContent()).resolves.toMatch(
      /stopped in the middle of a plan.*150 steps.*rolled back \d+ step\(s\).*nothing of that plan is left/s,
    );
    // the host's first read lands (and with it any banner above this one) before the click: nothing moves under it
    await page.getByTestId('counts').waitFor({ timeout: 60_000 });
    await banner.getByTestId('recovery-dismiss').click();
    // gone, or the page says why not (a refused dismiss shows the server's words)
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-testid="recovery"]') || !!document.querySelector('[data-testid="safety-error"]'),
      null,
      { timeout: 30_000 },
    );
    expect(
      await page.getByTestId('safety-error').count(),
      (await page
        .getByTestId('safety-error')
        .textContent()
        .catch(() => '')) ?? '',
    ).toBe(0);
    await banner.waitFor({ state: 'detached' });
    const asked = page.waitForResponse((r) => r.url().includes('/api/trpc/edit.recovery'));
    await page.reload();
    await asked;
    await expect(page.getByTestId('recovery').count()).resolves.toBe(0);
    await page.close();
  });
});
