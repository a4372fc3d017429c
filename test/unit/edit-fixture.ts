// A small crafted host for planner tests: the host namespace (eth0 with the default route, ifb0, lo,
// br0 bridge), a named namespace "blue" with a veth end, an unnamed one held by pid 4242, a Docker one.
import type { HostSnapshot, Link, Namespace, Route } from '../../shared/host/types';

export const ROOT = '4026531840';
export const BLUE = '4026532001';
export const UNNAMED = '4026532002';
export const DOCKER = '4026532003';
export const SELF_PID = 777;

function ns(id: string, over: Partial<Namespace>): Namespace {
  return {
    id,
    name: null,
    root: false,
    source: 'named',
    pids: [],
    comms: [],
    label: over.name ?? id,
    path: null,
    error: null,
    owner: null,
    ...over,
  };
}

export function link(nsId: string, ifindex: number, name: string, over: Partial<Link> = {}): Link {
  return {
    id: `${nsId}/${ifindex}`,
    nsId,
    ifindex,
    name,
    kind: 'veth',
    mode: null,
    up: true,
    operstate: 'UP',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    minMtu: 68,
    maxMtu: 65535,
    mac: '02:00:00:00:00:01',
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
  };
}

function route(nsId: string, dst: string, over: Partial<Route> = {}): Route {
  return {
    nsId,
    table: 'main',
    type: 'unicast',
    family: dst.includes(':') ? 'inet6' : 'inet',
    dst,
    gateway: null,
    devId: null,
    dev: null,
    protocol: 'static',
    scope: null,
    metric: null,
    prefsrc: null,
    flags: [],
    nexthops: [],
    ...over,
  };
}

export function fixtureSnapshot(): HostSnapshot {
  const links: Link[] = [
    link(ROOT, 1, 'lo', { kind: 'loopback', mtu: 65536, minMtu: 0, maxMtu: 0, mac: '00:00:00:00:00:00' }),
    link(ROOT, 2, 'eth0', {
      kind: 'physical',
      parentBus: 'pci',
      mac: '52:54:00:12:34:56',
      maxMtu: 9216,
      addresses: [{ family: 'inet', cidr: '192.0.2.10/24', scope: 'global', broadcast: '192.0.2.255', flags: [] }],
    }),
    link(ROOT, 3, 'ifb0', { kind: 'ifb', up: false }),
    link(ROOT, 4, 'br0', { kind: 'bridge' }),
    link(ROOT, 5, 'eth1', { kind: 'physical', parentBus: 'pci', mac: '52:54:00:12:34:57' }),
    link(ROOT, 6, 'vroot', { peerId: `${BLUE}/2`, masterId: `${ROOT}/4` }),
    link(BLUE, 1, 'lo', { kind: 'loopback', mtu: 65536, minMtu: 0, maxMtu: 0 }),
    link(BLUE, 2, 'vblue', {
      peerId: `${ROOT}/6`,
      mtu: 1400,
      addresses: [
        { family: 'inet', cidr: '10.1.0.2/24', scope: 'global', flags: [] },
        { family: 'inet6', cidr: 'fe80::1/64', scope: 'link', flags: [] },
      ],
    }),
    link(UNNAMED, 1, 'lo', { kind: 'loopback' }),
    link(UNNAMED, 3, 'eth0', { peerId: null }),
    link(DOCKER, 1, 'lo', { kind: 'loopback' }),
  ];
  return {
    takenAt: '2026-01-01T00:00:00.000Z',
    hostname: 'fixture',
    root: true,
    hidden: [],
    namespaces: [
      ns(ROOT, { root: true, source: 'root', label: 'host', pids: [1, 2] }),
      ns(BLUE, { name: 'blue', path: '/var/run/netns/blue' }),
      ns(UNNAMED, {
        source: 'process',
        pids: [4242],
        comms: ['sleep'],
        label: 'pid 4242 (sleep)',
        path: '/proc/4242/ns/net',
      }),
      ns(DOCKER, { source: 'docker', name: 'abc123', label: 'docker abc123', path: '/var/run/docker/netns/abc123' }),
    ],
    links,
    routes: [
      route(ROOT, 'default', { gateway: '192.0.2.1', devId: `${ROOT}/2`, dev: 'eth0', protocol: 'boot' }),
      route(ROOT, '192.0.2.0/24', {
        devId: `${ROOT}/2`,
        dev: 'eth0',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '192.0.2.10',
      }),
      route(BLUE, '10.1.0.0/24', {
        devId: `${BLUE}/2`,
        dev: 'vblue',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '10.1.0.2',
      }),
      route(BLUE, '10.9.0.0/16', { gateway: '10.1.0.1', devId: `${BLUE}/2`, dev: 'vblue', table: '100', metric: 20 }),
      route(BLUE, 'fd00::/64', { family: 'inet6', devId: `${BLUE}/2`, dev: 'vblue', metric: 1024 }),
    ],
    warnings: [],
  };
}
