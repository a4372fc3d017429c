// Podman tier: a real rootful podman 4.3.1 with netavark (test/kernel/podman-sandbox.ts: in a namespace
// of ours, its storage, run root and network files in a temp dir, an image imported from busybox) makes a
// bridge network and runs a named container on it. readHost, pointed at those files, names the
// container's namespace (found through /run/netns/netns-<uuid> and the container's libpod-<id> cgroup)
// with its image and the address netavark gave it, and ties the bridge netavark made, its port and the
// container's veth to the network; once the container is removed its owner and namespace are gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { podmanTier } from '../tiers';
import { IMAGE, makePodmanSandbox, type PodmanSandbox } from './podman-sandbox';
import { readHost } from '../../server/host/read';
import { HostWatcher } from '../../server/host/watch';
import { applyDiff } from '../../shared/host/diff';
import { run } from '../../server/ip/run';
import type { HostSnapshot } from '../../shared/host/types';

const TAG = `lsP${process.pid % 100000}`;
const NET = `${TAG}-net`;
const NAME = `${TAG}-web`;
const LIVE = `${TAG}-live`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!podmanTier.ok) console.warn(`!! SKIPPED podman tier (owners-podman): ${podmanTier.why}`);

describe.skipIf(!podmanTier.ok)('podman tier: a netavark bridge network and a container on it', () => {
  let sb: PodmanSandbox;
  let snap: HostSnapshot;
  let id = '';
  let subnet = '';
  let gateway = '';
  let ip = '';
  let netId = '';
  const read = async () => {
    await sb.numberNamespaces();
    return readHost(run, { owners: { docker: null, ...sb.owners } });
  };
  const nsOf = (s: HostSnapshot, name: string) =>
    s.namespaces.find((n) => n.owner?.runtime === 'podman' && n.owner.name === name);

  beforeAll(async () => {
    sb = await makePodmanSandbox(TAG);
    ({ subnet, gateway } = await sb.network(NET));
    netId = await sb.podman('network', 'inspect', '-f', '{{.ID}}', NET);
    id = await sb.podman('run', '-d', '--name', NAME, '--network', NET, IMAGE, 'sleep', '1d');
    ip = await sb.podman('inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, NAME);
    snap = await read();
  }, 120_000);

  afterAll(async () => {
    await sb?.cleanup();
  }, 60_000);

  it("names the container's namespace: runtime podman, its name, image and the address on its network", async () => {
    const ns = nsOf(snap, NAME);
    expect(ns?.label).toBe(`${NAME} · podman`);
    expect(ns?.owner).toEqual({
      runtime: 'podman',
      kind: 'container',
      id,
      name: NAME,
      image: IMAGE,
      networks: [{ name: NET, id: netId, driver: 'bridge', ips: [`${ip}/24`] }],
    });
    // it is the namespace the container's process is in, bound where podman binds it
    const pid = await sb.podman('inspect', '-f', '{{.State.Pid}}', NAME);
    expect(ns?.id).toBe((await execa('stat', ['-L', '-c', '%i', `/proc/${pid}/ns/net`])).stdout.trim());
    const key = await sb.podman('inspect', '-f', '{{.NetworkSettings.SandboxKey}}', NAME);
    expect(key).toMatch(/^\/run\/netns\/netns-/);
    expect(ns?.id).toBe((await execa('stat', ['-L', '-c', '%i', key])).stdout.trim());
  });

  it("ties netavark's bridge (in podman's namespace, never the machine's), its port and the veth to the network", () => {
    const want = { runtime: 'podman', name: NET, id: netId, driver: 'bridge', subnets: [subnet], gateway: [gateway] };
    const bridge = snap.links.find((l) => l.kind === 'bridge' && l.addresses.some((a) => a.cidr === `${gateway}/24`));
    expect(bridge?.nsId).toBe(sb.hostNs);
    expect(bridge?.name).toMatch(/^podman\d+$/);
    expect(bridge?.network).toEqual(want);
    const ns = nsOf(snap, NAME);
    const eth0 = snap.links.find((l) => l.nsId === ns?.id && l.name === 'eth0');
    expect(eth0?.addresses.map((a) => a.cidr)).toContain(`${ip}/24`);
    expect(eth0?.network).toEqual(want);
    // the bridge's one port is the host end of the container's veth
    const ports = snap.links.filter((l) => l.nsId === sb.hostNs && l.masterId === bridge?.id);
    expect(ports.map((l) => l.kind)).toEqual(['veth']);
    expect(eth0?.peerId).toBe(ports[0].id);
    expect(ports[0].network).toEqual(want);
    // nothing of podman's in the machine's own namespace
    const root = snap.namespaces.find((n) => n.root);
    expect(snap.links.filter((l) => l.nsId === root?.id && l.network?.runtime === 'podman')).toEqual([]);
  });

  it("sees a container start and go with its name, without the /proc re-scan (/run/netns and podman's files)", async () => {
    const w = new HostWatcher({
      run,
      owners: { docker: null, ...sb.owners },
      rescanMs: 600_000,
      fullRescanEvery: 1000,
      lingerMs: 0,
      log: () => {},
    });
    const ac = new AbortController();
    let state: HostSnapshot | null = null;
    let failed: Error | null = null;
    const loop = (async () => {
      try {
        for await (const item of w.subscribe(null, ac.signal)) {
          if (item.event.type === 'snapshot') state = item.event.snapshot;
          else if (item.event.type === 'diff' && state) state = applyDiff(state, item.event.diff);
        }
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
      }
    })();
    const waitFor = async (what: string, pred: (s: HostSnapshot) => boolean) => {
      for (let i = 0; i < 3000; i++) {
        if (failed) throw failed;
        if (state && pred(state)) return state;
        await sleep(10);
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    try {
      await waitFor('the first snapshot', (s) => !!nsOf(s, NAME));
      await sb.podman('run', '-d', '--name', LIVE, '--network', NET, IMAGE, 'sleep', '1d');
      const liveIp = await sb.podman('inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, LIVE);
      const s = await waitFor(
        `${LIVE} to appear with its address`,
        (x) => !!nsOf(x, LIVE)?.owner?.networks?.some((n) => n.ips.includes(`${liveIp}/24`)),
      );
      const live = nsOf(s, LIVE);
      expect(live?.label).toBe(`${LIVE} · podman`);
      await waitFor(`${LIVE}'s eth0 tied to ${NET}`, (x) =>
        x.links.some((l) => l.nsId === live?.id && l.name === 'eth0' && l.network?.name === NET),
      );
      await sb.podman('rm', '-f', '-t', '0', LIVE);
      await waitFor(`${LIVE} to go`, (x) => !nsOf(x, LIVE) && !x.namespaces.some((n) => n.id === live?.id));
    } finally {
      ac.abort();
      w.stop();
      await loop;
    }
  });

  it("names a pod's namespace by the pod, with its infra and app containers and its address", async () => {
    const pod = `${TAG}-pod`;
    const app = `${TAG}-app`;
    const podId = await sb.podman(
      'pod',
      'create',
      '--name',
      pod,
      '--network',
      NET,
      '--infra-image',
      IMAGE,
      '--infra-command',
      '/bin/pause',
    );
    try {
      const appId = await sb.podman('run', '-d', '--pod', pod, '--name', app, IMAGE, 'sleep', '1d');
      const infraId = await sb.podman('pod', 'inspect', '-f', '{{.InfraContainerID}}', pod);
      const infra = await sb.podman('inspect', '-f', '{{.Name}}', infraId);
      const podIp = await sb.podman(
        'inspect',
        '-f',
        `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`,
        infraId,
      );
      const s = await read();
      const ns = s.namespaces.find((n) => n.owner?.runtime === 'podman' && n.owner.id === podId);
      expect(ns?.label).toBe(`${pod} · pod`);
      expect(ns?.owner).toEqual({
        runtime: 'podman',
        kind: 'pod',
        id: podId,
        name: pod,
        containers: expect.arrayContaining([
          { id: infraId, name: infra, image: IMAGE, state: 'infra' },
          { id: appId, name: app, image: IMAGE },
        ]),
        networks: [{ name: NET, id: netId, driver: 'bridge', ips: [`${podIp}/24`] }],
      });
      expect(ns?.owner?.containers).toHaveLength(2);
    } finally {
      await sb.podman('pod', 'rm', '-f', '-t', '0', pod);
    }
  });

  it('a removed container takes its owner and its namespace with it', async () => {
    const nsId = nsOf(snap, NAME)?.id;
    await sb.podman('rm', '-f', '-t', '0', NAME);
    const after = await read();
    expect(nsOf(after, NAME)).toBeUndefined();
    expect(after.namespaces.some((n) => n.id === nsId)).toBe(false);
  });
});
