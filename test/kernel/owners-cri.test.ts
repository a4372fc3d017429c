// containerd tier: a pod run by a real containerd over its CRI socket (test/kernel/containerd.ts says which
// part plays what: a namespace of ours the node, Debian's containerd the runtime, this test kubelet). readHost
// names the pod's namespace by its pod and lists its containers by name, image and state, read from the CRI
// socket; a socket it cannot reach leaves today's data and says so in `hidden`; a removed pod goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { containerdTier } from '../tiers';
import { IMAGE, startContainerd, type Containerd, type PodSpec } from './containerd';
import { readHost } from '../../server/host/read';
import { HostWatcher } from '../../server/host/watch';
import { run } from '../../server/ip/run';
import type { HostSnapshot, Namespace } from '../../shared/host/types';

if (!containerdTier.ok) console.warn(`!! SKIPPED containerd tier (owners-cri): ${containerdTier.why}`);

describe.skipIf(!containerdTier.ok)('containerd tier: a pod run over the CRI is named with its containers', () => {
  const tag = `lsC${process.pid % 100000}`;
  let ctd: Containerd;
  let pod: PodSpec;
  let sandboxId = '';
  let webId = '';
  const read = (over: object = {}) =>
    readHost(run, { owners: { docker: null, cri: { path: ctd.socket, explicit: true }, ...over } });
  const podNs = (s: HostSnapshot): Namespace | undefined => s.namespaces.find((n) => n.owner?.id === pod.uid);

  beforeAll(async () => {
    ctd = await startContainerd(tag, `10.245.${process.pid % 250}.0/24`);
    pod = { namespace: 'shop', name: 'cart-cri-1', uid: randomUUID() };
    ctd.pods.push({ uid: pod.uid, sandboxId: null });
    // kubelet: the pod's sandbox, then its app container from the image's id (as kubelet passes it)
    sandboxId = await ctd.kubelet.runPod(pod);
    ctd.pods[0].sandboxId = sandboxId;
    webId = await ctd.kubelet.runContainer(pod, sandboxId, 'web', ctd.imageId, ['sleep', '3600']);
  }, 180_000);

  afterAll(async () => {
    await ctd?.cleanup();
  }, 120_000);

  it("names the pod's namespace by its pod, and its containers by name, image and state", async () => {
    const snap = await read();
    const ns = podNs(snap);
    expect(ns?.label).toBe('shop/cart-cri-1 · pod');
    expect(ns?.owner).toMatchObject({
      runtime: 'kubernetes',
      kind: 'pod',
      id: pod.uid,
      namespace: 'shop',
      state: 'besteffort',
    });
    expect(ns?.owner?.containers).toEqual([
      { id: sandboxId, name: sandboxId.slice(0, 12), state: 'sandbox' },
      { id: webId, name: 'web', image: IMAGE, state: 'running' },
    ]);
    // the namespace is the one containerd made for the sandbox (the CNI result libcni cached for containerd says so)
    const cache = JSON.parse(
      await fs.readFile(path.join('/var/lib/cni/results', `${ctd.network}-${sandboxId}-eth0`), 'utf8'),
    ) as { result: { interfaces: { sandbox?: string }[] } };
    const netns = cache.result.interfaces.find((i) => i.sandbox)?.sandbox as string;
    expect(netns).toMatch(/^\/var\/run\/netns\/cni-/);
    expect(ns?.id).toBe(String((await fs.stat(netns)).ino));
    // its network, not containerd's `cni-loopback` for its lo (a cache file too)
    expect(ns?.owner?.networks).toEqual([
      {
        name: ctd.network,
        // the plugin type is in libcni's cache only when it keeps the config (containerd 1.6's does not)
        driver: expect.stringMatching(/^(bridge|cni)$/),
        ips: [expect.stringMatching(/^10\.245\.\d+\.\d+\/24$/)],
      },
    ]);
    expect(snap.hidden.filter((h) => h.includes('CRI'))).toEqual([]); // (the host's own lines are not ours)
  });

  it('names the pod from the runtime alone when no CNI cache file does', async () => {
    const empty = await fs.mkdtemp(path.join(ctd.dir, 'no-cni-'));
    const ns = podNs(await read({ cniDir: empty }));
    expect(ns?.label).toBe('shop/cart-cri-1 · pod');
    expect(ns?.owner?.containers?.map((c) => [c.name, c.state])).toEqual([
      [sandboxId.slice(0, 12), 'sandbox'],
      ['web', 'running'],
    ]);
  });

  it("a CRI socket it cannot reach: today's data, and the banner names the runtime and why", async () => {
    const gone = path.join(ctd.dir, 'gone', 'containerd.sock');
    const snap = await read({ cri: { path: gone, explicit: true } });
    expect(snap.hidden).toContain(`containerd CRI (${gone}): no such socket — pods' containers are named by id only`);
    const ns = podNs(snap);
    expect(ns?.label).toBe('shop/cart-cri-1 · pod'); // libcni's cache still names it
    expect(ns?.owner?.containers?.find((c) => c.id === webId)).toEqual({ id: webId, name: webId.slice(0, 12) });
  });

  it('live: a pod kubelet runs while the watcher runs is named with its container once it starts', async () => {
    const w = new HostWatcher({
      run,
      lingerMs: 0,
      owners: { docker: null, cri: { path: ctd.socket, explicit: true } },
      log: () => undefined,
    });
    const ac = new AbortController();
    const drain = (async () => {
      for await (const item of w.subscribe(null, ac.signal)) void item;
    })();
    const live: PodSpec = { namespace: 'shop', name: 'live-cri-1', uid: randomUUID() };
    ctd.pods.push({ uid: live.uid, sandboxId: null });
    const entry = ctd.pods[ctd.pods.length - 1];
    try {
      await expect.poll(() => w.current(), { timeout: 60_000 }).not.toBeNull();
      const owner = () => {
        const item = w.current();
        return item?.event.type === 'snapshot'
          ? item.event.snapshot.namespaces.find((n) => n.owner?.id === live.uid)?.owner
          : undefined;
      };
      entry.sandboxId = await ctd.kubelet.runPod(live);
      const id = await ctd.kubelet.runContainer(live, entry.sandboxId, 'app', ctd.imageId, ['sleep', '3600']);
      await expect
        .poll(() => owner()?.containers?.find((c) => c.id === id), { timeout: 30_000 })
        .toEqual({ id, name: 'app', image: IMAGE, state: 'running' });
      expect(owner()?.name).toBe('live-cri-1');
    } finally {
      ac.abort();
      await drain.catch(() => undefined);
      w.stop();
      if (entry.sandboxId) await ctd.kubelet.removePod(entry.sandboxId);
      entry.sandboxId = null;
    }
  }, 120_000);

  it('a pod kubelet removes goes, with its namespace', async () => {
    const before = podNs(await read());
    expect(before).toBeDefined();
    await ctd.kubelet.removePod(sandboxId);
    ctd.pods[0].sandboxId = null;
    const snap = await read();
    expect(podNs(snap)).toBeUndefined();
    expect(snap.namespaces.some((n) => n.id === before?.id)).toBe(false);
  });
});
