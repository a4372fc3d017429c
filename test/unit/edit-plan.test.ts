// Every op's plan for good input: the exact argv and undo argv, table-driven on a crafted host.
import { describe, expect, it } from 'vitest';
import { Edit } from '../../shared/edits/schema';
import { planEdits, PlanError, type PlanOptions } from '../../server/edits/plan';
import { planToShell, shellQuote } from '../../shared/edits/shell';
import type { NamespaceOwner } from '../../shared/host/types';
import { fixtureSnapshot, ROOT, BLUE, UNNAMED, DOCKER, SELF_PID } from './edit-fixture';

const opts: PlanOptions = { selfPid: SELF_PID };
const plan = (edits: unknown[], o: PlanOptions = opts) =>
  planEdits(
    edits.map((e) => Edit.parse(e)),
    fixtureSnapshot(),
    o,
  );
const HOSTNS = `/proc/${SELF_PID}/ns/net`;

type Case = { name: string; edits: unknown[]; steps: [string[], string[] | null][] };

const cases: Case[] = [
  {
    name: 'netns.add brings lo up inside',
    edits: [{ op: 'netns.add', name: 'red' }],
    steps: [
      [
        ['ip', 'netns', 'add', 'red'],
        ['ip', 'netns', 'del', 'red'],
      ],
      [
        ['ip', '-n', 'red', 'link', 'set', 'dev', 'lo', 'up'],
        ['ip', '-n', 'red', 'link', 'set', 'dev', 'lo', 'down'],
      ],
    ],
  },
  {
    name: 'netns.add with lo: false',
    edits: [{ op: 'netns.add', name: 'red', lo: false }],
    steps: [
      [
        ['ip', 'netns', 'add', 'red'],
        ['ip', 'netns', 'del', 'red'],
      ],
    ],
  },
  { name: 'netns.del by id', edits: [{ op: 'netns.del', ns: BLUE }], steps: [[['ip', 'netns', 'del', 'blue'], null]] },
  {
    name: 'netns.del by name',
    edits: [{ op: 'netns.del', ns: 'blue' }],
    steps: [[['ip', 'netns', 'del', 'blue'], null]],
  },
  {
    name: 'macvlan bridge child of a NIC, straight into a namespace, with address and up',
    edits: [
      {
        op: 'link.add',
        kind: 'macvlan',
        name: 'mv0',
        parent: 'eth1',
        mode: 'bridge',
        netns: 'blue',
        addresses: ['10.2.0.1/24'],
        up: true,
      },
    ],
    steps: [
      [
        ['ip', 'link', 'add', 'link', 'eth1', 'name', 'mv0', 'netns', 'blue', 'type', 'macvlan', 'mode', 'bridge'],
        ['ip', '-n', 'blue', 'link', 'del', 'dev', 'mv0'],
      ],
      [
        ['ip', '-n', 'blue', 'addr', 'add', '10.2.0.1/24', 'dev', 'mv0'],
        ['ip', '-n', 'blue', 'addr', 'del', '10.2.0.1/24', 'dev', 'mv0'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'mv0', 'up'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'mv0', 'down'],
      ],
    ],
  },
  {
    name: 'macvlan source mode with a MAC list, MAC and MTU',
    edits: [
      {
        op: 'link.add',
        kind: 'macvlan',
        name: 'mvs',
        parent: 'eth1',
        mode: 'source',
        macaddrs: ['02:00:00:00:00:0a', '02:00:00:00:00:0b'],
        mac: '02:aa:00:00:00:01',
        mtu: 1400,
      },
    ],
    steps: [
      [
        [
          'ip',
          'link',
          'add',
          'link',
          'eth1',
          'name',
          'mvs',
          'address',
          '02:aa:00:00:00:01',
          'mtu',
          '1400',
          'type',
          'macvlan',
          'mode',
          'source',
          'macaddr',
          'set',
          '02:00:00:00:00:0a',
          '02:00:00:00:00:0b',
        ],
        ['ip', 'link', 'del', 'dev', 'mvs'],
      ],
    ],
  },
  {
    name: 'macvtap passthru nopromisc',
    edits: [{ op: 'link.add', kind: 'macvtap', name: 'mt0', parent: 'eth1', mode: 'passthru', nopromisc: true }],
    steps: [
      [
        ['ip', 'link', 'add', 'link', 'eth1', 'name', 'mt0', 'type', 'macvtap', 'mode', 'passthru', 'nopromisc'],
        ['ip', 'link', 'del', 'dev', 'mt0'],
      ],
    ],
  },
  {
    name: 'ipvlan l3 child into an unnamed namespace (by id: a /proc path)',
    edits: [{ op: 'link.add', kind: 'ipvlan', name: 'iv0', parent: 'eth1', mode: 'l3', netns: UNNAMED, up: true }],
    steps: [
      [
        [
          'ip',
          'link',
          'add',
          'link',
          'eth1',
          'name',
          'iv0',
          'netns',
          '/proc/4242/ns/net',
          'type',
          'ipvlan',
          'mode',
          'l3',
        ],
        ['nsenter', '--net=/proc/4242/ns/net', '--', 'ip', 'link', 'del', 'dev', 'iv0'],
      ],
      [
        ['nsenter', '--net=/proc/4242/ns/net', '--', 'ip', 'link', 'set', 'dev', 'iv0', 'up'],
        ['nsenter', '--net=/proc/4242/ns/net', '--', 'ip', 'link', 'set', 'dev', 'iv0', 'down'],
      ],
    ],
  },
  {
    name: 'ipvtap l2 private',
    edits: [{ op: 'link.add', kind: 'ipvtap', name: 'it0', parent: 'eth1', mode: 'l2', flag: 'private' }],
    steps: [
      [
        ['ip', 'link', 'add', 'link', 'eth1', 'name', 'it0', 'type', 'ipvtap', 'mode', 'l2', 'private'],
        ['ip', 'link', 'del', 'dev', 'it0'],
      ],
    ],
  },
  {
    name: 'veth pair with each end in another namespace (docker one by path)',
    edits: [
      {
        op: 'link.add',
        kind: 'veth',
        name: 'va',
        netns: 'blue',
        mtu: 9000,
        peer: { name: 'vb', netns: DOCKER, addresses: ['fd00::2/64'], up: true },
      },
    ],
    steps: [
      [
        [
          'ip',
          'link',
          'add',
          'name',
          'va',
          'mtu',
          '9000',
          'netns',
          'blue',
          'type',
          'veth',
          'peer',
          'name',
          'vb',
          'mtu',
          '9000',
          'netns',
          '/var/run/docker/netns/abc123',
        ],
        ['ip', '-n', 'blue', 'link', 'del', 'dev', 'va'],
      ],
      [
        ['nsenter', '--net=/var/run/docker/netns/abc123', '--', 'ip', 'addr', 'add', 'fd00::2/64', 'dev', 'vb'],
        ['nsenter', '--net=/var/run/docker/netns/abc123', '--', 'ip', 'addr', 'del', 'fd00::2/64', 'dev', 'vb'],
      ],
      [
        ['nsenter', '--net=/var/run/docker/netns/abc123', '--', 'ip', 'link', 'set', 'dev', 'vb', 'up'],
        ['nsenter', '--net=/var/run/docker/netns/abc123', '--', 'ip', 'link', 'set', 'dev', 'vb', 'down'],
      ],
    ],
  },
  {
    name: 'veth run inside a namespace with the other end to the host (by the server pid path)',
    edits: [{ op: 'link.add', kind: 'veth', ns: 'blue', name: 'vx0', peer: { name: 'vx1', netns: ROOT } }],
    steps: [
      [
        ['ip', '-n', 'blue', 'link', 'add', 'name', 'vx0', 'type', 'veth', 'peer', 'name', 'vx1', 'netns', HOSTNS],
        ['ip', '-n', 'blue', 'link', 'del', 'dev', 'vx0'],
      ],
    ],
  },
  {
    name: 'bridge',
    edits: [{ op: 'link.add', kind: 'bridge', name: 'br9', up: true }],
    steps: [
      [
        ['ip', 'link', 'add', 'name', 'br9', 'type', 'bridge'],
        ['ip', 'link', 'del', 'dev', 'br9'],
      ],
      [
        ['ip', 'link', 'set', 'dev', 'br9', 'up'],
        ['ip', 'link', 'set', 'dev', 'br9', 'down'],
      ],
    ],
  },
  {
    name: 'dummy named like an ip keyword',
    edits: [{ op: 'link.add', kind: 'dummy', name: 'd' }],
    steps: [
      [
        ['ip', 'link', 'add', 'name', 'd', 'type', 'dummy'],
        ['ip', 'link', 'del', 'dev', 'd'],
      ],
    ],
  },
  {
    name: 'vlan 802.1ad',
    edits: [{ op: 'link.add', kind: 'vlan', name: 'eth1.100', parent: 'eth1', id: 100, protocol: '802.1ad' }],
    steps: [
      [
        ['ip', 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan', 'protocol', '802.1ad', 'id', '100'],
        ['ip', 'link', 'del', 'dev', 'eth1.100'],
      ],
    ],
  },
  {
    name: 'vlan defaults to 802.1Q',
    edits: [{ op: 'link.add', kind: 'vlan', name: 'v10', parent: 'eth1', id: 10 }],
    steps: [
      [
        ['ip', 'link', 'add', 'link', 'eth1', 'name', 'v10', 'type', 'vlan', 'protocol', '802.1Q', 'id', '10'],
        ['ip', 'link', 'del', 'dev', 'v10'],
      ],
    ],
  },
  {
    name: 'vxlan unicast remote with underlay and default port',
    edits: [
      { op: 'link.add', kind: 'vxlan', name: 'vx42', vni: 42, remote: '192.0.2.20', local: '192.0.2.10', dev: 'eth0' },
    ],
    steps: [
      [
        [
          'ip',
          'link',
          'add',
          'name',
          'vx42',
          'type',
          'vxlan',
          'id',
          '42',
          'remote',
          '192.0.2.20',
          'local',
          '192.0.2.10',
          'dev',
          'eth0',
          'dstport',
          '4789',
        ],
        ['ip', 'link', 'del', 'dev', 'vx42'],
      ],
    ],
  },
  {
    name: 'vxlan multicast group',
    edits: [
      { op: 'link.add', kind: 'vxlan', name: 'vxm', vni: 16777215, group: '239.1.1.1', dev: 'eth1', dstport: 8472 },
    ],
    steps: [
      [
        [
          'ip',
          'link',
          'add',
          'name',
          'vxm',
          'type',
          'vxlan',
          'id',
          '16777215',
          'group',
          '239.1.1.1',
          'dev',
          'eth1',
          'dstport',
          '8472',
        ],
        ['ip', 'link', 'del', 'dev', 'vxm'],
      ],
    ],
  },
  {
    name: 'link.del of a namespaced veth end',
    edits: [{ op: 'link.del', ns: 'blue', dev: 'vblue' }],
    steps: [[['ip', '-n', 'blue', 'link', 'del', 'dev', 'vblue'], null]],
  },
  {
    name: 'link.set mtu / mac / promisc, undo from the snapshot',
    edits: [{ op: 'link.set', ns: BLUE, dev: 'vblue', mtu: 1500, mac: '02:00:00:00:00:99', promisc: true }],
    steps: [
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'mtu', '1500'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'mtu', '1400'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'address', '02:00:00:00:00:99'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'address', '02:00:00:00:00:01'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'promisc', 'on'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'promisc', 'off'],
      ],
    ],
  },
  {
    name: 'link.set down (the routes through it first: the kernel drops them, undo puts them back), rename, up',
    edits: [
      { op: 'link.set', ns: 'blue', dev: 'vblue', name: 'uplink', up: false },
      { op: 'link.set', ns: 'blue', dev: 'uplink', up: true },
    ],
    steps: [
      [
        [
          'ip',
          '-n',
          'blue',
          'route',
          'del',
          '10.9.0.0/16',
          'via',
          '10.1.0.1',
          'dev',
          'vblue',
          'table',
          '100',
          'metric',
          '20',
        ],
        [
          'ip',
          '-n',
          'blue',
          'route',
          'add',
          '10.9.0.0/16',
          'via',
          '10.1.0.1',
          'dev',
          'vblue',
          'table',
          '100',
          'metric',
          '20',
          'proto',
          'static',
        ],
      ],
      [
        ['ip', '-n', 'blue', '-6', 'route', 'del', 'fd00::/64', 'dev', 'vblue', 'metric', '1024'],
        ['ip', '-n', 'blue', '-6', 'route', 'add', 'fd00::/64', 'dev', 'vblue', 'metric', '1024', 'proto', 'static'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'down'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'up'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'name', 'uplink'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'uplink', 'name', 'vblue'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'uplink', 'up'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'uplink', 'down'],
      ],
    ],
  },
  {
    name: 'link.set nomaster puts the old master back on undo',
    edits: [{ op: 'link.set', dev: 'vroot', master: null }],
    steps: [
      [
        ['ip', 'link', 'set', 'dev', 'vroot', 'nomaster'],
        ['ip', 'link', 'set', 'dev', 'vroot', 'master', 'br0'],
      ],
    ],
  },
  {
    name: 'link.set master on a new bridge',
    edits: [
      { op: 'link.add', kind: 'bridge', name: 'br1' },
      { op: 'link.set', dev: 'vroot', master: 'br1' },
    ],
    steps: [
      [
        ['ip', 'link', 'add', 'name', 'br1', 'type', 'bridge'],
        ['ip', 'link', 'del', 'dev', 'br1'],
      ],
      [
        ['ip', 'link', 'set', 'dev', 'vroot', 'master', 'br1'],
        ['ip', 'link', 'set', 'dev', 'vroot', 'master', 'br0'],
      ],
    ],
  },
  {
    name: 'move spells out what the kernel does: routes gone, down, addresses gone; undo moves back and restores them',
    edits: [{ op: 'link.set', ns: 'blue', dev: 'vblue', netns: UNNAMED, up: true }],
    steps: [
      [
        [
          'ip',
          '-n',
          'blue',
          'route',
          'del',
          '10.9.0.0/16',
          'via',
          '10.1.0.1',
          'dev',
          'vblue',
          'table',
          '100',
          'metric',
          '20',
        ],
        [
          'ip',
          '-n',
          'blue',
          'route',
          'add',
          '10.9.0.0/16',
          'via',
          '10.1.0.1',
          'dev',
          'vblue',
          'table',
          '100',
          'metric',
          '20',
          'proto',
          'static',
        ],
      ],
      [
        ['ip', '-n', 'blue', '-6', 'route', 'del', 'fd00::/64', 'dev', 'vblue', 'metric', '1024'],
        ['ip', '-n', 'blue', '-6', 'route', 'add', 'fd00::/64', 'dev', 'vblue', 'metric', '1024', 'proto', 'static'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'down'],
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'up'],
      ],
      [
        ['ip', '-n', 'blue', 'addr', 'del', '10.1.0.2/24', 'dev', 'vblue'],
        ['ip', '-n', 'blue', 'addr', 'add', '10.1.0.2/24', 'dev', 'vblue'],
      ],
      [
        ['ip', '-n', 'blue', 'link', 'set', 'dev', 'vblue', 'netns', '/proc/4242/ns/net'],
        ['nsenter', '--net=/proc/4242/ns/net', '--', 'ip', 'link', 'set', 'dev', 'vblue', 'netns', 'blue'],
      ],
      [
        ['nsenter', '--net=/proc/4242/ns/net', '--', 'ip', 'link', 'set', 'dev', 'vblue', 'up'],
        ['nsenter', '--net=/proc/4242/ns/net', '--', 'ip', 'link', 'set', 'dev', 'vblue', 'down'],
      ],
    ],
  },
  {
    name: 'addr.add / addr.del (broadcast kept for the undo)',
    edits: [
      { op: 'addr.add', ns: 'blue', dev: 'vblue', cidr: 'fd00::5/64' },
      { op: 'addr.del', dev: 'eth0', cidr: '192.0.2.10/24' },
    ],
    steps: [
      [
        ['ip', '-n', 'blue', 'addr', 'add', 'fd00::5/64', 'dev', 'vblue'],
        ['ip', '-n', 'blue', 'addr', 'del', 'fd00::5/64', 'dev', 'vblue'],
      ],
      [
        ['ip', 'addr', 'del', '192.0.2.10/24', 'dev', 'eth0'],
        ['ip', 'addr', 'add', '192.0.2.10/24', 'broadcast', '192.0.2.255', 'dev', 'eth0'],
      ],
    ],
  },
  {
    name: 'route.add default dev / prefix via with table and metric / IPv6',
    edits: [
      { op: 'route.add', ns: 'blue', dst: 'default', dev: 'vblue' },
      { op: 'route.add', ns: 'blue', dst: '10.7.0.0/16', via: '10.1.0.1', table: 100, metric: 5 },
      { op: 'route.add', ns: 'blue', dst: 'default', via: 'fd00::1', dev: 'vblue' },
    ],
    steps: [
      [
        ['ip', '-n', 'blue', 'route', 'add', 'default', 'dev', 'vblue'],
        ['ip', '-n', 'blue', 'route', 'del', 'default', 'dev', 'vblue'],
      ],
      [
        ['ip', '-n', 'blue', 'route', 'add', '10.7.0.0/16', 'via', '10.1.0.1', 'table', '100', 'metric', '5'],
        ['ip', '-n', 'blue', 'route', 'del', '10.7.0.0/16', 'via', '10.1.0.1', 'table', '100', 'metric', '5'],
      ],
      [
        ['ip', '-n', 'blue', '-6', 'route', 'add', 'default', 'via', 'fd00::1', 'dev', 'vblue'],
        ['ip', '-n', 'blue', '-6', 'route', 'del', 'default', 'via', 'fd00::1', 'dev', 'vblue'],
      ],
    ],
  },
  {
    name: 'route.del rebuilds the exact route for undo',
    edits: [
      { op: 'route.del', ns: 'blue', dst: '10.9.0.0/16', table: 100 },
      { op: 'route.del', ns: 'blue', dst: 'fd00:0::/64' },
    ],
    steps: [
      [
        [
          'ip',
          '-n',
          'blue',
          'route',
          'del',
          '10.9.0.0/16',
          'via',
          '10.1.0.1',
          'dev',
          'vblue',
          'table',
          '100',
          'metric',
          '20',
        ],
        [
          'ip',
          '-n',
          'blue',
          'route',
          'add',
          '10.9.0.0/16',
          'via',
          '10.1.0.1',
          'dev',
          'vblue',
          'table',
          '100',
          'metric',
          '20',
          'proto',
          'static',
        ],
      ],
      [
        ['ip', '-n', 'blue', '-6', 'route', 'del', 'fd00::/64', 'dev', 'vblue', 'metric', '1024'],
        ['ip', '-n', 'blue', '-6', 'route', 'add', 'fd00::/64', 'dev', 'vblue', 'metric', '1024', 'proto', 'static'],
      ],
    ],
  },
  {
    name: 'a plan builds on itself: namespace, veth, macvlan on the new veth',
    edits: [
      { op: 'netns.add', name: 'red', lo: false },
      { op: 'link.add', kind: 'veth', ns: 'red', name: 'p0', peer: { name: 'p1' } },
      { op: 'link.add', kind: 'macvlan', ns: 'red', name: 'm0', parent: 'p0', mode: 'bridge', netns: 'blue' },
    ],
    steps: [
      [
        ['ip', 'netns', 'add', 'red'],
        ['ip', 'netns', 'del', 'red'],
      ],
      [
        ['ip', '-n', 'red', 'link', 'add', 'name', 'p0', 'type', 'veth', 'peer', 'name', 'p1'],
        ['ip', '-n', 'red', 'link', 'del', 'dev', 'p0'],
      ],
      [
        [
          'ip',
          '-n',
          'red',
          'link',
          'add',
          'link',
          'p0',
          'name',
          'm0',
          'netns',
          'blue',
          'type',
          'macvlan',
          'mode',
          'bridge',
        ],
        ['ip', '-n', 'blue', 'link', 'del', 'dev', 'm0'],
      ],
    ],
  },
];

describe('plan: every op, good input → exact argv and undo', () => {
  it.each(cases)('$name', ({ edits, steps }) => {
    const p = plan(edits);
    expect(p.steps.map((s) => [s.argv, s.undo])).toEqual(steps);
    for (const s of p.steps) expect(s.description.length).toBeGreaterThan(5);
  });
});

type Bad = { name: string; edits: unknown[]; path: string; message: RegExp };
const bad: Bad[] = [
  {
    name: 'parent that does not exist',
    edits: [{ op: 'link.add', kind: 'macvlan', name: 'm', parent: 'eth9' }],
    path: 'edits.0.parent',
    message: /no interface eth9/,
  },
  {
    name: 'name taken in the target namespace',
    edits: [{ op: 'link.add', kind: 'macvlan', name: 'vblue', parent: 'eth1', netns: 'blue' }],
    path: 'edits.0.name',
    message: /already exists in namespace blue/,
  },
  {
    name: 'veth ends with one name in one namespace',
    edits: [{ op: 'link.add', kind: 'veth', name: 'x', peer: { name: 'x' } }],
    path: 'edits.0.peer.name',
    message: /different names/,
  },
  {
    name: 'unknown namespace',
    edits: [{ op: 'addr.add', ns: 'nope', dev: 'lo', cidr: '10.0.0.1/8' }],
    path: 'edits.0.ns',
    message: /no namespace "nope"/,
  },
  {
    name: 'unknown namespace id',
    edits: [{ op: 'link.set', dev: 'eth1', netns: '123' }],
    path: 'edits.0.netns',
    message: /no namespace "123"/,
  },
  {
    name: 'MTU above the link max',
    edits: [{ op: 'link.set', dev: 'eth0', mtu: 9500 }],
    path: 'edits.0.mtu',
    message: /outside eth0's range 68–9216/,
  },
  {
    name: 'child MTU above the parent',
    edits: [{ op: 'link.add', kind: 'macvlan', name: 'm', parent: 'eth1', mtu: 9000 }],
    path: 'edits.0.mtu',
    message: /above the parent eth1's MTU 1500/,
  },
  {
    name: 'delete an address the link lacks',
    edits: [{ op: 'addr.del', ns: 'blue', dev: 'vblue', cidr: '10.1.0.3/24' }],
    path: 'edits.0.cidr',
    message: /not an address of vblue/,
  },
  {
    name: 'add an address twice',
    edits: [{ op: 'addr.add', ns: 'blue', dev: 'vblue', cidr: '10.1.0.2/24' }],
    path: 'edits.0.cidr',
    message: /already an address/,
  },
  {
    name: 'delete a route that is not there',
    edits: [{ op: 'route.del', ns: 'blue', dst: '10.9.0.0/16' }],
    path: 'edits.0.dst',
    message: /no such route 10.9.0.0\/16 in namespace blue/,
  },
  {
    name: 'delete an unnamed namespace',
    edits: [{ op: 'netns.del', ns: UNNAMED }],
    path: 'edits.0.ns',
    message: /only named namespaces.*pid 4242 sleep/,
  },
  {
    name: 'delete the host namespace',
    edits: [{ op: 'netns.del', ns: ROOT }],
    path: 'edits.0.ns',
    message: /host namespace cannot be deleted/,
  },
  {
    name: 'namespace exists',
    edits: [{ op: 'netns.add', name: 'blue' }],
    path: 'edits.0.name',
    message: /already exists/,
  },
  {
    name: 'move to where it is',
    edits: [{ op: 'link.set', ns: 'blue', dev: 'vblue', netns: 'blue' }],
    path: 'edits.0.netns',
    message: /already in namespace blue/,
  },
  {
    name: 'master that does not exist',
    edits: [{ op: 'link.set', dev: 'vroot', master: 'br7' }],
    path: 'edits.0.master',
    message: /no interface br7/,
  },
  {
    name: 'rename onto a taken name',
    edits: [{ op: 'link.set', dev: 'vroot', name: 'br0' }],
    path: 'edits.0.name',
    message: /already exists/,
  },
  {
    name: 'a later edit uses what an earlier one deleted',
    edits: [
      { op: 'link.del', ns: 'blue', dev: 'vblue' },
      { op: 'addr.add', ns: 'blue', dev: 'vblue', cidr: '10.0.0.1/8' },
    ],
    path: 'edits.1.dev',
    message: /no interface vblue/,
  },
  {
    name: 'a veth peer goes with its end',
    edits: [
      { op: 'link.del', dev: 'vroot' },
      { op: 'link.set', ns: 'blue', dev: 'vblue', up: true },
    ],
    path: 'edits.1.dev',
    message: /no interface vblue/,
  },
];

describe("plan: a runtime's namespace is removed by its runtime, not ip netns del", () => {
  const owned = (owner: NamespaceOwner) => {
    const snap = fixtureSnapshot();
    snap.namespaces = snap.namespaces.map((n) => (n.id === BLUE ? { ...n, owner } : n));
    return snap;
  };
  const refusal = (owner: NamespaceOwner) => {
    try {
      planEdits([Edit.parse({ op: 'netns.del', ns: 'blue' })], owned(owner), opts);
    } catch (e) {
      expect(e).toBeInstanceOf(PlanError);
      const issue = (e as PlanError).issues[0];
      expect(issue.path.join('.')).toBe('edits.0.ns');
      return issue.message;
    }
    throw new Error('planned');
  };
  it('a pod: kubectl', () => {
    const m = refusal({ runtime: 'kubernetes', kind: 'pod', id: 'uid-1', name: 'coredns-1', namespace: 'kube-system' });
    expect(m).toBe(
      'blue is the namespace of pod kube-system/coredns-1: remove it with its runtime (kubectl delete pod -n kube-system coredns-1), not ip netns del',
    );
  });
  it('a Podman container; one only its name says is Podman is deleted with a warning', () => {
    expect(refusal({ runtime: 'podman', kind: 'container', id: 'c0ffee', name: 'web' })).toMatch(
      /Podman container web.*podman rm -f web/,
    );
    // only the name says Podman (no process in it yet, or leaked): deleted, with a warning
    const p = planEdits(
      [Edit.parse({ op: 'netns.del', ns: 'blue' })],
      owned({ runtime: 'podman', kind: 'container', id: 'blue', name: 'blue' }),
      opts,
    );
    expect(p.steps.map((st) => st.argv)).toEqual([['ip', 'netns', 'del', 'blue']]);
    expect(p.warnings.join('\n')).toMatch(/named like a Podman container's namespace/);
  });
  it("a plain process's namespace is deleted with the warning that it lives on", () => {
    const snap = owned({ runtime: 'process', kind: 'process', id: '77', name: 'sleep' });
    snap.namespaces = snap.namespaces.map((n) => (n.id === BLUE ? { ...n, pids: [77], comms: ['sleep'] } : n));
    const p = planEdits([Edit.parse({ op: 'netns.del', ns: 'blue' })], snap, opts);
    expect(p.steps.map((st) => st.argv)).toEqual([['ip', 'netns', 'del', 'blue']]);
    expect(p.warnings.join('\n')).toMatch(/processes still live in blue \(pid 77\)/);
  });
});

describe('plan: bad input → an error naming the field', () => {
  it.each(bad)('$name', ({ edits, path, message }) => {
    let err: unknown;
    try {
      plan(edits, { ...opts, createdByLinkscape: () => true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    const issue = (err as PlanError).issues[0];
    expect(issue.path.join('.')).toBe(path);
    expect(issue.message).toMatch(message);
  });

  it("an unsupported kind is refused with the kernel's reason", () => {
    const kinds = { ipvlan: { supported: false, reason: 'Error: Unknown device type.' } };
    expect(() =>
      plan([{ op: 'link.add', kind: 'ipvlan', name: 'i', parent: 'eth1' }], { ...opts, kinds, kernel: '6.18.0' }),
    ).toThrow(/edits\.0\.kind: ipvlan is not supported by this kernel \(6\.18\.0\): Error: Unknown device type\./);
    // an unprobed kind (null) is let through: the kernel will say
    expect(
      plan([{ op: 'link.add', kind: 'ipvlan', name: 'i', parent: 'eth1' }], {
        ...opts,
        kinds: { ipvlan: { supported: null, reason: 'not probed' } },
      }).steps,
    ).toHaveLength(1);
  });
});

describe('lock-out guard', () => {
  const guarded = (edits: unknown[], o: PlanOptions = opts) =>
    plan(edits, o).guards.map((g) => `${g.link}: ${g.reason}`);
  it('physical NIC: down, delete, move, enslave', () => {
    expect(guarded([{ op: 'link.set', dev: 'eth1', up: false }])[0]).toMatch(/eth1: taking down eth1, a physical NIC/);
    expect(guarded([{ op: 'link.del', dev: 'eth1' }])[0]).toMatch(/deleting eth1, a physical NIC/);
    expect(guarded([{ op: 'link.set', dev: 'eth1', netns: 'blue' }])[0]).toMatch(/moving eth1, a physical NIC/);
    expect(guarded([{ op: 'link.set', dev: 'eth1', master: 'br0' }])[0]).toMatch(/enslaving eth1, a physical NIC/);
  });
  it("the host's default route: its link, its address, the route itself", () => {
    expect(guarded([{ op: 'addr.del', dev: 'eth0', cidr: '192.0.2.10/24' }])[0]).toMatch(
      /carries the host's default route/,
    );
    expect(guarded([{ op: 'route.del', dst: 'default' }])[0]).toMatch(
      /eth0: removing the host's default route \(via 192\.0\.2\.1\)/,
    );
  });
  it('host links linkscape did not create; not those it did, nor links elsewhere', () => {
    expect(guarded([{ op: 'link.del', dev: 'ifb0' }])[0]).toMatch(
      /ifb0, a host-namespace link linkscape did not create/,
    );
    expect(guarded([{ op: 'link.set', dev: 'vroot', up: false }])[0]).toMatch(/did not create/);
    expect(
      guarded([{ op: 'link.del', dev: 'ifb0' }], { ...opts, createdByLinkscape: (id) => id === `${ROOT}/3` }),
    ).toEqual([]);
    expect(
      guarded([
        { op: 'link.add', kind: 'bridge', name: 'brx' },
        { op: 'link.del', dev: 'brx' },
      ]),
    ).toEqual([]);
    expect(guarded([{ op: 'link.del', ns: 'blue', dev: 'vblue' }])).toEqual([]);
  });
  it('harmless changes pass: up, mtu, address add on the NIC', () => {
    expect(
      guarded([
        { op: 'link.set', dev: 'eth0', up: true, mtu: 1500 },
        { op: 'addr.add', dev: 'eth0', cidr: '192.0.2.11/24' },
      ]),
    ).toEqual([]);
  });
});

describe('plan warnings', () => {
  it('irreversible steps and collateral are said', () => {
    const p = plan([{ op: 'link.del', dev: 'vroot' }], { ...opts, createdByLinkscape: () => true });
    expect(p.warnings.join('\n')).toMatch(/also removes vblue \(blue\)/);
    const d = plan([{ op: 'netns.del', ns: 'blue' }]);
    expect(d.warnings.join('\n')).toMatch(/destroyed with it: vblue/);
    expect(d.warnings.join('\n')).toMatch(/cannot be undone/);
  });
  it('ipvlan mode belongs to the parent: a sibling with another mode is switched', () => {
    const p = plan([
      { op: 'link.add', kind: 'ipvlan', name: 'i1', parent: 'eth1', mode: 'l3' },
      { op: 'link.add', kind: 'ipvlan', name: 'i2', parent: 'eth1', mode: 'l2' },
    ]);
    expect(p.warnings.join('\n')).toMatch(/switches i1 \(l3 bridge\) on eth1/);
  });
  it('routes through a link that goes down or moves are said in the steps, with undos; a later edit sees them gone', () => {
    const p = plan([{ op: 'link.set', ns: 'blue', dev: 'vblue', up: false }]);
    expect(p.steps.map((x) => x.description)).toEqual([
      'remove route 10.9.0.0/16 via 10.1.0.1 dev vblue table 100 in blue (a down link drops it)',
      'remove route fd00::/64 dev vblue in blue (a down link drops it)',
      'take vblue down in blue',
    ]);
    expect(p.warnings.join('\n')).not.toMatch(/vanish/);
    expect(() =>
      plan([
        { op: 'link.set', ns: 'blue', dev: 'vblue', up: false },
        { op: 'route.del', ns: 'blue', dst: '10.9.0.0/16', table: 100 },
      ]),
    ).toThrow(/no such route 10\.9\.0\.0\/16/);
  });
});

describe('planToShell', () => {
  it('quotes what needs quoting and numbers the steps', () => {
    expect(shellQuote('ip')).toBe('ip');
    expect(shellQuote('--net=/proc/1/ns/net')).toBe('--net=/proc/1/ns/net');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b;rm -rf /')).toBe("'a b;rm -rf /'");
    const sh = planToShell(plan([{ op: 'netns.add', name: 'red' }]));
    expect(sh).toContain('set -e');
    expect(sh).toContain('# 1. create namespace red\n#    undo: ip netns del red\nip netns add red\n');
    expect(sh).toContain('ip -n red link set dev lo up');
  });
});
