// Unit: the owners' parsers over real-shaped inputs — /proc/PID/cgroup as kubelet (cgroupfs and
// systemd drivers, cgroup v1 and v2), Podman and systemd leave them; libcni's cache files; the Docker
// API's answers — and the labels built from them.
import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../server/host/owners/cgroup';
import { networkOf, parseCniCache } from '../../server/host/owners/cni';
import { dockerSocket, parseContainer, parseNetwork } from '../../server/host/owners/docker';
import { ownerLabel } from '../../server/host/owners/label';
import { tagLinkNetworks, NO_OWNERS } from '../../server/host/owners';
import type { Link } from '../../shared/host/types';

const UID = '0f6f1b8e-5d3c-4c9a-9a54-6b1d2e3f4a5b';
const CID = 'a3f9c1b27e5d4c6f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f';

describe('parseCgroup', () => {
  const cases: [string, string, ReturnType<typeof parseCgroup>][] = [
    [
      'cgroup v1, cgroupfs driver (kubelet --cgroup-driver=cgroupfs)',
      `12:pids:/kubepods/besteffort/pod${UID}/${CID}\n11:memory:/kubepods/besteffort/pod${UID}/${CID}\n1:name=systemd:/kubepods/besteffort/pod${UID}/${CID}\n0::/\n`,
      { pod: { uid: UID, qos: 'besteffort', containerId: CID } },
    ],
    [
      'cgroup v2, systemd driver, containerd',
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${CID}.scope\n`,
      { pod: { uid: UID, qos: 'burstable', containerId: CID } },
    ],
    [
      'cgroup v2, systemd driver, CRI-O, guaranteed QoS',
      `0::/kubepods.slice/kubepods-pod${UID.replace(/-/g, '_')}.slice/crio-${CID}.scope\n`,
      { pod: { uid: UID, qos: 'guaranteed', containerId: CID } },
    ],
    [
      'cgroup v2, cgroupfs, the pod cgroup itself (no container)',
      `0::/kubepods/burstable/pod${UID}\n`,
      { pod: { uid: UID, qos: 'burstable', containerId: null } },
    ],
    [
      'kind: kubelet nested under kubelet.slice',
      `0::/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${CID}.scope\n`,
      { pod: { uid: UID, qos: 'besteffort', containerId: CID } },
    ],
    ['podman, rootful, cgroup v2', `0::/machine.slice/libpod-${CID}.scope/container\n`, { podman: { id: CID } }],
    [
      'a systemd service with PrivateNetwork= (v2)',
      '0::/system.slice/systemd-timesyncd.service\n',
      { service: { unit: 'systemd-timesyncd.service', path: '/system.slice/systemd-timesyncd.service', v2: true } },
    ],
    [
      'a service on cgroup v1 (name=systemd hierarchy), other controllers flat',
      '4:memory:/\n1:name=systemd:/system.slice/nginx.service\n0::/system.slice/nginx.service\n',
      { service: { unit: 'nginx.service', path: '/system.slice/nginx.service', v2: true } },
    ],
    [
      'a v1 service without the unified line',
      '4:memory:/\n1:name=systemd:/system.slice/cron.service\n',
      { service: { unit: 'cron.service', path: '/system.slice/cron.service', v2: false } },
    ],
    ['a login session: nothing', '0::/user.slice/user-1000.slice/session-3.scope\n', {}],
    ['the root cgroup: nothing', '9:name=systemd:/\n8:pids:/\n0::/\n', {}],
    ['garbage', 'not a cgroup file', {}],
  ];
  it.each(cases)('%s', (_what, text, want) => {
    expect(parseCgroup(text)).toEqual(want);
  });
});

/** what containerd's libcni writes after ADD (bridge + host-local, CNI 0.4.0) */
const cache = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: 'cniCacheV1',
    containerId: CID,
    config: Buffer.from(
      JSON.stringify({
        cniVersion: '0.4.0',
        name: 'cbr0',
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]] },
      }),
    ).toString('base64'),
    ifName: 'eth0',
    networkName: 'cbr0',
    netns: '/var/run/netns/cni-5c5e1f70-3a9d-4e1b-8c62-0c0a0a9d1e11',
    cniArgs: [
      ['IgnoreUnknown', '1'],
      ['K8S_POD_NAMESPACE', 'shop'],
      ['K8S_POD_NAME', 'cart-7d9f8-x2x'],
      ['K8S_POD_INFRA_CONTAINER_ID', CID],
      ['K8S_POD_UID', UID],
    ],
    capabilityArgs: { portMappings: [] },
    result: {
      cniVersion: '0.4.0',
      interfaces: [
        { name: 'cni0', mac: '6A:3B:1C:00:00:01' },
        { name: 'veth3c1a2b4d', mac: '2e:11:22:33:44:55' },
        { name: 'eth0', mac: '0a:58:0a:f4:01:05', sandbox: '/var/run/netns/cni-5c5e1f70-3a9d-4e1b-8c62-0c0a0a9d1e11' },
      ],
      ips: [{ version: '4', interface: 2, address: '10.244.1.5/24', gateway: '10.244.1.1' }],
      routes: [{ dst: '0.0.0.0/0' }],
      dns: {},
    },
    ...over,
  });

describe('parseCniCache', () => {
  it("reads a pod's attachment: identity, network, driver, subnets, interfaces, IPs", () => {
    expect(parseCniCache(cache())).toEqual({
      containerId: CID,
      ifName: 'eth0',
      networkName: 'cbr0',
      netns: '/var/run/netns/cni-5c5e1f70-3a9d-4e1b-8c62-0c0a0a9d1e11',
      driver: 'bridge',
      subnets: ['10.244.1.0/24'],
      pod: { namespace: 'shop', name: 'cart-7d9f8-x2x', uid: UID },
      interfaces: [
        { name: 'cni0', mac: '6A:3B:1C:00:00:01', sandbox: null },
        { name: 'veth3c1a2b4d', mac: '2e:11:22:33:44:55', sandbox: null },
        { name: 'eth0', mac: '0a:58:0a:f4:01:05', sandbox: '/var/run/netns/cni-5c5e1f70-3a9d-4e1b-8c62-0c0a0a9d1e11' },
      ],
      ips: [{ address: '10.244.1.5/24', gateway: '10.244.1.1', iface: 'eth0' }],
    });
  });
  it('takes subnets from the result when the cache has no config (CNI 1.0 result, no `version`)', () => {
    const a = parseCniCache(
      cache({
        config: undefined,
        result: {
          cniVersion: '1.0.0',
          interfaces: [{ name: 'eth0', sandbox: '/x' }],
          ips: [{ interface: 0, address: '10.88.0.7/16', gateway: '10.88.0.1' }],
        },
      }),
    );
    expect(a).toMatchObject({
      driver: null,
      subnets: ['10.88.0.0/16'],
      ips: [{ address: '10.88.0.7/16', iface: 'eth0' }],
    });
  });
  it('a plain CNI attachment (no K8S_POD_*) has no pod', () => {
    expect(parseCniCache(cache({ cniArgs: [['IgnoreUnknown', '1']] }))).toMatchObject({ pod: null });
  });
  it.each([
    ['not JSON', '{', /not JSON/],
    ['no containerId', JSON.stringify({ networkName: 'x' }), /no containerId/],
    ['no network name', JSON.stringify({ containerId: 'x' }), /networkName/],
  ])('refuses %s, saying why', (_w, text, why) => {
    const r = parseCniCache(text);
    expect('error' in r && r.error).toMatch(why);
  });
  it.each([
    ['10.244.9.5/24', '10.244.9.0/24'],
    ['192.168.214.10/20', '192.168.208.0/20'],
    ['1.2.3.4/0', '0.0.0.0/0'],
    ['fd00::5/64', 'fd00::5/64'],
    ['x', null],
  ])('networkOf(%s)', (a, b) => {
    expect(networkOf(a)).toBe(b);
  });
});

/** `GET /containers/ID/json` as Docker 20.10 answers it (trimmed) */
const inspect = {
  Id: CID,
  Name: '/legacy-app',
  State: { Status: 'running', Running: true, Pid: 4711 },
  Config: { Image: 'busybox:local' },
  HostConfig: { NetworkMode: 'macnet' },
  NetworkSettings: {
    SandboxKey: '/run/lsd1-docker/exec/netns/083c2de9e3ec',
    Networks: {
      macnet: {
        NetworkID: 'n1'.padEnd(64, '0'),
        IPAddress: '192.168.163.10',
        IPPrefixLen: 24,
        GlobalIPv6Address: '',
        MacAddress: '02:42:C0:A8:A3:0A',
      },
    },
  },
};

describe('the Docker API answers', () => {
  it('a container: name without the slash, image, pid, sandbox, endpoints with CIDRs', () => {
    expect(parseContainer(inspect)).toEqual({
      id: CID,
      name: 'legacy-app',
      image: 'busybox:local',
      state: 'running',
      pid: 4711,
      sandboxKey: '/run/lsd1-docker/exec/netns/083c2de9e3ec',
      networkMode: 'macnet',
      endpoints: [
        { network: 'macnet', networkId: 'n1'.padEnd(64, '0'), mac: '02:42:c0:a8:a3:0a', ips: ['192.168.163.10/24'] },
      ],
    });
    expect(parseContainer({})).toBeNull();
  });
  it('networks: the bridge name (option or br-<id12>), macvlan/ipvlan parent, subnets and gateways', () => {
    const id = 'f'.repeat(12) + 'e'.repeat(52);
    expect(
      parseNetwork({
        Id: id,
        Name: 'bridge',
        Driver: 'bridge',
        Options: { 'com.docker.network.bridge.name': 'docker0' },
        IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
      }),
    ).toMatchObject({ bridge: 'docker0', subnets: ['172.17.0.0/16'], gateways: ['172.17.0.1'], parent: null });
    expect(parseNetwork({ Id: id, Name: 'appnet', Driver: 'bridge', Options: {}, IPAM: { Config: [] } })).toMatchObject(
      { bridge: 'br-ffffffffffff' },
    );
    expect(
      parseNetwork({
        Id: id,
        Name: 'ipnet210',
        Driver: 'ipvlan',
        Options: { parent: 'eth0', ipvlan_mode: 'l3' },
        IPAM: {
          Config: [
            { Subnet: '192.168.214.0/24', Gateway: '192.168.214.1' },
            { Subnet: '10.1.214.0/24', Gateway: '10.1.214.1' },
          ],
        },
      }),
    ).toMatchObject({
      bridge: null,
      parent: 'eth0',
      // in address order whatever the daemon's order (it changes between reads), each gateway with its subnet
      subnets: ['10.1.214.0/24', '192.168.214.0/24'],
      gateways: ['10.1.214.1', '192.168.214.1'],
    });
  });
  it.each([
    [{}, { path: '/var/run/docker.sock', explicit: false }],
    [{ DOCKER_HOST: 'unix:///run/x/docker.sock' }, { path: '/run/x/docker.sock', explicit: true }],
    [
      { DOCKER_HOST: 'unix:///a', LINKSCAPE_DOCKER_SOCKET: '/b' },
      { path: '/b', explicit: true },
    ],
    [
      { DOCKER_HOST: 'tcp://10.0.0.1:2376' },
      {
        path: 'tcp://10.0.0.1:2376',
        explicit: true,
        unusable: 'DOCKER_HOST=tcp://10.0.0.1:2376 is not a unix socket (only unix:// is read)',
      },
    ],
  ])('the socket from %j', (env, want) => {
    expect(dockerSocket(env as NodeJS.ProcessEnv)).toEqual(want);
  });
});

describe('labels', () => {
  it.each([
    [{ runtime: 'docker', kind: 'container', id: CID, name: 'web-1' }, 'web-1 · docker'],
    [
      { runtime: 'kubernetes', kind: 'pod', id: UID, name: 'cart-7d9f8-x2x', namespace: 'shop' },
      'shop/cart-7d9f8-x2x · pod',
    ],
    [{ runtime: 'systemd', kind: 'service', id: 'a.service', name: 'a.service' }, 'a.service · systemd'],
    [{ runtime: 'process', kind: 'process', id: '7', name: 'sleep' }, null],
  ] as const)('%j → %s', (o, want) => {
    expect(ownerLabel(o)).toBe(want);
  });
});

describe('tagLinkNetworks', () => {
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
  const net = {
    id: 'n'.repeat(64),
    name: 'bridge',
    driver: 'bridge',
    subnets: ['172.17.0.0/16'],
    gateways: [],
    bridge: 'docker0',
    parent: null,
  };
  it('leaves two docker0 of two daemons alone when nothing tells which is this one', () => {
    const links = [link('1/3', 'docker0'), link('2/3', 'docker0')];
    tagLinkNetworks(links, { ...NO_OWNERS, docker: { containers: [], networks: [net] } });
    expect(links.map((l) => l.network)).toEqual([null, null]);
  });
  it("picks the daemon's docker0 by where its containers' veths end, and tags its ports", () => {
    const c = {
      id: 'c'.repeat(64),
      name: 'web-1',
      image: 'b',
      state: 'running',
      pid: 1,
      sandboxKey: null,
      networkMode: 'default',
      endpoints: [{ network: 'bridge', networkId: net.id, mac: '02:42:ac:11:00:02', ips: ['172.17.0.2/16'] }],
    };
    const links = [
      link('1/3', 'docker0'),
      link('2/3', 'docker0'),
      link('2/9', 'vethab', { kind: 'veth', masterId: '2/3', peerId: '5/2' }),
      link('5/2', 'eth0', { kind: 'veth', mac: '02:42:ac:11:00:02', peerId: '2/9' }),
    ];
    tagLinkNetworks(links, {
      ...NO_OWNERS,
      docker: { containers: [c], networks: [net] },
      dockerNs: new Map([[c.id, '5']]),
    });
    expect(links.map((l) => l.network?.name ?? null)).toEqual([null, 'bridge', 'bridge', 'bridge']);
  });
});
