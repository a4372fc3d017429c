// CNI tier: a Kubernetes pod as kubelet and containerd leave it (test/kernel/cnipod.ts says which part
// plays what: a namespace of ours plays the node, `unshare -n sleep` in kubepods cgroup dirs the pause
// process, the test itself containerd — it runs Debian's real bridge + host-local plugins and writes
// libcni's cache file). readHost names the namespace by its pod and ties cni0 to the network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { cniTier } from '../tiers';
import { makePod, type Pod } from './cnipod';
import { readHost } from '../../server/host/read';
import { HostWatcher } from '../../server/host/watch';
import { run } from '../../server/ip/run';
import { planEdits } from '../../server/edits/plan';
import { Edit } from '../../shared/edits/schema';
import type { HostSnapshot } from '../../shared/host/types';

if (!cniTier.ok) console.warn(`!! SKIPPED cni tier (owners-pod): ${cniTier.why}`);

describe.skipIf(!cniTier.ok)('cni tier: a pod made by the real bridge plugin is named by its pod', () => {
  let pod: Pod;
  let snap: HostSnapshot;

  beforeAll(async () => {
    pod = await makePod(`lsO${process.pid % 100000}`, {
      namespace: 'shop',
      name: 'cart-7d9f8-x2x',
      subnet: '10.244.211.0/24',
      app: 'web',
    });
    snap = await readHost(run, { owners: { docker: null } });
  }, 60_000);

  afterAll(async () => {
    await pod?.cleanup();
  });

  it('labels the namespace with the pod, from its cgroup and the CNI cache', () => {
    const ns = snap.namespaces.find((n) => n.id === pod.podNs);
    expect(ns?.label).toBe('shop/cart-7d9f8-x2x · pod');
    expect(ns?.owner).toMatchObject({
      runtime: 'kubernetes',
      kind: 'pod',
      id: pod.uid,
      name: 'cart-7d9f8-x2x',
      namespace: 'shop',
      state: 'besteffort',
    });
    // the sandbox by its id (libcni's cache names it), the app container by the name kubelet's log link gives
    expect(ns?.owner?.containers).toEqual([
      { id: pod.containerId, name: pod.containerId.slice(0, 12), state: 'sandbox' },
      { id: pod.appId, name: 'web' },
    ]);
  });

  it('gives the pod the network and the address the plugin gave it', async () => {
    const ns = snap.namespaces.find((n) => n.id === pod.podNs);
    const ip = JSON.parse(
      (await execa('ip', ['-n', pod.netns, '-j', 'addr', 'show', 'eth0'])).stdout,
    )[0].addr_info.find((a: { family: string }) => a.family === 'inet');
    expect(ns?.owner?.networks).toEqual([{ name: 'cbr0', driver: 'bridge', ips: [`${ip.local}/${ip.prefixlen}`] }]);
    expect(snap.links.find((l) => l.nsId === pod.podNs && l.name === 'eth0')?.network).toMatchObject({
      runtime: 'kubernetes',
      name: 'cbr0',
    });
  });

  it("ties the node's cni0 and the pod's host-side veth to the network cbr0", () => {
    const cni0 = snap.links.find((l) => l.nsId === pod.nodeNs && l.name === 'cni0');
    expect(cni0?.network).toEqual({
      runtime: 'kubernetes',
      name: 'cbr0',
      driver: 'bridge',
      subnets: ['10.244.211.0/24'],
      gateway: ['10.244.211.1'],
    });
    const podEth0 = snap.links.find((l) => l.nsId === pod.podNs && l.name === 'eth0');
    const hostEnd = snap.links.find((l) => l.id === podEth0?.peerId);
    expect(hostEnd?.masterId).toBe(cni0?.id);
    expect(hostEnd?.network?.name).toBe('cbr0');
  });

  it("refuses to delete the pod's namespace with ip netns del: kubectl removes a pod", () => {
    const ns = snap.namespaces.find((n) => n.id === pod.podNs);
    expect(ns?.source).toBe('named');
    expect(() => planEdits([Edit.parse({ op: 'netns.del', ns: pod.netns })], snap, { selfPid: process.pid })).toThrow(
      `edits.0.ns: ${pod.netns} is the namespace of pod shop/cart-7d9f8-x2x: remove it with its runtime (kubectl delete pod -n shop cart-7d9f8-x2x), not ip netns del`,
    );
  });

  it('the cleanup leaves no cgroup directory, cache file or namespace behind', async () => {
    const p = await makePod(`lsO${process.pid % 100000}x`, {
      namespace: 'shop',
      name: 'tmp-1',
      subnet: '10.244.212.0/24',
      app: 'tmp',
    });
    await p.cleanup();
    const s = await readHost(run, { owners: { docker: null } });
    expect(s.namespaces.some((n) => n.id === p.podNs || n.id === p.nodeNs)).toBe(false);
    await expect(execa('ls', ['/var/lib/cni/results'])).resolves.toMatchObject({
      stdout: expect.not.stringContaining(p.containerId),
    });
    await expect(execa('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-name', `pod${p.uid}`])).resolves.toMatchObject({
      stdout: '',
    });
    expect(existsSync(`/var/log/containers/tmp-1_shop_tmp-${p.appId}.log`)).toBe(false);
  });

  it('live: a pod made while the watcher runs is named once its runtime writes the CNI cache (after the namespace)', async () => {
    // no /proc re-scan at all (rescanMs: an hour): only inotify can tell the watcher. /run/netns announces the
    // namespace before the runtime's ADD has written libcni's cache; the cache directory's own watch names the pod
    const w = new HostWatcher({
      run,
      lingerMs: 0,
      rescanMs: 3_600_000,
      owners: { docker: null },
      log: () => undefined,
    });
    const ac = new AbortController();
    const drain = (async () => {
      for await (const item of w.subscribe(null, ac.signal)) void item;
    })();
    let p: Pod | null = null;
    try {
      await expect.poll(() => w.current(), { timeout: 60_000 }).not.toBeNull();
      const labelIn = (id: string) => {
        const item = w.current();
        return item?.event.type === 'snapshot'
          ? item.event.snapshot.namespaces.find((n) => n.id === id)?.label
          : undefined;
      };
      // the runtime is held after its ADD until the watcher shows the namespace as a pod it cannot name yet:
      // only the cache written after that can name it
      p = await makePod(`lsO${process.pid % 100000}l`, {
        namespace: 'shop',
        name: 'live-1',
        subnet: '10.244.214.0/24',
        beforeCache: async (id) => {
          // its cgroup already says "a pod" (kubepods…pod<UID>); only the cache says which
          await expect.poll(() => labelIn(id), { timeout: 30_000 }).toMatch(/^default\/pod [0-9a-f]{8} · pod$/);
        },
      });
      const podNs = p.podNs;
      const label = () => labelIn(podNs);
      await expect.poll(label, { timeout: 30_000 }).toBe('shop/live-1 · pod');
    } finally {
      ac.abort();
      await drain.catch(() => undefined);
      w.stop();
      await p?.cleanup();
    }
  }, 120_000);
});
