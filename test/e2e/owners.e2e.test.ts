// Browser tier with a real dockerd (../shared/docker-sandbox, sandbox lsO3) and a CNI pod
// (test/kernel/cnipod.ts: the test plays containerd, a namespace of ours the node): the page names
// containers and pods in the graph, lists the runtime networks with their members, finds a pod by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { browserTier, cniTier, DOCKER_SANDBOX, dockerTier } from '../tiers';
import { makePod, type Pod } from '../kernel/cnipod';
import { ensureBuild, startServer, type Served } from './server';
import { launchBrowser, type Browser } from './browser';
import { DashboardPage } from './dashboard.page';

const SANDBOX = 'lsO3';
const SOCK = `/run/${SANDBOX}-docker/docker.sock`;
const docker = (...args: string[]) =>
  execa('docker', args, { env: { DOCKER_HOST: `unix://${SOCK}` } }).then((r) => r.stdout.trim());
const ready = browserTier.ok && dockerTier.ok && cniTier.ok;
if (!ready)
  console.warn(`!! SKIPPED browser owners test: ${[browserTier, dockerTier, cniTier].find((t) => !t.ok)?.why}`);

describe.skipIf(!ready)('the page names containers and pods (browser, docker and cni tiers)', () => {
  let server: Served;
  let browser: Browser;
  let ui: DashboardPage;
  let pod: Pod;
  const nsId: Record<string, string> = {};

  beforeAll(async () => {
    await ensureBuild();
    await execa(path.join(DOCKER_SANDBOX, 'down'), [SANDBOX], { reject: false });
    await execa(path.join(DOCKER_SANDBOX, 'up'), [SANDBOX]);
    await docker('run', '-d', '--name', 'web-1', 'busybox:local', 'sleep', '1d');
    await docker(
      'network',
      'create',
      '-d',
      'macvlan',
      '--subnet',
      '192.168.163.0/24',
      '-o',
      'parent=eth0',
      '-o',
      'macvlan_mode=bridge',
      'macnet',
    );
    await docker(
      'run',
      '-d',
      '--name',
      'legacy-app',
      '--net',
      'macnet',
      '--ip',
      '192.168.163.10',
      'busybox:local',
      'sleep',
      '1d',
    );
    for (const c of ['web-1', 'legacy-app']) {
      const pid = await docker('inspect', '-f', '{{.State.Pid}}', c);
      nsId[c] = (await execa('stat', ['-L', '-c', '%i', `/proc/${pid}/ns/net`])).stdout.trim();
    }
    pod = await makePod(`lsO${process.pid % 100000}e`, {
      namespace: 'shop',
      name: 'cart-7d9f8-x2x',
      subnet: '10.244.213.0/24',
    });
    server = await startServer(['--docker-socket', SOCK]);
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    ui = new DashboardPage(page);
    await ui.open(server.url);
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await pod?.cleanup();
    await execa(path.join(DOCKER_SANDBOX, 'down'), [SANDBOX], { reject: false });
  }, 120_000);

  const label = (id: string) => ui.page.evaluate((n) => window.__linkscape!.label(n), id);

  it('draws the containers and the pod under their names', async () => {
    await ui.mode('graph');
    await ui.waitForGraph();
    await ui.waitForNode(`ns:${pod.podNs}`);
    expect((await label(`ns:${nsId['web-1']}`))?.split('\n')[0]).toBe('web-1 · docker');
    expect((await label(`ns:${nsId['legacy-app']}`))?.split('\n')[0]).toBe('legacy-app · docker');
    expect((await label(`ns:${pod.podNs}`))?.split('\n')[0]).toBe('shop/cart-7d9f8-x2x · pod');
  });

  it('finds the pod by its name and shows who owns it', async () => {
    await ui.search('cart-7d9f8');
    await ui.page.waitForFunction((id) => window.__linkscape!.classes(id).includes('match'), `ns:${pod.podNs}`, {
      timeout: 15_000,
    });
    await expect(
      ui.page.evaluate((id) => window.__linkscape!.classes(id).includes('match'), `ns:${nsId['web-1']}`),
    ).resolves.toBe(false);
    // the table lists what the search matched; its namespace row opens the details
    await ui.mode('links');
    await ui.nsRow(pod.podNs).click();
    const owner = ui.page.getByTestId('ns-owner');
    await expect(owner.locator('[data-attr="pod"] dd').textContent()).resolves.toBe('cart-7d9f8-x2x');
    await expect(owner.locator('[data-attr="k8s namespace"] dd').textContent()).resolves.toBe('shop');
    await expect(owner.getByTestId('owner-networks').textContent()).resolves.toMatch(
      /cbr0 \(bridge\) 10\.244\.213\.\d+\/24/,
    );
  });

  it('lists the runtime networks with their members and devices', async () => {
    await ui.search('');
    await ui.mode('networks');
    const row = (name: string) => ui.page.locator(`[data-testid="network-row"][data-name="${name}"]`);
    await row('macnet').waitFor({ timeout: 15_000 });
    await expect(row('macnet').getByTestId('network-members').textContent()).resolves.toContain('legacy-app · docker');
    await expect(row('macnet').getByTestId('network-members').textContent()).resolves.toContain('192.168.163.10/24');
    await expect(row('macnet').textContent()).resolves.toContain('192.168.163.0/24');
    await expect(row('bridge').getByTestId('network-members').textContent()).resolves.toContain('web-1 · docker');
    await expect(row('bridge').getByTestId('network-devices').textContent()).resolves.toContain('docker0');
    await expect(row('cbr0').getByTestId('network-members').textContent()).resolves.toContain(
      'shop/cart-7d9f8-x2x · pod',
    );
    await expect(row('cbr0').getByTestId('network-devices').textContent()).resolves.toContain('cni0');
  });

  it('a network\'s "show in graph" draws only its members; the namespace filter finds a pod by its owner', async () => {
    await ui.mode('networks');
    await ui.page.locator('[data-testid="network-row"][data-name="macnet"]').getByTestId('network-show').click();
    await ui.waitForNode(`ns:${nsId['legacy-app']}`);
    await ui.waitForNode(`ns:${nsId['web-1']}`, false);
    await ui.waitForNode(`ns:${pod.podNs}`, false);
    expect(await ui.page.getByTestId('ns-filter').locator('summary').textContent()).toMatch(/namespaces \d+\/\d+/);
    // the filter's box matches owners as the search does: the Kubernetes namespace and pod name, not a label
    const filter = ui.page.getByTestId('ns-filter');
    await filter.locator('summary').click();
    await filter.locator('input[type=search]').fill('shop cart-7d9f8');
    await expect
      .poll(() =>
        filter.locator('input[type=checkbox]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ns'))),
      )
      .toEqual([pod.podNs]);
    await filter.getByRole('button', { name: 'only shown' }).click();
    await ui.waitForNode(`ns:${pod.podNs}`);
    await ui.waitForNode(`ns:${nsId['legacy-app']}`, false);
    await filter.getByRole('button', { name: 'all' }).click();
    await ui.page.keyboard.press('Escape');
    await ui.waitForNode(`ns:${nsId['web-1']}`);
  });

  it('a container that starts appears under its name, live', async () => {
    await ui.mode('graph');
    await docker('run', '-d', '--name', 'live-2', 'busybox:local', 'sleep', '1d');
    const pid = await docker('inspect', '-f', '{{.State.Pid}}', 'live-2');
    const id = (await execa('stat', ['-L', '-c', '%i', `/proc/${pid}/ns/net`])).stdout.trim();
    await ui.waitForNode(`ns:${id}`);
    await ui.page.waitForFunction((n) => window.__linkscape!.label(n)?.startsWith('live-2 · docker'), `ns:${id}`, {
      timeout: 15_000,
    });
  });
});
