import { describe, expect, it } from 'vitest';
import {
  addressLine,
  buildGraph,
  DEFAULT_VIEW,
  LABEL_CHARS,
  linkNodeId,
  nsNodeId,
  refOfNodeId,
  type GraphModel,
  type ViewOptions,
} from '../../components/graph/model';
import { revealIn } from '../../components/graph/reveal';
import { indexHost } from '../../components/host/lookup';
import { routeRows, tableRows } from '../../components/table/rows';
import { inodes, labSnapshot, linkIn } from './graph-fixture';

const snap = labSnapshot();
const L = (ns: string, name: string) => linkNodeId(linkIn(snap, ns, name).id);
const N = (label: string) => nsNodeId(inodes[label]);
const view = (o: Partial<ViewOptions>): ViewOptions => ({ ...DEFAULT_VIEW, ...o });
const node = (m: GraphModel, id: string) => m.nodes.find((n) => n.id === id);
const edgeIds = (m: GraphModel, type?: string) => m.edges.filter((e) => !type || e.type === type).map((e) => e.id);
const nameOf = (id: string) => {
  const ref = refOfNodeId(id)!;
  return ref.type === 'link'
    ? snap.links.find((l) => l.id === ref.id)!.name
    : snap.namespaces.find((n) => n.id === ref.id)!.label;
};

describe('graph model of the captured lab VM', () => {
  const base = buildGraph(snap);

  it.each([
    ['root', 'eth0', 'physical'],
    ['root', 'eth2', 'pf'],
    ['root', 'br0', 'bridge'],
    ['root', 've-a', 'veth'],
    ['root', 'bond0', 'bond'],
    ['root', 'd0', 'dummy'],
    ['root', 'tap0', 'tun'],
    ['root', 'vx42', 'vxlan'],
    ['root', 'vl10', 'vlan'],
    ['root', 'mvt0', 'macvtap'],
    ['root', 'mv-vepa', 'macvlan'],
    ['root', 'ipv-l2', 'ipvlan'],
    ['root', 'vrf-blue', 'other'],
    ['red', 'ipv-l3', 'ipvlan'],
    ['unnamed', 've-p', 'veth'],
  ])('%s/%s is drawn as kind %s inside its namespace', (ns, name, kc) => {
    const n = node(base, L(ns, name));
    expect(n?.kindClass).toBe(kc);
    expect(n?.classes).toContain(`k-${kc}`);
    expect(n?.parent).toBe(N(ns));
    expect(n?.label.split('\n')[0]).toBe(name);
  });

  it.each([
    ['root', 'eth0', 'admin-up', 'op-up'],
    ['root', 'd0', 'admin-down', 'op-down'],
    ['red', 'ipv-l3', 'admin-up', 'op-unknown'],
  ])('%s/%s shows admin and oper state (%s, %s)', (ns, name, admin, oper) => {
    expect(node(base, L(ns, name))?.classes).toEqual(expect.arrayContaining([admin, oper]));
  });

  it("hides the kernel's fallback tunnel devices (sit0 of kind sit) with loopback, not a user's link of that name", () => {
    expect(node(base, L('root', 'sit0'))).toBeUndefined();
    expect(node(buildGraph(snap, view({ showLoopback: true })), L('root', 'sit0'))?.kindClass).toBe('other');
    const renamed = { ...snap, links: snap.links.map((l) => (l.name === 'd0' ? { ...l, name: 'sit0' } : l)) };
    expect(node(buildGraph(renamed), L('root', 'd0'))?.label.split('\n')[0]).toBe('sit0');
    expect(revealIn(DEFAULT_VIEW, snap, { type: 'link', id: linkIn(snap, 'root', 'sit0').id }).showLoopback).toBe(true);
  });

  it('draws every namespace, root first, and hides loopback unless asked', () => {
    const ns = base.nodes.filter((n) => n.type === 'namespace').map((n) => n.id);
    expect(ns[0]).toBe(N('root'));
    expect(new Set(ns)).toEqual(new Set(['root', 'red', 'blue', 'green', 'unnamed'].map(N)));
    expect(base.nodes.some((n) => n.kindClass === 'loopback')).toBe(false);
    const withLo = buildGraph(snap, view({ showLoopback: true }));
    expect(
      withLo.nodes
        .filter((n) => n.kindClass === 'loopback')
        .map((n) => n.parent)
        .sort(),
    ).toEqual(ns.slice().sort());
  });

  it.each([
    ['red', 'default dev ipv-l3'],
    ['root', 'default via fe80::2 dev eth0'],
  ])('namespace %s shows its default route "%s"', (ns, text) => {
    expect(node(base, N(ns))?.label).toContain(text);
  });

  it.each([
    ['parent', 'red', 'ipv-l3', 'root', 'eth1', true],
    ['parent', 'blue', 'mv-bridge', 'root', 'eth0', true],
    ['parent', 'root', 'mv-pass', 'root', 'd0', false],
    ['parent', 'root', 'vx42', 'root', 'eth1', false],
    ['parent', 'root', 'vl20ad', 'root', 'eth1', false],
    ['master', 'root', 've-a', 'root', 'br0', false],
  ])('%s edge %s/%s → %s/%s (cross-namespace: %s)', (type, a, an, b, bn, cross) => {
    const e = base.edges.find((x) => x.id === `${type}:${L(a, an)}|${L(b, bn)}`);
    expect(e).toBeDefined();
    expect([e?.source, e?.target, e?.cross]).toEqual([L(a, an), L(b, bn), cross]);
  });

  it.each([
    ['root', 've-a', 'green', 've-b'],
    ['red', 've-r', 'green', 've-g'],
    ['green', 've-u', 'unnamed', 've-p'],
  ])('one peer edge joins veth %s/%s and %s/%s', (a, an, b, bn) => {
    const ends = [L(a, an), L(b, bn)].sort();
    const found = base.edges.filter((e) => e.type === 'peer' && [e.source, e.target].sort().join() === ends.join());
    expect(found).toHaveLength(1);
  });

  it('has exactly the peer edges of the three veth pairs, and ids are stable across builds', () => {
    expect(edgeIds(base, 'peer')).toHaveLength(3);
    const again = buildGraph(labSnapshot());
    expect(again.nodes.map((n) => n.id)).toEqual(base.nodes.map((n) => n.id));
    expect(again.edges.map((e) => e.id)).toEqual(base.edges.map((e) => e.id));
    expect(again.nodes.map((n) => n.sig)).toEqual(base.nodes.map((n) => n.sig));
  });

  it('draws PF → VF netdev once, whichever side names the other', () => {
    const s = labSnapshot();
    const pf = linkIn(s, 'root', 'eth2');
    const vf = linkIn(s, 'green', 've-b');
    pf.sriov!.vfs[1].netdevId = vf.id;
    vf.vf = { pfId: pf.id, pfName: pf.name, index: 1 };
    const m = buildGraph(s);
    expect(edgeIds(m, 'vf')).toEqual([`vf:${linkNodeId(pf.id)}|${linkNodeId(vf.id)}`]);
  });

  it.each<[string, Partial<ViewOptions>, string[], string[]]>([
    // collapsed namespace ids, node ids expected to be present, absent
    ['green collapsed', { collapsed: [inodes.green] }, [N('green')], [L('green', 've-b'), L('green', 've-g')]],
    [
      'root collapsed',
      { collapsed: [inodes.root] },
      [N('root'), L('red', 'ipv-l3')],
      [L('root', 'eth0'), L('root', 'br0')],
    ],
  ])('%s: the namespace is one node and its links are gone', (_, o, present, absent) => {
    const m = buildGraph(snap, view(o));
    for (const id of present) expect(node(m, id)).toBeDefined();
    for (const id of absent) expect(node(m, id)).toBeUndefined();
    expect(m.nodes.filter((n) => n.parent && o.collapsed!.map(nsNodeId).includes(n.parent))).toEqual([]);
  });

  it.each<[string[], string, string, string]>([
    // collapsed, edge type, source, target (as they must read after re-routing)
    [['green'], 'peer', L('root', 've-a'), N('green')],
    [['green'], 'peer', L('red', 've-r'), N('green')],
    [['green'], 'peer', L('unnamed', 've-p'), N('green')],
    [['root'], 'parent', L('red', 'ipv-l3'), N('root')],
    [['root'], 'parent', L('blue', 'mv-bridge'), N('root')],
    [['root', 'green'], 'peer', N('green'), N('root')],
    [['root', 'red'], 'parent', N('red'), N('root')],
  ])('collapsed %j re-routes a %s edge to %s — %s', (collapsed, type, a, b) => {
    const m = buildGraph(snap, view({ collapsed: collapsed.map((c) => inodes[c]) }));
    const found = m.edges.filter((e) => e.type === type && [e.source, e.target].sort().join() === [a, b].sort().join());
    expect(found).toHaveLength(1);
    expect(m.edges.every((e) => e.source !== e.target)).toBe(true);
    const ids = new Set(m.nodes.map((n) => n.id));
    expect(m.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  });

  it('merges the relations a collapsed namespace stands for into one edge with a count', () => {
    const m = buildGraph(snap, view({ collapsed: [inodes.root, inodes.blue] }));
    const e = m.edges.filter((x) => x.source === N('blue') && x.target === N('root'));
    expect(e.map((x) => [x.type, x.count])).toEqual([['parent', 1]]);
    const red = buildGraph(snap, view({ collapsed: [inodes.root, inodes.red] }));
    expect(red.edges.find((x) => x.source === N('red') && x.target === N('root'))?.count).toBe(1);
    const green = buildGraph(snap, view({ collapsed: [inodes.green] }));
    // green holds three veth ends whose peers are in three different places: three edges, no merge
    expect(green.edges.filter((x) => x.type === 'peer')).toHaveLength(3);
  });

  it.each<[string, Partial<ViewOptions>, (id: string) => boolean]>([
    ['only veths', { kinds: ['veth'] }, (id) => nameOf(id).startsWith('ve-')],
    ['only ipvlan and physical', { kinds: ['ipvlan', 'physical'] }, (id) => /^(ipv-|eth[01]$)/.test(nameOf(id))],
    [
      'loopback shown but kinds limited to loopback',
      { showLoopback: true, kinds: ['loopback'] },
      (id) => nameOf(id) === 'lo',
    ],
  ])('kind filter: %s', (_, o, ok) => {
    const m = buildGraph(snap, view(o));
    const links = m.nodes.filter((n) => n.type === 'link');
    expect(links.length).toBeGreaterThan(0);
    for (const n of links) expect(ok(n.id), n.id).toBe(true);
    const ids = new Set(m.nodes.map((n) => n.id));
    expect(m.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  });

  it('namespace filter keeps only those namespaces and the edges between them', () => {
    const m = buildGraph(snap, view({ namespaces: [inodes.red, inodes.green] }));
    expect(new Set(m.nodes.map((n) => n.nsId))).toEqual(new Set([inodes.red, inodes.green]));
    expect(edgeIds(m)).toEqual([`peer:${[L('red', 've-r'), L('green', 've-g')].sort().join('|')}`]);
  });

  it.each<[string, string[]]>([
    ['ve-', ['ve-a', 've-b', 've-r', 've-g', 've-u', 've-p']],
    ['10.1.0.2', ['ve-g']],
    ['10.1.0.0/24', ['ve-r', 've-g']],
    ['192.168.0.0/16', ['ipv-l3']],
    ['fd00:1::1', ['ve-r']],
    ['fd00::/8', ['ve-r']],
    ['52-54-00-12-34-56', ['eth0']],
    ['5A:E9:E8:2A:81:ED', ['d0', 'mv-pass']],
    ['02:00:00:00:01:01', ['eth2']],
    ['red ve', ['ve-r']],
    ['green', ['green']],
    ['MV-BR', ['mv-bridge']],
    ['nothing-like-this', []],
  ])('search %j matches %j', (search, names) => {
    const m = buildGraph(snap, view({ search }));
    expect(m.matches.map(nameOf).sort()).toEqual([...names].sort());
  });

  it.each<[string, string[], string[]]>([
    // a link matches: it and its namespace stay lit, the rest dims
    ['red ve', [L('red', 've-r'), N('red')], [L('green', 've-g'), L('root', 'eth0'), N('green'), N('root')]],
    // a namespace matches: it and every link in it stay lit
    ['green', [N('green'), L('green', 've-g'), L('green', 've-b')], [L('red', 've-r'), N('red'), L('root', 'eth0')]],
    // no match: everything dims
    ['nothing-like-this', [], [L('red', 've-r'), N('red'), N('green'), L('root', 'eth0')]],
    // no search: nothing dims
    ['', [L('red', 've-r'), N('red'), N('green'), L('root', 'eth0')], []],
  ])('search %j dims what does not match', (search, lit, dim) => {
    const m = buildGraph(snap, view({ search }));
    const dimmed = (id: string) => node(m, id)!.classes.includes('dim');
    for (const id of lit) expect(dimmed(id), `${id} lit`).toBe(false);
    for (const id of dim) expect(dimmed(id), `${id} dimmed`).toBe(true);
  });

  it('a collapsed namespace matches when one of its links does', () => {
    const m = buildGraph(snap, view({ search: 've-g', collapsed: [inodes.green] }));
    expect(m.matches).toEqual([N('green')]);
  });
});

describe('reveal and table rows', () => {
  it.each<[string, Partial<ViewOptions>, 'link' | 'namespace', () => string, Partial<ViewOptions>]>([
    [
      'expands the collapsed namespace of a link',
      { collapsed: [inodes.green, inodes.red] },
      'link',
      () => linkIn(snap, 'green', 've-b').id,
      { collapsed: [inodes.red] },
    ],
    [
      'adds its namespace to a namespace filter',
      { namespaces: [inodes.red] },
      'link',
      () => linkIn(snap, 'green', 've-g').id,
      { namespaces: [inodes.red, inodes.green] },
    ],
    ['shows loopback when jumping to lo', {}, 'link', () => linkIn(snap, 'red', 'lo').id, { showLoopback: true }],
    [
      'adds the kind to a kind filter',
      { kinds: ['veth'] },
      'link',
      () => linkIn(snap, 'root', 'eth0').id,
      { kinds: ['veth', 'physical'] },
    ],
    [
      'leaves a collapsed namespace collapsed when jumping to the namespace',
      { collapsed: [inodes.green] },
      'namespace',
      () => inodes.green,
      { collapsed: [inodes.green] },
    ],
  ])('revealIn %s', (_, from, type, id, expected) => {
    expect(revealIn(view(from), snap, { type, id: id() })).toEqual(view({ ...from, ...expected }));
  });

  it.each<[string, Partial<ViewOptions>, Record<string, string[]>]>([
    ['search by address narrows to matching links', { search: '10.1.0.0/24' }, { red: ['ve-r'], green: ['ve-g'] }],
    [
      'a matching namespace keeps all its (visible) links; a link matches by name',
      { search: 'blue' },
      { root: ['vrf-blue'], blue: ['mv-bridge'] },
    ], // blue's sit0 is a fallback device, hidden with loopback,
    [
      'namespace and kind filters apply',
      { namespaces: [inodes.green], kinds: ['veth'] },
      { green: ['ve-b', 've-g', 've-u'] },
    ],
  ])('tableRows: %s', (_, o, expected) => {
    const rows = tableRows(snap, indexHost(snap), view(o));
    const got = Object.fromEntries(rows.map((r) => [r.ns.label, r.links.map((l) => l.name).sort()]));
    expect(got).toEqual(expected);
  });

  it('routeRows lists every route of the visible namespaces, filtered by search', () => {
    const ix = indexHost(snap);
    expect(routeRows(snap, ix, view({})).length).toBe(snap.routes.length);
    const t100 = routeRows(snap, ix, view({ search: '10.99.0.0/16' }));
    expect(t100.map((r) => [r.nsId, r.table])).toEqual([[inodes.green, '100']]);
  });
});

describe('addressLine: a link node shows its addresses in one line that fits the box', () => {
  it.each<[string[], string]>([
    [['10.0.0.1/24'], '10.0.0.1/24'],
    [['fd00::1/64', '10.0.0.1/24'], '10.0.0.1/24 +1'],
    [['10.0.0.1/8', '10.0.0.2/8'], '10.0.0.1/8 +1'],
    [['2001:db8:aaaa:bbbb:cccc:dddd:eeee:1/64'], '2001:db8:aaaa:b…/64'],
    [['2001:db8:aaaa:bbbb::1/64', 'fd00::5/64'], '2001:db8:aaa…/64 +1'],
  ])('%j → %s', (cidrs, line) => {
    expect(addressLine(cidrs)).toBe(line);
  });
  it('never exceeds the box', () => {
    const v6 = Array.from({ length: 5 }, (_, i) => `fd12:3456:789a:${i}::${i + 1}/64`);
    for (let n = 1; n <= v6.length; n++) expect(addressLine(v6.slice(0, n)).length).toBeLessThanOrEqual(LABEL_CHARS);
    expect(addressLine(['10.200.200.200/32', '10.200.200.201/32', ...v6]).length).toBeLessThanOrEqual(LABEL_CHARS);
  });
});
