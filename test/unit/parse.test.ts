// Parsers on real captures (test/fixtures/labvm-6.1) and on crafted documents for the traps the
// captures do not show (see ../shared/IPROUTE2-JSON.md).
import { describe, expect, it } from 'vitest';
import {
  deriveKind,
  lowerRefOf,
  classifyBatch,
  NAMESPACE_BATCH,
  parseAddresses,
  parseJsonDoc,
  parseLink,
  parseNamespace,
  parseNetnsList,
  parseNsids,
  parseRoutes,
  RawLink,
  splitBatch,
  type LowerRef,
} from '../../server/ip/parse';
import { captureJson, captureRaw, CAPTURE_INODES, type CaptureLabel } from '../fixtures/captures';

const parsedOf = (label: CaptureLabel) => parseNamespace(CAPTURE_INODES[label], captureRaw(label));
const linkOf = (label: CaptureLabel, name: string) => {
  const p = parsedOf(label).links.find((l) => l.link.name === name);
  if (!p) throw new Error(`capture ${label} has no link ${name}`);
  return p;
};

const none: LowerRef = { kind: 'none' };
const byName = (name: string): LowerRef => ({ kind: 'name', name });
const byIndex = (index: number, nsid: number | null): LowerRef => ({ kind: 'index', index, nsid });

describe('parseLink on every captured link', () => {
  // label, name, ifindex, kind, mode, up, operstate, mtu, mac, lower, master, vxlan underlay
  const rows: [
    CaptureLabel,
    string,
    number,
    string,
    string | null,
    boolean,
    string,
    number,
    string,
    LowerRef,
    string | null,
    string | null,
  ][] = [
    ['root', 'lo', 1, 'loopback', null, true, 'UNKNOWN', 65536, '00:00:00:00:00:00', none, null, null],
    ['root', 'eth0', 2, 'physical', null, true, 'UP', 1500, '52:54:00:12:34:56', none, null, null],
    ['root', 'eth1', 3, 'physical', null, true, 'UP', 1500, '52:54:00:12:34:57', none, null, null],
    ['root', 'sit0', 4, 'sit', null, true, 'UNKNOWN', 1480, '0.0.0.0', { kind: 'null' }, null, null],
    ['root', 'd0', 5, 'dummy', null, false, 'DOWN', 1500, '5a:e9:e8:2a:81:ed', none, null, null],
    // ipvlan mode and flag belong to the parent: every child of eth1 reads back "l3 vepa"
    ['root', 'ipv-l2', 6, 'ipvlan', 'l3 vepa', false, 'DOWN', 1500, '52:54:00:12:34:57', byName('eth1'), null, null],
    ['root', 'ipv-l3s', 8, 'ipvlan', 'l3 vepa', false, 'DOWN', 1500, '52:54:00:12:34:57', byName('eth1'), null, null],
    ['root', 'ipv-priv', 9, 'ipvlan', 'l3 vepa', false, 'DOWN', 1500, '52:54:00:12:34:57', byName('eth1'), null, null],
    ['root', 'ipv-vepa', 10, 'ipvlan', 'l3 vepa', false, 'DOWN', 1500, '52:54:00:12:34:57', byName('eth1'), null, null],
    [
      'root',
      'mv-private',
      11,
      'macvlan',
      'private',
      false,
      'DOWN',
      1500,
      '46:c8:61:d6:91:f3',
      byName('eth0'),
      null,
      null,
    ],
    ['root', 'mv-vepa', 12, 'macvlan', 'vepa', false, 'DOWN', 1500, 'ba:6a:aa:47:ef:ac', byName('eth0'), null, null],
    [
      'root',
      'mv-source',
      14,
      'macvlan',
      'source',
      false,
      'DOWN',
      1500,
      '9e:55:b7:8f:86:4e',
      byName('eth0'),
      null,
      null,
    ],
    ['root', 'mv-pass', 15, 'macvlan', 'passthru', false, 'DOWN', 1500, '5a:e9:e8:2a:81:ed', byName('d0'), null, null],
    ['root', 'mvt0', 16, 'macvtap', 'bridge', false, 'DOWN', 1500, '1a:b9:09:9e:43:4f', byName('eth0'), null, null],
    ['root', 'vl10', 17, 'vlan', '802.1Q', false, 'DOWN', 1500, '52:54:00:12:34:57', byName('eth1'), null, null],
    ['root', 'vl20ad', 18, 'vlan', '802.1ad', false, 'DOWN', 1500, '52:54:00:12:34:57', byName('eth1'), null, null],
    ['root', 'vx42', 19, 'vxlan', null, false, 'DOWN', 1450, '42:18:66:ce:c2:e4', none, null, 'eth1'],
    ['root', 'br0', 20, 'bridge', null, false, 'DOWN', 1500, '76:3a:31:30:27:1b', none, null, null],
    ['root', 've-a', 21, 'veth', null, false, 'DOWN', 1500, '76:3a:31:30:27:1b', byIndex(3, 2), 'br0', null],
    ['root', 'bond0', 22, 'bond', 'active-backup', false, 'DOWN', 1500, '7a:d1:d9:ac:f2:01', none, null, null],
    ['root', 'vrf-blue', 23, 'vrf', null, false, 'DOWN', 65575, 'f2:6d:b4:e3:28:41', none, null, null],
    ['root', 'tap0', 24, 'tun', 'tap', false, 'DOWN', 1500, 'be:97:b6:29:09:b9', none, null, null],
    ['root', 'eth2', 25, 'physical', null, false, 'DOWN', 1500, '56:c1:29:97:96:ac', none, null, null],
    ['red', 'lo', 1, 'loopback', null, false, 'DOWN', 65536, '00:00:00:00:00:00', none, null, null],
    ['red', 'sit0', 2, 'sit', null, false, 'DOWN', 1480, '0.0.0.0', { kind: 'null' }, null, null],
    ['red', 've-r', 3, 'veth', null, true, 'UP', 1500, 'a2:94:fe:ba:3e:8a', byIndex(4, 1), null, null],
    ['red', 'ipv-l3', 7, 'ipvlan', 'l3 vepa', true, 'UNKNOWN', 1500, '52:54:00:12:34:57', byIndex(3, 0), null, null],
    ['blue', 'mv-bridge', 13, 'macvlan', 'bridge', false, 'DOWN', 1500, 'b6:e7:81:f6:1c:2f', byIndex(2, 0), null, null],
    ['green', 've-b', 3, 'veth', null, false, 'DOWN', 1500, '16:67:b6:f7:37:fe', byIndex(21, 2), null, null],
    ['green', 've-g', 4, 'veth', null, true, 'UP', 1500, '56:87:4b:78:e4:5c', byIndex(3, 0), null, null],
    ['green', 've-u', 5, 'veth', null, false, 'DOWN', 1500, '12:aa:f3:9f:91:6a', byIndex(3, 1), null, null],
    ['unnamed', 've-p', 3, 'veth', null, false, 'DOWN', 1500, '0a:40:e6:4d:e4:bb', byIndex(5, 0), null, null],
  ];
  it.each(rows)('%s/%s', (label, name, ifindex, kind, mode, up, operstate, mtu, mac, lower, master, underlay) => {
    const p = linkOf(label, name);
    expect(p.link).toMatchObject({
      id: `${CAPTURE_INODES[label]}/${ifindex}`,
      nsId: CAPTURE_INODES[label],
      ifindex,
      kind,
      mode,
      up,
      operstate,
      mtu,
      mac,
    });
    expect(p.lower).toEqual(lower);
    expect(p.masterName).toBe(master);
    expect(p.underlayName).toBe(underlay);
    // ids are resolved later, never guessed by the parser
    expect(p.link).toMatchObject({ parentId: null, peerId: null, masterId: null, parentUnresolved: false });
  });

  it('covers every link of every capture', () => {
    const all = (['root', 'red', 'blue', 'green', 'unnamed'] as CaptureLabel[]).flatMap((l) =>
      parsedOf(l).links.map((p) => `${l}/${p.link.name}`),
    );
    const covered = new Set(rows.map((r) => `${r[0]}/${r[1]}`));
    const skipped = all.filter((x) => !covered.has(x));
    // only loopbacks and sit0 of the non-root namespaces are left out of the table
    expect(skipped.every((x) => /\/(lo|sit0)$/.test(x))).toBe(true);
  });

  it('keeps the raw info_data, unknown keys included (macvlan source MAC list)', () => {
    const mv = linkOf('root', 'mv-source').link;
    expect(mv.info).toMatchObject({
      mode: 'source',
      macaddr_count: 1,
      macaddr_data: ['02:11:22:33:44:55'],
      bcqueuelen: 1000,
    });
    expect(linkOf('root', 'vx42').link.info).toMatchObject({
      id: 42,
      remote: '10.0.3.2',
      local: '10.0.3.1',
      link: 'eth1',
      port: 4789,
    });
    expect(linkOf('root', 'br0').link.info).toMatchObject({ vlan_filtering: 1, stp_state: 0 });
    expect(linkOf('root', 'vl20ad').link.info).toEqual({ protocol: '802.1ad', id: 20, flags: ['REORDER_HDR'] });
  });

  it("keeps a bridge port's slave kind and data", () => {
    const port = linkOf('root', 've-a').link;
    expect(port.slaveKind).toBe('bridge');
    expect(port.slaveInfo).toMatchObject({ state: 'disabled', cost: 2, learning: true });
    expect(port.info).toBeNull(); // veth has no info_data
  });

  it('records bus, device, MTU bounds and flags', () => {
    const pf = linkOf('root', 'eth2').link;
    expect(pf).toMatchObject({
      parentBus: 'netdevsim',
      parentDev: 'netdevsim10',
      minMtu: 68,
      maxMtu: 65535,
      linkType: 'ether',
      promiscuity: 0,
    });
    expect(linkOf('root', 'eth0').link.parentBus).toBe('virtio');
    expect(linkOf('root', 'mv-pass').link.flags).toContain('M-DOWN');
    expect(linkOf('root', 'sit0').link.linkType).toBe('sit');
  });
});

describe('SR-IOV: vfinfo_list of the captured netdevsim PF', () => {
  const vfRows = [
    // index, mac, vlans, maxTx, minTx, spoofchk, trust, state
    [0, '00:00:00:00:00:00', [{ vlan: 300, qos: 0, protocol: '802.1ad' }], 0, 0, false, false, 'auto'],
    [1, '02:00:00:00:01:01', [{ vlan: 101, qos: 2, protocol: null }], 0, 0, false, false, 'auto'],
    [2, '00:00:00:00:00:00', [], 0, 0, false, true, 'enable'],
    [3, '00:00:00:00:00:00', [], 1000, 100, false, false, 'auto'],
  ] as const;
  const pf = linkOf('root', 'eth2').link;
  it('has 4 VFs and nothing the kernel did not say', () => {
    expect(pf.sriov).not.toBeNull();
    expect(pf.sriov!.numVfs).toBe(4);
    expect(pf.sriov!.totalVfs).toBeNull(); // only sysfs knows, and netdevsim has no sriov_totalvfs
    expect(pf.sriov!.vfs).toHaveLength(4);
  });
  it.each(vfRows)('VF %i', (index, mac, vlans, maxTx, minTx, spoofchk, trust, state) => {
    expect(pf.sriov!.vfs[index]).toEqual({
      index,
      mac,
      vlans,
      maxTxRate: maxTx,
      minTxRate: minTx,
      spoofchk,
      trust,
      linkState: state,
      queryRss: false,
      netdevId: null,
      netdevName: null,
      device: null,
      driver: null,
    });
  });
  it('reads the same VFs from the -s capture (stats do not disturb it)', () => {
    const withStats = parseLink('x', captureJson('root.pf-with-stats.link.json')[0]).link;
    expect(withStats.sriov!.vfs).toEqual(pf.sriov!.vfs);
  });
  it('gives no sriov to links that are not PFs', () => {
    for (const l of ['root', 'red', 'blue', 'green', 'unnamed'] as CaptureLabel[]) {
      for (const p of parsedOf(l).links)
        if (p.link.name !== 'eth2') expect(p.link.sriov, `${l}/${p.link.name}`).toBeNull();
    }
  });
  it('takes max_tx from tx_rate when rate is missing (older kernels), and -1 keys stay unknown', () => {
    const l = parseLink('x', {
      ifindex: 9,
      ifname: 'pf0',
      flags: [],
      link_type: 'ether',
      parentbus: 'pci',
      parentdev: '0000:3b:00.0',
      vfinfo_list: [
        {
          vf: 0,
          address: '02:aa:00:00:00:01',
          vlan_list: [{ vlan: 5, qos: 1, protocol: '802.1Q' }],
          tx_rate: 500,
          link_state: 'disable',
        },
      ],
    }).link;
    expect(l.sriov!.vfs[0]).toMatchObject({
      maxTxRate: 500,
      minTxRate: null,
      spoofchk: null,
      trust: null,
      queryRss: null,
      linkState: 'disable',
      vlans: [{ vlan: 5, qos: 1, protocol: '802.1Q' }],
    });
  });
});

describe('addresses', () => {
  const rows: [CaptureLabel, string, string[]][] = [
    ['root', 'lo', ['127.0.0.1/8', '::1/128']],
    ['root', 'eth0', ['10.0.2.15/24', 'fec0::5054:ff:fe12:3456/64', 'fe80::5054:ff:fe12:3456/64']],
    ['root', 'eth1', ['10.0.3.1/24', 'fec0::5054:ff:fe12:3457/64', 'fe80::5054:ff:fe12:3457/64']],
    ['root', 'sit0', ['::127.0.0.1/96']],
    ['root', 'd0', []],
    ['red', 've-r', ['10.1.0.1/24', 'fd00:1::1/64', 'fe80::a094:feff:feba:3e8a/64']],
    ['red', 'ipv-l3', ['192.168.10.135/24', 'fe80::5254:0:212:3457/64']],
    ['green', 've-g', ['10.1.0.2/24', 'fe80::5487:4bff:fe78:e45c/64']],
    ['blue', 'mv-bridge', []],
  ];
  it.each(rows)('%s/%s', (label, name, cidrs) => {
    expect(linkOf(label, name).link.addresses.map((a) => a.cidr)).toEqual(cidrs);
  });
  it('keeps family, scope and flags', () => {
    const eth1 = linkOf('root', 'eth1').link.addresses;
    expect(eth1[0]).toMatchObject({ family: 'inet', scope: 'global', label: 'eth1', flags: [] });
    expect(eth1[1]).toMatchObject({ family: 'inet6', scope: 'site' });
    expect(eth1[1].flags).toEqual(expect.arrayContaining(['tentative', 'dynamic', 'mngtmpaddr']));
    expect(eth1[2].scope).toBe('link');
    expect(linkOf('red', 've-r').link.addresses[1].flags).toContain('nodad');
    expect(linkOf('root', 'lo').link.addresses[0].scope).toBe('host');
  });
  it('keeps a point-to-point peer and a broadcast', () => {
    const m = parseAddresses([
      {
        ifindex: 4,
        ifname: 'tun0',
        addr_info: [{ family: 'inet', local: '10.9.0.1', address: '10.9.0.2', prefixlen: 32, scope: 'global' }],
      },
      {
        ifindex: 5,
        ifname: 'e',
        addr_info: [
          { family: 'inet', local: '10.8.0.1', prefixlen: 24, broadcast: '10.8.0.255', scope: 'global' },
          { family: 'mpls' },
        ],
      },
    ]);
    expect(m.get(4)).toEqual([{ family: 'inet', cidr: '10.9.0.1/32', scope: 'global', peer: '10.9.0.2', flags: [] }]);
    expect(m.get(5)).toEqual([
      { family: 'inet', cidr: '10.8.0.1/24', scope: 'global', broadcast: '10.8.0.255', flags: [] },
    ]);
  });
});

describe('routes', () => {
  const root = parsedOf('root').routes;
  const red = parsedOf('red').routes;
  const green = parsedOf('green').routes;
  const rootIds = new Map(parsedOf('root').links.map((p) => [p.link.name, p.link.id]));
  const greenIds = new Map(parsedOf('green').links.map((p) => [p.link.name, p.link.id]));

  it('reads every table: main, local and a numbered one', () => {
    expect(new Set(root.map((r) => r.table))).toEqual(new Set(['main', 'local']));
    expect(new Set(green.map((r) => r.table))).toEqual(new Set(['main', 'local', '100']));
    expect(root).toHaveLength(captureJson('root.route.json').length);
    expect(parsedOf('blue').routes).toEqual([]);
  });
  it('a route in table 100 with a gateway and metric', () => {
    expect(green.find((r) => r.table === '100')).toMatchObject({
      nsId: CAPTURE_INODES.green,
      dst: '10.99.0.0/16',
      gateway: '10.1.0.1',
      dev: 've-g',
      devId: greenIds.get('ve-g'),
      metric: 5,
      family: 'inet',
      protocol: 'boot',
      type: 'unicast',
    });
  });
  it('a multipath route keeps its nexthops with weights and device ids', () => {
    const mp = green.find((r) => r.dst === '10.98.0.0/16')!;
    expect(mp).toMatchObject({ table: 'main', dev: null, devId: null, gateway: null, family: 'inet' });
    expect(mp.nexthops).toEqual([
      { gateway: '10.1.0.1', dev: 've-g', devId: greenIds.get('ve-g'), weight: 1, flags: [] },
      { gateway: '10.1.0.1', dev: 've-g', devId: greenIds.get('ve-g'), weight: 2, flags: [] },
    ]);
  });
  it('IPv6 default routes via a link-local gateway', () => {
    const d = root.filter((r) => r.dst === 'default');
    expect(d.map((r) => [r.family, r.gateway, r.devId, r.protocol, r.metric])).toEqual([
      ['inet6', 'fe80::2', rootIds.get('eth0'), 'ra', 1024],
      ['inet6', 'fe80::2', rootIds.get('eth1'), 'ra', 1024],
    ]);
  });
  it('a default route through a device only (no gateway)', () => {
    expect(red.find((r) => r.dst === 'default')).toMatchObject({
      family: 'inet',
      gateway: null,
      dev: 'ipv-l3',
      scope: 'link',
      table: 'main',
    });
  });
  it('local, broadcast and multicast types and families', () => {
    expect(root.find((r) => r.dst === '10.0.2.15')).toMatchObject({
      type: 'local',
      table: 'local',
      scope: 'host',
      prefsrc: '10.0.2.15',
      family: 'inet',
    });
    expect(root.find((r) => r.dst === '127.255.255.255')!.type).toBe('broadcast');
    expect(root.filter((r) => r.type === 'multicast').every((r) => r.family === 'inet6')).toBe(true);
    expect(root.find((r) => r.dst === '::/96')).toMatchObject({ family: 'inet6', devId: rootIds.get('sit0') });
    expect(root.find((r) => r.dst === '::127.0.0.1')!.family).toBe('inet6');
  });
  it('an IPv6 default route through a device only is still IPv6 (pref is IPv6-only)', () => {
    const [r] = parseRoutes(
      'n',
      [
        {
          type: 'unicast',
          dst: 'default',
          dev: 'wg0',
          table: 'main',
          protocol: 'boot',
          scope: 'global',
          metric: 1024,
          flags: [],
          pref: 'medium',
        },
      ],
      new Map([['wg0', 'n/7']]),
    );
    expect(r).toMatchObject({ family: 'inet6', devId: 'n/7', gateway: null });
  });
  it.each([
    [
      'an IPv4 route via an IPv6 nexthop (RFC 5549)',
      { dst: '10.5.0.0/16', via: { family: 'inet6', host: 'fe80::1' }, dev: 'e0' },
      'inet',
      'fe80::1',
    ],
    [
      'an IPv4 default via an IPv6 nexthop',
      { dst: 'default', via: { family: 'inet6', host: 'fe80::1' }, dev: 'e0' },
      'inet',
      'fe80::1',
    ],
    ['an IPv4 default via a gateway', { dst: 'default', gateway: '10.0.0.1', dev: 'e0' }, 'inet', '10.0.0.1'],
    [
      'an IPv6 multipath default',
      {
        dst: 'default',
        nexthops: [
          { gateway: 'fe80::1', dev: 'e0' },
          { gateway: 'fe80::2', dev: 'e0' },
        ],
      },
      'inet6',
      null,
    ],
    [
      'an IPv6 unreachable default without gateway (pref)',
      { type: 'unreachable', dst: 'default', dev: 'lo', pref: 'medium' },
      'inet6',
      null,
    ],
  ])('family of %s', (_w, raw, family, gateway) => {
    const [r] = parseRoutes('n', [{ flags: [], ...raw }], new Map());
    expect(r.family).toBe(family);
    expect(r.gateway).toBe(gateway);
  });
});

describe('namespaces: nsids and the empty `netns list`', () => {
  it('`ip -j netns list` prints nothing without /var/run/netns: that is an empty list', () => {
    expect(parseJsonDoc('')).toEqual([]);
    expect(parseJsonDoc('\n')).toEqual([]);
    expect(parseJsonDoc('  \n \n')).toEqual([]);
  });
  it('parses a real netns list', () => {
    expect(parseJsonDoc(JSON.stringify(captureJson('netns-list.json')))).toEqual([
      { name: 'green', id: 2 },
      { name: 'blue', id: 1 },
      { name: 'red', id: 0 },
    ]);
  });
  it('netns list as nsids by name: the named ones with an id, also in a batch', () => {
    const list = captureJson('netns-list.json');
    expect(parseNetnsList([...list, { name: 'no-nsid-yet' }])).toEqual([
      { nsid: 2, name: 'green' },
      { nsid: 1, name: 'blue' },
      { nsid: 0, name: 'red' },
    ]);
    const raw = captureRaw('root');
    expect(classifyBatch([raw.links, raw.addrs, raw.routes, list]).nsids).toEqual(parseNetnsList(list));
  });
  it('list-id: names only for named namespaces', () => {
    expect(parseNsids(captureJson('green.netns-list-id.json'))).toEqual([
      { nsid: 0, name: 'red' },
      { nsid: 1, name: null },
      { nsid: 2, name: null },
    ]);
    expect(parsedOf('blue').nsids).toEqual([{ nsid: 0, name: null }]);
  });
});

describe('splitBatch: one `ip -j -d -force -batch -` per namespace', () => {
  const raw = captureRaw('green');
  const line = (doc: unknown[]) => JSON.stringify(doc);
  const ok = [raw.links, raw.addrs, raw.routes, raw.nsids].map(line).join('\n') + '\n';

  it('sends link, addr, routes of all tables, netns list (not list-id: a dump some kernels cut short)', () => {
    expect(NAMESPACE_BATCH).toEqual(['link show', 'addr show', 'route show table all', 'netns list']);
  });
  it('splits the four documents', () => {
    expect(splitBatch(ok)).toEqual(raw);
  });
  it('a failed line prints nothing: the rest still land in the right place', () => {
    // `route show table all` failed: three documents, the third is the nsid list
    const out = splitBatch([raw.links, raw.addrs, raw.nsids].map(line).join('\n'));
    expect(out).toEqual({ links: raw.links, addrs: raw.addrs, routes: [], nsids: raw.nsids });
    // `link show` failed: the addr document (which also has ifname) is not taken for links
    const out2 = splitBatch([raw.addrs, raw.routes].map(line).join('\n'));
    expect(out2).toEqual({ links: [], addrs: raw.addrs, routes: raw.routes, nsids: [] });
  });
  it('empty documents ([] or a blank line) are nothing, not a shift', () => {
    const out = splitBatch([line(raw.links), line(raw.addrs), '[]', '', line([])].join('\n'));
    expect(out).toEqual({ links: raw.links, addrs: raw.addrs, routes: [], nsids: [] });
  });
  it('a namespace the batch could not read at all gives empty lists', () => {
    expect(splitBatch('')).toEqual({ links: [], addrs: [], routes: [], nsids: [] });
  });
  it('garbage on stdout is an error, not a silent empty namespace', () => {
    expect(() => splitBatch('Object "nope" is unknown')).toThrow();
  });
});

describe('crafted traps', () => {
  const base = {
    flags: ['BROADCAST', 'MULTICAST'],
    link_type: 'ether',
    address: '02:00:00:00:00:09',
    operstate: 'DOWN',
    mtu: 1500,
  };
  it.each([
    ['no lower device', {}, { kind: 'none' }],
    ['"link": null (lower index 0, @NONE)', { link: null }, { kind: 'null' }],
    ['same namespace by name', { link: 'eth0' }, { kind: 'name', name: 'eth0' }],
    ['an unresolvable name "if7" stays a name', { link: 'if7' }, { kind: 'name', name: 'if7' }],
    ['index in the same namespace (no netnsid)', { link_index: 7 }, { kind: 'index', index: 7, nsid: null }],
    ['index in another namespace', { link_index: 7, link_netnsid: 3 }, { kind: 'index', index: 7, nsid: 3 }],
    ['link_netnsid -1 (no nsid assigned)', { link_index: 7, link_netnsid: -1 }, { kind: 'index', index: 7, nsid: -1 }],
  ])('%s', (_what, extra, want) => {
    const raw = RawLink.parse({
      ifindex: 9,
      ifname: 'x',
      ...base,
      linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } },
      ...extra,
    });
    expect(lowerRefOf(raw)).toEqual(want);
  });
  it.each([
    ['a physical NIC (no linkinfo)', { link_type: 'ether', parentbus: 'pci', parentdev: '0000:01:00.0' }, 'physical'],
    ['a NIC without bus info', { link_type: 'ether' }, 'physical'],
    ['loopback', { link_type: 'loopback', flags: ['LOOPBACK', 'UP'] }, 'loopback'],
    ['a tun without linkinfo (link_type none)', { link_type: 'none' }, 'none'],
    ['nothing known', {}, 'unknown'],
    [
      'linkinfo wins',
      { link_type: 'ether', linkinfo: { info_kind: 'ipvtap', info_data: { mode: 'l2', bridge: true } } },
      'ipvtap',
    ],
  ])('kind of %s', (_w, extra, kind) => {
    expect(deriveKind(RawLink.parse({ ifindex: 1, ifname: 'x', flags: [], ...extra }))).toBe(kind);
  });
  it.each([
    ['ipvlan', { mode: 'l2', bridge: true }, 'l2 bridge'],
    ['ipvlan', { mode: 'l3s', private: true }, 'l3s private'],
    ['ipvtap', { mode: 'l3', vepa: true }, 'l3 vepa'],
    ['ipvlan', { mode: 'l2' }, 'l2'],
    ['macvlan', { mode: 'source', macaddr_count: 0 }, 'source'],
    ['vlan', { protocol: '802.1Q', id: 5 }, '802.1Q'],
    ['bond', { mode: '802.3ad' }, '802.3ad'],
    ['tun', { type: 'tun' }, 'tun'],
    ['bridge', { stp_state: 1 }, null],
  ])('mode of a %s with %j', (kind, data, mode) => {
    const l = parseLink('n', {
      ifindex: 3,
      ifname: 'c',
      flags: [],
      link_type: 'ether',
      linkinfo: { info_kind: kind, info_data: data },
    }).link;
    expect(l.mode).toBe(mode);
  });
  it('a link without flags or operstate still parses (operstate UNKNOWN, down)', () => {
    const l = parseLink('n', { ifindex: 3, ifname: 'c' }).link;
    expect(l).toMatchObject({ up: false, operstate: 'UNKNOWN', mtu: null, mac: null, kind: 'unknown', flags: [] });
  });
  it('a document missing ifindex is an error that names the field', () => {
    expect(() => parseLink('n', { ifname: 'c', flags: [] })).toThrow(/ifindex/);
  });
});
