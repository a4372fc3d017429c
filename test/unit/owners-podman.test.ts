// Unit: Podman's files as podman 4.3.1 and netavark 1.4.0 wrote them on this machine
// (test/fixtures/podman-4.3.1, recorded from the confined podman of test/kernel/podman-sandbox.ts):
// netavark's network file, the storage's containers.json, a running container's hosts file; then
// readOwners over a fake host laid out as podman lays it out, and tagLinkNetworks tying podman1 to its network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCgroup } from '../../server/host/owners/cgroup';
import {
  attachments,
  DEFAULT_PODMAN_NETWORK,
  parseContainersJson,
  parseHosts,
  parseNetavarkNetwork,
  prefixIfIn,
  readPodmanNetworks,
  type PodmanNetwork,
} from '../../server/host/owners/podman';
import { NO_OWNERS, readOwners, tagLinkNetworks } from '../../server/host/owners';
import type { Link, Namespace } from '../../shared/host/types';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/podman-4.3.1');
const fixture = (name: string) => readFileSync(path.join(FIX, name), 'utf8');
const C1 = 'c0184359871bf5d558de876e646fa93a1f2624956f46a9bd8c2c5364e72f944d';
const C2 = 'af63d44e51553b1c4045e5a745f5ad24350cf92620e047f60b295ee7ea78f13e';
const POD = '7ad6d72bed4721a97c9ec0b85f65e37a13e39c28c5f52b966bd0cbd25776cb59';
const INFRA = '702400584b43faec9dd58981d9431c3982b7fcd4561f6e8b32a09e18d21d2233';
const APP = 'e0dcf23ac53808968ab6daf18681206f991160c7dda5efde9758e057a32ac4c1';
const NET: PodmanNetwork = {
  id: '70a0a96f2b20e96b661cfedb440c535aea70dfb5fc3951378bca426dcdeb0702',
  name: 'lsP17035-net',
  driver: 'bridge',
  bridge: 'podman1',
  subnets: ['10.217.33.0/24'],
  gateways: ['10.217.33.1'],
};

describe('podman parsers (recorded files)', () => {
  it("reads netavark's network file", () => {
    expect(parseNetavarkNetwork(fixture('lsP17035-net.json'))).toEqual(NET);
  });
  it('refuses what is not a network file', () => {
    expect(parseNetavarkNetwork('{')).toBeNull();
    expect(parseNetavarkNetwork('{"name":"x"}')).toBeNull();
    expect(parseNetavarkNetwork('[]')).toBeNull();
  });
  it('a macvlan network has no bridge', () => {
    expect(
      parseNetavarkNetwork(
        JSON.stringify({ name: 'mac', id: 'm', driver: 'macvlan', network_interface: 'eth0', subnets: [] }),
      ),
    ).toMatchObject({ driver: 'macvlan', bridge: null });
  });
  it("reads containers.json: the container's name and the image it was made from", () => {
    expect(parseContainersJson(fixture('containers.json'))).toEqual(
      new Map([
        [C1, { name: 'lsP17035-c1', image: 'localhost/busybox:lsP' }],
        [C2, { name: 'lsP17035-c2', image: 'localhost/busybox:lsP' }],
      ]),
    );
    expect(parseContainersJson('not json').size).toBe(0);
    expect(parseContainersJson('[{"names":["x"]},{"id":"ab","metadata":"{"}]')).toEqual(
      new Map([['ab', { name: 'ab' }]]),
    );
  });
  it("takes the container's own addresses from its hosts file (a line per network), not the gateway's", () => {
    expect(parseHosts(fixture('hosts-c1'), C1, 'lsP17035-c1')).toEqual({
      ips: ['10.217.33.6', '10.88.0.3'],
      hostname: null,
    });
    expect(parseHosts(fixture('hosts-c2'), C2, 'lsP17035-c2')).toEqual({ ips: ['10.88.0.2'], hostname: null });
    expect(parseHosts('127.0.0.1 localhost\n', C1, 'x')).toEqual({ ips: [], hostname: null });
    // a pod's infra container: its line carries the pod's name; the app's line is loopback
    expect(parseHosts(fixture('pod-hosts-infra'), INFRA, '7ad6d72bed47-infra')).toEqual({
      ips: ['10.237.185.4'],
      hostname: 'lsP17035y-pod',
    });
    expect(parseHosts(fixture('pod-hosts-infra'), APP, 'lsP17035y-app')).toEqual({ ips: [], hostname: null });
  });
  it('the cgroupfs manager leaves libpod-<id> without .scope', () => {
    expect(parseCgroup(fixture('cgroup-c1'))).toEqual({ podman: { id: C1 } });
    expect(parseCgroup(fixture('pod-cgroup-app'))).toEqual({ podman: { id: APP, pod: POD } });
    // the systemd manager's layout of the same
    expect(parseCgroup(`0::/machine.slice/machine-libpod_pod_${POD}.slice/libpod-${APP}.scope/container\n`)).toEqual({
      podman: { id: APP, pod: POD },
    });
  });
  it('ties each address to the network whose subnet holds it, with its prefix', () => {
    expect(prefixIfIn('10.217.33.6', '10.217.33.0/24')).toBe(24);
    expect(prefixIfIn('10.217.34.6', '10.217.33.0/24')).toBeNull();
    expect(prefixIfIn('fd00::5', 'fd00::/64')).toBe(64);
    expect(prefixIfIn('10.0.0.1', 'fd00::/64')).toBeNull();
    expect(prefixIfIn('10.0.0.1', '10.0.0.0/33')).toBeNull();
    expect(prefixIfIn('nope', '10.0.0.0/8')).toBeNull();
    const nets = [DEFAULT_PODMAN_NETWORK, NET];
    expect(attachments(['10.217.33.6', '10.88.0.3', '192.0.2.1'], nets)).toEqual([
      { network: NET, ips: ['10.217.33.6/24'] },
      { network: DEFAULT_PODMAN_NETWORK, ips: ['10.88.0.3/16'] },
    ]);
  });
});

describe('readOwners and tagLinkNetworks over a fake Podman host', () => {
  let dir = '';
  const ns = (id: string, pids: number[], over: Partial<Namespace> = {}): Namespace => ({
    id,
    name: null,
    root: false,
    source: 'process',
    pids,
    comms: pids.map(() => 'sleep'),
    label: '',
    path: null,
    error: null,
    owner: null,
    ...over,
  });
  const opts = () => ({
    docker: null,
    proc: path.join(dir, 'proc'),
    cgroupRoot: path.join(dir, 'cg'),
    cniDir: path.join(dir, 'cni'),
    kubeletLogs: path.join(dir, 'logs'),
    podmanContainers: path.join(dir, 'root/overlay-containers/containers.json'),
    podmanRunRoot: path.join(dir, 'run'),
    podmanNetworks: path.join(dir, 'networks'),
  });

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsP-podman-'));
    mkdirSync(path.join(dir, 'proc/77/ns'), { recursive: true });
    symlinkSync('net:[900]', path.join(dir, 'proc/77/ns/net'));
    writeFileSync(path.join(dir, 'proc/77/cgroup'), fixture('cgroup-c1'));
    mkdirSync(path.join(dir, 'root/overlay-containers'), { recursive: true });
    writeFileSync(path.join(dir, 'root/overlay-containers/containers.json'), fixture('containers.json'));
    mkdirSync(path.join(dir, 'run/overlay-containers', C1, 'userdata'), { recursive: true });
    writeFileSync(path.join(dir, 'run/overlay-containers', C1, 'userdata/hosts'), fixture('hosts-c1'));
    mkdirSync(path.join(dir, 'networks'));
    writeFileSync(path.join(dir, 'networks/lsP17035-net.json'), fixture('lsP17035-net.json'));
    writeFileSync(path.join(dir, 'networks/broken.json'), '{');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the network files and the built-in default network', async () => {
    expect(await readPodmanNetworks(path.join(dir, 'networks'))).toEqual([DEFAULT_PODMAN_NETWORK, NET]);
    expect(await readPodmanNetworks(path.join(dir, 'none'))).toEqual([DEFAULT_PODMAN_NETWORK]);
  });

  it("names the container's namespace, with its image and its networks' addresses", async () => {
    const f = await readOwners(
      [ns('900', [77], { source: 'named', name: 'netns-b8f68dfb-7911-f112-c571-706df9381c11' })],
      opts(),
    );
    expect(f.owners.get('900')).toEqual({
      runtime: 'podman',
      kind: 'container',
      id: C1,
      name: 'lsP17035-c1',
      image: 'localhost/busybox:lsP',
      networks: [
        { name: 'lsP17035-net', id: NET.id, driver: 'bridge', ips: ['10.217.33.6/24'] },
        { name: 'podman', id: DEFAULT_PODMAN_NETWORK.id, driver: 'bridge', ips: ['10.88.0.3/16'] },
      ],
    });
  });

  it("names a pod's namespace by the pod: its id from the cgroups, its name from the infra's hosts line", async () => {
    const pd = path.join(dir, 'pod');
    for (const [pid, f] of [
      [81, 'pod-cgroup-infra'],
      [82, 'pod-cgroup-app'],
    ] as const) {
      mkdirSync(path.join(pd, 'proc', String(pid), 'ns'), { recursive: true });
      symlinkSync('net:[950]', path.join(pd, 'proc', String(pid), 'ns/net'));
      writeFileSync(path.join(pd, 'proc', String(pid), 'cgroup'), fixture(f));
    }
    mkdirSync(path.join(pd, 'root/overlay-containers'), { recursive: true });
    writeFileSync(path.join(pd, 'root/overlay-containers/containers.json'), fixture('pod-containers.json'));
    mkdirSync(path.join(pd, 'run/overlay-containers', INFRA, 'userdata'), { recursive: true });
    writeFileSync(path.join(pd, 'run/overlay-containers', INFRA, 'userdata/hosts'), fixture('pod-hosts-infra'));
    const podNet = { ...NET, name: 'lsP17035y-net', subnets: ['10.237.185.0/24'], gateways: ['10.237.185.1'] };
    mkdirSync(path.join(pd, 'networks'));
    writeFileSync(
      path.join(pd, 'networks/lsP17035y-net.json'),
      JSON.stringify({
        name: podNet.name,
        id: podNet.id,
        driver: 'bridge',
        network_interface: 'podman1',
        subnets: [{ subnet: '10.237.185.0/24', gateway: '10.237.185.1' }],
      }),
    );
    const f = await readOwners([ns('950', [81, 82])], {
      ...opts(),
      proc: path.join(pd, 'proc'),
      podmanContainers: path.join(pd, 'root/overlay-containers/containers.json'),
      podmanRunRoot: path.join(pd, 'run'),
      podmanNetworks: path.join(pd, 'networks'),
    });
    expect(f.owners.get('950')).toEqual({
      runtime: 'podman',
      kind: 'pod',
      id: POD,
      name: 'lsP17035y-pod',
      containers: [
        { id: INFRA, name: '7ad6d72bed47-infra', image: 'localhost/busybox:lsP', state: 'infra' },
        { id: APP, name: 'lsP17035y-app', image: 'localhost/busybox:lsP' },
      ],
      networks: [{ name: 'lsP17035y-net', id: NET.id, driver: 'bridge', ips: ['10.237.185.4/24'] }],
    });
  });

  it('reads no Podman file when no namespace looks like a container of it', async () => {
    const f = await readOwners([ns('901', [])], opts());
    expect(f.podman).toBeNull();
  });

  const link = (id: string, name: string, over: Partial<Link> = {}): Link => ({
    id,
    nsId: id.split('/')[0],
    ifindex: Number(id.split('/')[1]),
    name,
    kind: 'bridge',
    mode: null,
    up: true,
    operstate: 'UP',
    flags: [],
    mtu: 1500,
    minMtu: null,
    maxMtu: null,
    mac: null,
    linkType: 'ether',
    parentId: null,
    parentUnresolved: false,
    peerId: null,
    masterId: null,
    slaveKind: null,
    addresses: [],
    sriov: null,
    vf: null,
    promiscuity: 0,
    parentBus: null,
    parentDev: null,
    altnames: [],
    info: null,
    slaveInfo: null,
    network: null,
    ...over,
  });
  const addr = (cidr: string) => ({ family: 'inet' as const, cidr, scope: 'global', flags: [] });

  it("ties the container's veth, its peer and the bridge the peer is a port of to the network", () => {
    const links = [
      link('5/3', 'podman1', { addresses: [addr('10.217.33.1/24')] }),
      link('7/3', 'podman1', { addresses: [addr('10.217.33.1/24')] }), // another host's namesake: not ours
      link('5/4', 'veth0', { kind: 'veth', masterId: '5/3', peerId: '900/2' }),
      link('900/2', 'eth0', { kind: 'veth', peerId: '5/4', addresses: [addr('10.217.33.6/24')] }),
    ];
    tagLinkNetworks(links, {
      ...NO_OWNERS,
      podman: {
        networks: [DEFAULT_PODMAN_NETWORK, NET],
        namespaces: [
          { nsId: '900', ids: [C1], pod: null, hostname: null, attached: [{ network: NET, ips: ['10.217.33.6/24'] }] },
        ],
      },
    });
    const want = {
      runtime: 'podman',
      name: 'lsP17035-net',
      id: NET.id,
      driver: 'bridge',
      subnets: ['10.217.33.0/24'],
      gateway: ['10.217.33.1'],
    };
    expect(links.map((l) => l.network)).toEqual([want, null, want, want]);
  });

  it('without a container to follow, only a bridge holding the gateway is tagged, and only when it is the one', () => {
    const one = [link('5/3', 'podman0', { addresses: [addr('10.88.0.1/16')] }), link('6/3', 'podman0')];
    tagLinkNetworks(one, { ...NO_OWNERS, podman: { networks: [DEFAULT_PODMAN_NETWORK], namespaces: [] } });
    expect(one.map((l) => l.network?.name ?? null)).toEqual(['podman', null]);
    const two = [
      link('5/3', 'podman0', { addresses: [addr('10.88.0.1/16')] }),
      link('6/3', 'podman0', { addresses: [addr('10.88.0.1/16')] }),
    ];
    tagLinkNetworks(two, { ...NO_OWNERS, podman: { networks: [DEFAULT_PODMAN_NETWORK], namespaces: [] } });
    expect(two.map((l) => l.network)).toEqual([null, null]);
  });
});

describe('serve flags for a Podman in non-default places', () => {
  it('pass absolute directories through, and refuse others naming the flag', async () => {
    const { parseServeArgs } = await import('../../scripts/options.mjs');
    expect(
      parseServeArgs(
        ['--podman-root', '/tmp/p/root/', '--podman-runroot=/tmp/p/run', '--podman-network-dir', '/tmp/p/net'],
        {},
      ).podman,
    ).toEqual({ root: '/tmp/p/root/', runRoot: '/tmp/p/run', networkDir: '/tmp/p/net' });
    expect(parseServeArgs([], {}).podman).toEqual({});
    expect(() => parseServeArgs(['--podman-root', 'rel/dir'], {})).toThrow(
      '--podman-root must be an absolute path, not "rel/dir"',
    );
    expect(() => parseServeArgs(['--podman-network-dir'], {})).toThrow('--podman-network-dir needs a value');
  });
});
