// Cross-namespace id resolution: on the whole captured lab VM host, then on crafted hosts for the
// heuristics (nsids without names, inference from veths, root preference, what stays unresolved).
import { describe, expect, it } from 'vitest';
import { parseNamespace, type ParsedNamespace } from '../../server/ip/parse';
import { resolveHost } from '../../server/host/resolve';
import { computeWarnings } from '../../server/host/warnings';
import type { Link, Namespace } from '../../shared/host/types';
import { CAPTURE_INODES as INO, loadCaptures, type CaptureLabel } from '../fixtures/captures';

describe('the captured lab VM host', () => {
  const { namespaces, parsed } = loadCaptures();
  const { links, nsidMaps, unresolved } = resolveHost(namespaces, parsed);
  const find = (label: CaptureLabel, name: string): Link => {
    const l = links.find((x) => x.nsId === INO[label] && x.name === name);
    if (!l) throw new Error(`no ${name} in ${label}`);
    return l;
  };
  const idOf = (ref: string | null) =>
    ref === null ? null : find(ref.split('/')[0] as CaptureLabel, ref.split('/')[1]).id;

  // ns, name, kind, mode, parent, peer, master (as "label/name")
  const rows: [CaptureLabel, string, string, string | null, string | null, string | null, string | null][] = [
    ['root', 'lo', 'loopback', null, null, null, null],
    ['root', 'eth0', 'physical', null, null, null, null],
    ['root', 'eth1', 'physical', null, null, null, null],
    ['root', 'sit0', 'sit', null, null, null, null],
    ['root', 'd0', 'dummy', null, null, null, null],
    ['root', 'ipv-l2', 'ipvlan', 'l3 vepa', 'root/eth1', null, null],
    ['root', 'ipv-l3s', 'ipvlan', 'l3 vepa', 'root/eth1', null, null],
    ['root', 'ipv-priv', 'ipvlan', 'l3 vepa', 'root/eth1', null, null],
    ['root', 'ipv-vepa', 'ipvlan', 'l3 vepa', 'root/eth1', null, null],
    ['root', 'mv-private', 'macvlan', 'private', 'root/eth0', null, null],
    ['root', 'mv-vepa', 'macvlan', 'vepa', 'root/eth0', null, null],
    ['root', 'mv-source', 'macvlan', 'source', 'root/eth0', null, null],
    ['root', 'mv-pass', 'macvlan', 'passthru', 'root/d0', null, null],
    ['root', 'mvt0', 'macvtap', 'bridge', 'root/eth0', null, null],
    ['root', 'vl10', 'vlan', '802.1Q', 'root/eth1', null, null],
    ['root', 'vl20ad', 'vlan', '802.1ad', 'root/eth1', null, null],
    ['root', 'vx42', 'vxlan', null, 'root/eth1', null, null], // the underlay, from info_data.link
    ['root', 'br0', 'bridge', null, null, null, null],
    ['root', 've-a', 'veth', null, null, 'green/ve-b', 'root/br0'],
    ['root', 'bond0', 'bond', 'active-backup', null, null, null],
    ['root', 'vrf-blue', 'vrf', null, null, null, null],
    ['root', 'tap0', 'tun', 'tap', null, null, null],
    ['root', 'eth2', 'physical', null, null, null, null],
    ['red', 'lo', 'loopback', null, null, null, null],
    ['red', 'sit0', 'sit', null, null, null, null],
    ['red', 've-r', 'veth', null, null, 'green/ve-g', null],
    ['red', 'ipv-l3', 'ipvlan', 'l3 vepa', 'root/eth1', null, null], // moved: parent stays in root
    ['blue', 'lo', 'loopback', null, null, null, null],
    ['blue', 'sit0', 'sit', null, null, null, null],
    ['blue', 'mv-bridge', 'macvlan', 'bridge', 'root/eth0', null, null],
    ['green', 'lo', 'loopback', null, null, null, null],
    ['green', 'sit0', 'sit', null, null, null, null],
    ['green', 've-b', 'veth', null, null, 'root/ve-a', null],
    ['green', 've-g', 'veth', null, null, 'red/ve-r', null],
    ['green', 've-u', 'veth', null, null, 'unnamed/ve-p', null],
    ['unnamed', 'lo', 'loopback', null, null, null, null],
    ['unnamed', 'sit0', 'sit', null, null, null, null],
    ['unnamed', 've-p', 'veth', null, null, 'green/ve-u', null],
  ];

  it('has exactly the captured links', () => {
    expect(links.map((l) => `${Object.keys(INO).find((k) => INO[k] === l.nsId)}/${l.name}`).sort()).toEqual(
      rows.map((r) => `${r[0]}/${r[1]}`).sort(),
    );
  });
  it.each(rows)('%s/%s: %s %s, parent %s, peer %s, master %s', (label, name, kind, mode, parent, peer, master) => {
    const l = find(label, name);
    expect(l.id).toBe(`${INO[label]}/${l.ifindex}`);
    expect(l.kind).toBe(kind);
    expect(l.mode).toBe(mode);
    expect(l.parentId).toBe(idOf(parent));
    expect(l.peerId).toBe(idOf(peer));
    expect(l.masterId).toBe(idOf(master));
    expect(l.parentUnresolved).toBe(false);
  });
  it('every veth pairs both ways', () => {
    for (const l of links.filter((x) => x.kind === 'veth')) {
      const p = links.find((x) => x.id === l.peerId)!;
      expect(p.peerId).toBe(l.id);
    }
  });
  it('resolves every relative nsid, by name where list-id names it and by inference elsewhere', () => {
    expect(nsidMaps).toEqual({
      [INO.root]: { 0: INO.red, 1: INO.blue, 2: INO.green },
      [INO.red]: { 0: INO.root, 1: INO.green }, // 0 has no name: the ipvlan's parent eth1 (same MAC) pins it to root
      [INO.blue]: { 0: INO.root }, // only a macvlan points there: ifindex 2 is ether only in root
      [INO.green]: { 0: INO.red, 1: INO.unnamed, 2: INO.root }, // 1 and 2 from the veths that point back
      [INO.unnamed]: { 0: INO.green },
    });
  });
  it('leaves nothing unresolved and warns about nothing', () => {
    expect(unresolved).toEqual([]);
    expect(computeWarnings(namespaces, links, unresolved)).toEqual([]);
  });
  it('does not depend on the order namespaces are read in', () => {
    const rev = resolveHost([...namespaces].reverse(), parsed);
    const key = (ls: Link[]) => ls.map((l) => [l.id, l.parentId, l.peerId, l.masterId].join()).sort();
    expect(key(rev.links)).toEqual(key(links));
  });
  it("without the unnamed namespace, its veth's peer is unresolved and says so", () => {
    const { namespaces: ns2, parsed: p2 } = loadCaptures(['root', 'red', 'blue', 'green']);
    const r = resolveHost(ns2, p2);
    const veU = r.links.find((l) => l.nsId === INO.green && l.name === 've-u')!;
    expect(veU.peerId).toBeNull();
    expect(r.unresolved).toEqual([`${veU.id} (ve-u): veth peer`]);
    const w = computeWarnings(ns2, r.links, r.unresolved);
    expect(w).toEqual([
      {
        code: 'unresolved',
        message: 'cannot resolve the veth peer of ve-u (namespace green): shown as unknown',
        ids: [veU.id],
      },
    ]);
    // the rest still resolves
    expect(r.links.find((l) => l.nsId === INO.green && l.name === 've-b')!.peerId).toBe(`${INO.root}/21`);
  });
});

// ---- crafted hosts ----

type RawIn = Record<string, unknown>;
let nextMac = 1;
const mac = () => `02:00:00:00:00:${(nextMac++).toString(16).padStart(2, '0')}`;
const nic = (ifindex: number, ifname: string, extra: RawIn = {}): RawIn => ({
  ifindex,
  ifname,
  flags: ['UP'],
  link_type: 'ether',
  address: mac(),
  ...extra,
});
const veth = (ifindex: number, ifname: string, lower: RawIn): RawIn =>
  nic(ifindex, ifname, { linkinfo: { info_kind: 'veth' }, ...lower });
const child = (kind: string, ifindex: number, ifname: string, lower: RawIn, extra: RawIn = {}): RawIn =>
  nic(ifindex, ifname, { linkinfo: { info_kind: kind, info_data: { mode: 'bridge' } }, ...lower, ...extra });

interface CraftNs {
  id: string;
  root?: boolean;
  name?: string | null;
  links: RawIn[];
  nsids?: { nsid: number; name?: string }[];
}
function host(spec: CraftNs[]) {
  const namespaces: Namespace[] = spec.map((s) => ({
    id: s.id,
    name: s.name ?? null,
    root: !!s.root,
    source: s.root ? 'root' : s.name ? 'named' : 'process',
    pids: s.root || s.name ? [] : [100],
    comms: [],
    label: s.id,
    path: null,
    error: null,
    owner: null,
  }));
  const parsed = new Map<string, ParsedNamespace>();
  for (const s of spec)
    parsed.set(s.id, parseNamespace(s.id, { links: s.links, addrs: [], routes: [], nsids: s.nsids ?? [] }));
  const r = resolveHost(namespaces, parsed);
  const get = (id: string) => {
    const l = r.links.find((x) => x.id === id);
    if (!l) throw new Error(`no link ${id}`);
    return l;
  };
  return { ...r, get, warnings: computeWarnings(namespaces, r.links, r.unresolved) };
}
const lo = nic(1, 'lo', { link_type: 'loopback', flags: ['LOOPBACK', 'UP'] });

describe('crafted: nsids without names', () => {
  it('a veth into an unnamed namespace pins the nsid both ways (each side its own nsid)', () => {
    const h = host([
      { id: 'R', root: true, links: [lo, veth(7, 'h0', { link_index: 2, link_netnsid: 4 })], nsids: [{ nsid: 4 }] },
      { id: 'P', links: [lo, veth(2, 'c0', { link_index: 7, link_netnsid: 0 })], nsids: [{ nsid: 0 }] },
      // a decoy: ifindex 2 is a veth here too, but it does not point back at 7
      { id: 'Q', links: [lo, veth(2, 'q0', { link_index: 9, link_netnsid: 0 })], nsids: [{ nsid: 0 }] },
    ]);
    expect(h.get('R/7').peerId).toBe('P/2');
    expect(h.get('P/2').peerId).toBe('R/7');
    expect(h.nsidMaps.R).toEqual({ 4: 'P' });
    expect(h.nsidMaps.P).toEqual({ 0: 'R' });
    expect(h.get('Q/2').peerId).toBeNull();
    expect(h.unresolved).toEqual(['Q/2 (q0): veth peer']);
  });
  it('once a veth pins an nsid, a macvlan using the same nsid follows it', () => {
    const h = host([
      {
        id: 'R',
        root: true,
        links: [lo, nic(2, 'eth0'), veth(8, 'h1', { link_index: 3, link_netnsid: 0 })],
        nsids: [{ nsid: 0 }],
      },
      // X: its nsid 5 reaches both R's eth0 (ifindex 2, ether) and Y's ifindex 2; the veth says it is R
      {
        id: 'X',
        links: [
          lo,
          veth(3, 'c1', { link_index: 8, link_netnsid: 5 }),
          child('macvlan', 4, 'mv0', { link_index: 2, link_netnsid: 5 }),
        ],
        nsids: [{ nsid: 5 }],
      },
      { id: 'Y', links: [lo, nic(2, 'y0')] },
    ]);
    expect(h.get('X/4').parentId).toBe('R/2');
    expect(h.nsidMaps.X).toEqual({ 5: 'R' });
  });
  it('names in list-id win, also when the host namespace itself is bind-mounted under a name', () => {
    const h = host([
      { id: 'R', root: true, name: 'host', links: [lo, nic(2, 'eth0')], nsids: [] },
      { id: 'Y', links: [lo, nic(2, 'y0')] },
      {
        id: 'X',
        name: 'x',
        links: [lo, child('macvlan', 4, 'mv0', { link_index: 2, link_netnsid: 0 })],
        nsids: [{ nsid: 0, name: 'host' }],
      },
    ]);
    expect(h.nsidMaps.X).toEqual({ 0: 'R' });
    expect(h.get('X/4').parentId).toBe('R/2');
  });
});

describe('crafted: ambiguity', () => {
  const ambiguous = (withRoot: boolean) =>
    host([
      { id: 'R', root: withRoot, links: [lo, nic(2, 'eth0')] },
      { id: 'Y', links: [lo, nic(2, 'y0')] },
      { id: 'X', links: [lo, child('macvlan', 4, 'mv0', { link_index: 2, link_netnsid: 0 })], nsids: [{ nsid: 0 }] },
    ]);
  it('a macvlan whose parent could be in two namespaces: the host namespace is preferred', () => {
    const h = ambiguous(true);
    expect(h.get('X/4').parentId).toBe('R/2');
    expect(h.get('X/4').parentUnresolved).toBe(false);
    expect(h.warnings).toEqual([]);
  });
  it('… and when neither is the host, nothing is guessed: parentUnresolved and a warning', () => {
    const h = ambiguous(false);
    expect(h.get('X/4')).toMatchObject({ parentId: null, parentUnresolved: true });
    expect(h.warnings).toEqual([
      {
        code: 'unresolved',
        message: 'cannot resolve the lower device of mv0 (namespace X): shown as unknown',
        ids: ['X/4'],
      },
    ]);
  });
  it('a veth is never resolved by preference: two candidates, no pick', () => {
    const h = host([
      { id: 'R', root: true, links: [lo, veth(9, 'r9', { link_index: 4, link_netnsid: 1 })], nsids: [{ nsid: 1 }] },
      { id: 'Y', links: [lo, veth(9, 'y9', { link_index: 4, link_netnsid: 1 })], nsids: [{ nsid: 1 }] },
      { id: 'X', links: [lo, veth(4, 'x4', { link_index: 9, link_netnsid: 0 })], nsids: [{ nsid: 0 }] },
    ]);
    expect(h.get('X/4').peerId).toBeNull();
    expect(h.unresolved).toContain('X/4 (x4): veth peer');
  });
  it("an ipvlan carries its parent's MAC: that picks the parent among ether links", () => {
    const h = host([
      { id: 'R', root: true, links: [lo, nic(3, 'eth1', { address: '52:54:00:00:00:01' })] },
      { id: 'Y', links: [lo, nic(3, 'y3', { address: '52:54:00:00:00:02' })] },
      {
        id: 'X',
        links: [lo, child('ipvlan', 7, 'iv0', { link_index: 3, link_netnsid: 0 }, { address: '52:54:00:00:00:02' })],
        nsids: [{ nsid: 0 }],
      },
    ]);
    expect(h.get('X/7').parentId).toBe('Y/3');
  });
  it("a macvlan's parent must be an ether device (not a sit tunnel or loopback at that index)", () => {
    const h = host([
      { id: 'R', root: true, links: [lo, nic(2, 'sit0', { link_type: 'sit', linkinfo: { info_kind: 'sit' } })] },
      { id: 'Y', links: [lo, nic(2, 'y2')] },
      { id: 'X', links: [lo, child('macvlan', 7, 'mv', { link_index: 2, link_netnsid: 0 })], nsids: [{ nsid: 0 }] },
    ]);
    expect(h.get('X/7').parentId).toBe('Y/2');
  });
});

describe('crafted: what cannot be resolved says so', () => {
  it.each([
    ['"link": null (lower index 0)', { link: null }],
    ['the old-kernel quirk: no parent at all', {}],
    ['an unresolvable "if7" name', { link: 'if7' }],
    ['link_netnsid -1', { link_index: 2, link_netnsid: -1 }],
    ['an nsid nothing explains', { link_index: 42, link_netnsid: 3 }],
    ['a same-namespace index that is not there', { link_index: 42 }],
  ])('a macvlan with %s: parent unknown, a warning, no crash', (_w, lower) => {
    const h = host([
      { id: 'R', root: true, links: [lo, nic(2, 'eth0'), nic(7, 'eth7'), child('macvlan', 9, 'mv9', lower)] },
      { id: 'Y', links: [lo, nic(2, 'y2')] },
    ]);
    expect(h.get('R/9')).toMatchObject({ parentId: null, parentUnresolved: true, peerId: null });
    expect(h.unresolved).toEqual(['R/9 (mv9): lower device']);
    expect(h.warnings.map((w) => [w.code, w.ids])).toEqual([['unresolved', ['R/9']]]);
  });
  it('a vxlan without an underlay device is not "unresolved" (it has none)', () => {
    const h = host([
      {
        id: 'R',
        root: true,
        links: [lo, nic(5, 'vx0', { linkinfo: { info_kind: 'vxlan', info_data: { id: 5, group: '239.1.1.1' } } })],
      },
    ]);
    expect(h.get('R/5')).toMatchObject({ parentId: null, parentUnresolved: false });
    expect(h.unresolved).toEqual([]);
  });
  it('a vxlan whose underlay name is not in its namespace is unresolved', () => {
    const h = host([
      {
        id: 'R',
        root: true,
        links: [lo, nic(5, 'vx0', { linkinfo: { info_kind: 'vxlan', info_data: { id: 5, link: 'gone0' } } })],
      },
    ]);
    expect(h.get('R/5').parentUnresolved).toBe(true);
  });
  it('a sit tunnel with "link": null is simply not bound to a device', () => {
    const h = host([
      {
        id: 'R',
        root: true,
        links: [lo, nic(4, 'sit0', { link: null, link_type: 'sit', linkinfo: { info_kind: 'sit' } })],
      },
    ]);
    expect(h.get('R/4')).toMatchObject({ parentId: null, parentUnresolved: false });
    expect(h.unresolved).toEqual([]);
  });
  it('a veth with "link": null has an unresolved peer', () => {
    const h = host([{ id: 'R', root: true, links: [lo, veth(4, 'v4', { link: null })] }]);
    expect(h.get('R/4').peerId).toBeNull();
    expect(h.unresolved).toEqual(['R/4 (v4): veth peer']);
  });
});

describe('crafted: veths whose peer namespace no nsid names', () => {
  it('link_netnsid -1 on both ends: the unique veth pointing back is the peer', () => {
    const h = host([
      { id: 'R', root: true, links: [lo, veth(6, 'r6', { link_index: 3, link_netnsid: -1 })] },
      { id: 'X', links: [lo, veth(3, 'x3', { link_index: 6, link_netnsid: -1 })] },
      { id: 'Y', links: [lo, veth(3, 'y3', { link_index: 8, link_netnsid: -1 })] }, // not pointing at 6
    ]);
    expect(h.get('R/6').peerId).toBe('X/3');
    expect(h.get('X/3').peerId).toBe('R/6');
    expect(h.get('Y/3').peerId).toBeNull();
    expect(h.unresolved).toEqual(['Y/3 (y3): veth peer']);
    // -1 is never recorded as an nsid: it does not name one namespace
    expect(h.nsidMaps.R).toEqual({});
  });
  it('an old kernel without link_netnsid prints "ifN" on both ends: paired the same way', () => {
    const h = host([
      { id: 'R', root: true, links: [lo, veth(6, 'r6', { link: 'if3' })] },
      { id: 'X', links: [lo, veth(3, 'x3', { link: 'if6' })] },
    ]);
    expect(h.get('R/6').peerId).toBe('X/3');
    expect(h.get('X/3').peerId).toBe('R/6');
    expect(h.unresolved).toEqual([]);
  });
  it('two veths point back: ambiguous, nothing guessed', () => {
    const h = host([
      { id: 'R', root: true, links: [lo, veth(6, 'r6', { link_index: 3, link_netnsid: -1 })] },
      { id: 'X', links: [lo, veth(3, 'x3', { link_index: 6, link_netnsid: -1 })] },
      { id: 'Y', links: [lo, veth(3, 'y3', { link_index: 6, link_netnsid: -1 })] },
    ]);
    expect(h.get('R/6').peerId).toBeNull();
    expect(h.unresolved).toContain('R/6 (r6): veth peer');
  });
  it('a device literally named "if3" is taken by name, in its own namespace', () => {
    const h = host([{ id: 'R', root: true, links: [lo, nic(3, 'if3'), child('macvlan', 4, 'mv', { link: 'if3' })] }]);
    expect(h.get('R/4').parentId).toBe('R/3');
  });
  it('a veth pair inside one namespace refers by name', () => {
    const h = host([{ id: 'R', root: true, links: [lo, veth(4, 'a', { link: 'b' }), veth(5, 'b', { link: 'a' })] }]);
    expect(h.get('R/4').peerId).toBe('R/5');
    expect(h.get('R/5').peerId).toBe('R/4');
  });
});

describe('crafted: masters', () => {
  it("bridge and bond ports get their master's id; a master name that is not there gives null", () => {
    const h = host([
      {
        id: 'R',
        root: true,
        links: [
          lo,
          nic(2, 'br0', { linkinfo: { info_kind: 'bridge', info_data: {} } }),
          nic(3, 'p1', {
            master: 'br0',
            linkinfo: { info_slave_kind: 'bridge', info_slave_data: { state: 'forwarding' } },
          }),
          nic(4, 'bond0', { linkinfo: { info_kind: 'bond', info_data: { mode: '802.3ad' } } }),
          nic(5, 'p2', { master: 'bond0', linkinfo: { info_slave_kind: 'bond' } }),
          nic(6, 'p3', { master: 'nope' }),
        ],
      },
    ]);
    expect(h.get('R/3')).toMatchObject({ masterId: 'R/2', slaveKind: 'bridge' });
    expect(h.get('R/5')).toMatchObject({ masterId: 'R/4', slaveKind: 'bond' });
    expect(h.get('R/6').masterId).toBeNull();
    expect(h.get('R/4').mode).toBe('802.3ad');
  });
});
