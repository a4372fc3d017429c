import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyDiff,
  canonicalize,
  computeDiff,
  deepEqual,
  isEmptyDiff,
  RESOLVED_LINK_FIELDS,
} from '../../shared/host/diff';
import type { Address, HostSnapshot, Link, Namespace, Route } from '../../shared/host/types';

const ns = (id: string, over: Partial<Namespace> = {}): Namespace => ({
  id,
  name: over.root ? null : `ns${id}`,
  root: false,
  source: 'named',
  pids: [],
  comms: [],
  label: over.root ? 'host' : `ns${id}`,
  path: null,
  error: null,
  owner: null,
  ...over,
});

const link = (nsId: string, ifindex: number, name: string, over: Partial<Link> = {}): Link => ({
  id: `${nsId}/${ifindex}`,
  nsId,
  ifindex,
  name,
  kind: 'veth',
  mode: null,
  up: false,
  operstate: 'DOWN',
  flags: ['BROADCAST', 'MULTICAST'],
  mtu: 1500,
  minMtu: 68,
  maxMtu: 65535,
  mac: `02:00:00:00:${String(ifindex).padStart(2, '0')}:${nsId.slice(-2).padStart(2, '0')}`,
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

const addr = (cidr: string): Address => ({
  family: cidr.includes(':') ? 'inet6' : 'inet',
  cidr,
  scope: 'global',
  flags: [],
});

const route = (nsId: string, dst: string, over: Partial<Route> = {}): Route => ({
  nsId,
  table: 'main',
  type: 'unicast',
  family: 'inet',
  dst,
  gateway: null,
  devId: null,
  dev: null,
  protocol: 'kernel',
  scope: 'link',
  metric: null,
  prefsrc: null,
  flags: [],
  nexthops: [],
  ...over,
});

const snap = (
  namespaces: Namespace[],
  links: Link[],
  routes: Route[] = [],
  over: Partial<HostSnapshot> = {},
): HostSnapshot =>
  canonicalize({
    takenAt: '2025-01-01T00:00:00.000Z',
    hostname: 'h',
    root: true,
    hidden: [],
    namespaces,
    links,
    routes,
    warnings: [],
    ...over,
  });

const ROOT = ns('100', { root: true, source: 'root' });
const RED = ns('201', { name: 'red', label: 'red' });
const BLUE = ns('202', { name: 'blue', label: 'blue' });
const base = snap(
  [ROOT, RED, BLUE],
  [link('100', 1, 'lo', { kind: 'loopback' }), link('201', 3, 'eth1', { addresses: [addr('10.1.0.2/24')] })],
  [route('201', '10.1.0.0/24', { dev: 'eth1', devId: '201/3' })],
);
const at = (s: HostSnapshot) => ({ ...s, takenAt: '2025-01-01T00:00:01.000Z' });

describe('computeDiff: what changed, and the activity line an operator reads', () => {
  const cases: {
    name: string;
    next: HostSnapshot;
    lines: string[];
    upserts?: number;
    removes?: number;
    routeNs?: string[];
  }[] = [
    { name: 'nothing', next: at(base), lines: [], upserts: 0, removes: 0, routeNs: [] },
    {
      name: 'macvlan added in a named namespace',
      next: at(
        snap(base.namespaces, [...base.links, link('202', 5, 'mv0', { kind: 'macvlan', mode: 'bridge' })], base.routes),
      ),
      lines: ['mv0 added in ns blue'],
      upserts: 1,
    },
    {
      name: 'address removed',
      next: at(snap(base.namespaces, [base.links[0], { ...base.links[1], addresses: [] }], base.routes)),
      lines: ['10.1.0.2/24 removed from eth1 in ns red'],
      upserts: 1,
    },
    {
      name: 'address added',
      next: at(
        snap(
          base.namespaces,
          [base.links[0], { ...base.links[1], addresses: [addr('10.1.0.2/24'), addr('fd00::2/64')] }],
          base.routes,
        ),
      ),
      lines: ['fd00::2/64 added to eth1 in ns red'],
    },
    {
      name: 'namespace deleted takes its links and routes',
      next: at(snap([ROOT, BLUE], [base.links[0]])),
      lines: ['namespace red deleted'],
      removes: 1,
      routeNs: ['201'],
    },
    {
      name: 'namespace added',
      next: at(
        snap(
          [...base.namespaces, ns('203', { name: 'green', label: 'green' })],
          [...base.links, link('203', 1, 'lo', { kind: 'loopback' })],
          base.routes,
        ),
      ),
      lines: ['namespace green added'],
    },
    {
      name: 'admin up',
      next: at(snap(base.namespaces, [base.links[0], { ...base.links[1], up: true, operstate: 'UP' }], base.routes)),
      lines: ['eth1 up in ns red'],
    },
    {
      name: 'mtu',
      next: at(snap(base.namespaces, [base.links[0], { ...base.links[1], mtu: 9000 }], base.routes)),
      lines: ['mtu 1500→9000 on eth1 in ns red'],
    },
    {
      name: 'rename',
      next: at(snap(base.namespaces, [base.links[0], { ...base.links[1], name: 'wan' }], base.routes)),
      lines: ['eth1 renamed to wan in ns red'],
    },
    {
      name: 'moved between namespaces',
      next: at(
        snap(
          base.namespaces,
          [base.links[0], { ...base.links[1], id: '202/7', nsId: '202', ifindex: 7, addresses: [] }],
          [],
        ),
      ),
      lines: ['eth1 moved from ns red to ns blue', 'route 10.1.0.0/24 dev eth1 removed in ns red'],
      upserts: 1,
      removes: 1,
      routeNs: ['201'],
    },
    {
      name: 'default route added (local-table routes stay out of the list)',
      next: at(
        snap(base.namespaces, base.links, [
          ...base.routes,
          route('201', 'default', { gateway: '10.1.0.1', dev: 'eth1', scope: null, protocol: 'boot' }),
          route('201', '10.1.0.2', { table: 'local', type: 'local' }),
        ]),
      ),
      lines: ['route default via 10.1.0.1 dev eth1 added in ns red'],
      routeNs: ['201'],
    },
    {
      name: 'a peer resolving is a change without a specific line',
      next: at(snap(base.namespaces, [base.links[0], { ...base.links[1], peerId: '100/9' }], base.routes)),
      lines: ['eth1 changed in ns red'],
    },
  ];
  it.each(cases)('$name', ({ next, lines, upserts, removes, routeNs }) => {
    const d = computeDiff(base, next);
    expect(d.activity.map((a) => a.text)).toEqual(lines);
    if (upserts !== undefined) expect(d.links.upsert.length + d.namespaces.upsert.length).toBe(upserts);
    if (removes !== undefined)
      expect(d.links.remove.length + d.namespaces.remove.length).toBeGreaterThanOrEqual(removes);
    if (routeNs !== undefined) expect(d.routes.nsIds).toEqual(routeNs);
    expect(applyDiff(base, d)).toEqual(next);
  });

  it('only changed objects are upserted', () => {
    const next = at(snap(base.namespaces, [base.links[0], { ...base.links[1], mtu: 9000 }], base.routes));
    const d = computeDiff(base, next);
    expect(d.links.upsert.map((l) => l.id)).toEqual(['201/3']);
    expect(d.namespaces.upsert).toEqual([]);
    expect(d.routes.nsIds).toEqual([]);
    expect(isEmptyDiff(d, base)).toBe(false);
    expect(isEmptyDiff(computeDiff(base, at(base)), base)).toBe(true);
  });

  it('warnings and hidden are carried whole, and a change to them alone is not empty', () => {
    const next = at({ ...base, warnings: [{ code: 'x', message: 'm', ids: [] }] });
    const d = computeDiff(base, next);
    expect(isEmptyDiff(d, base)).toBe(false);
    expect(applyDiff(base, d).warnings).toEqual(next.warnings);
  });

  it('caps the activity list and says how many more', () => {
    const many = Array.from({ length: 60 }, (_, i) => link('202', 10 + i, `v${i}`));
    const d = computeDiff(base, at(snap(base.namespaces, [...base.links, ...many], base.routes)));
    expect(d.activity).toHaveLength(30);
    expect(d.activity.at(-1)?.text).toBe('… and 31 more changes');
  });

  it('deepEqual ignores key order and undefined keys, not values', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: null }, { a: 0 })).toBe(false);
    expect(deepEqual([], {})).toBe(false);
  });
});

// ---- property: applyDiff(a, computeDiff(a, b)) equals b ----

const NS_IDS = ['100', '201', '202', '203', '4026531840'];
const arbNs = (id: string) =>
  fc
    .record({
      source:
        id === '100'
          ? fc.constant('root' as const)
          : fc.constantFrom('named' as const, 'docker' as const, 'process' as const),
      name: fc.option(fc.constantFrom('red', 'blue', 'green'), { nil: null }),
      pids: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 2 }),
      error: fc.option(fc.constantFrom('Permission denied'), { nil: null }),
    })
    .map((r) => ns(id, { ...r, root: id === '100', label: r.name ?? `pid ${r.pids[0] ?? '?'}` }));

const arbLink = (nsIds: string[]) =>
  fc
    .record({
      nsId: fc.constantFrom(...nsIds),
      ifindex: fc.integer({ min: 1, max: 12 }),
      name: fc.constantFrom('lo', 'eth0', 'eth1', 've-a', 'mv0', 'br0'),
      up: fc.boolean(),
      mtu: fc.constantFrom(1500, 9000, null),
      addresses: fc.array(fc.constantFrom('10.1.0.2/24', '10.1.0.3/24', 'fd00::1/64').map(addr), { maxLength: 2 }),
      peerId: fc.option(fc.constantFrom('100/1', '201/2'), { nil: null }),
      info: fc.option(
        fc.dictionary(fc.constantFrom('mode', 'id'), fc.oneof(fc.string({ maxLength: 3 }), fc.integer())),
        { nil: null },
      ),
    })
    .map(({ nsId, ifindex, name, ...rest }) => link(nsId, ifindex, name, rest));

const arbRoute = (nsIds: string[]) =>
  fc
    .record({
      nsId: fc.constantFrom(...nsIds),
      dst: fc.constantFrom('default', '10.1.0.0/24', '10.2.0.0/16', 'fd00::/64'),
      table: fc.constantFrom('main', 'local', '100'),
      gateway: fc.option(fc.constantFrom('10.1.0.1', '10.1.0.254'), { nil: null }),
      metric: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    })
    .map(({ nsId, dst, ...rest }) => route(nsId, dst, rest));

const arbSnapshot = fc
  .subarray(NS_IDS.slice(1))
  .chain((others) => {
    const ids = ['100', ...others];
    return fc.record({
      namespaces: fc.tuple(...ids.map(arbNs)),
      links: fc.uniqueArray(arbLink(ids), { selector: (l) => l.id, maxLength: 12 }),
      routes: fc.array(arbRoute(ids), { maxLength: 10 }),
      warnings: fc.array(
        fc.record({
          code: fc.constantFrom('unresolved', 'vf-stranded'),
          message: fc.string({ maxLength: 5 }),
          ids: fc.constant([] as string[]),
        }),
        { maxLength: 2 },
      ),
      hidden: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
      takenAt: fc.constantFrom('2025-01-01T00:00:00.000Z', '2025-01-01T00:00:05.000Z'),
    });
  })
  .map((r) => snap(r.namespaces, r.links, r.routes, { warnings: r.warnings, hidden: r.hidden, takenAt: r.takenAt }));

describe('applyDiff(a, computeDiff(a, b)) = b', () => {
  it('holds for random snapshots', () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, b) => {
        const d = computeDiff(a, b);
        expect(applyDiff(a, d)).toEqual(b);
        // and the diff is minimal: nothing equal is upserted
        for (const l of d.links.upsert) expect(a.links.find((x) => x.id === l.id && deepEqual(x, l))).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('holds across a chain of diffs (what a subscriber does)', () => {
    fc.assert(
      fc.property(fc.array(arbSnapshot, { minLength: 2, maxLength: 6 }), (chain) => {
        let state = chain[0];
        for (let i = 1; i < chain.length; i++) state = applyDiff(state, computeDiff(chain[i - 1], chain[i]));
        expect(state).toEqual(chain.at(-1));
      }),
      { numRuns: 150 },
    );
  });

  it('a diff against itself is empty', () => {
    fc.assert(
      fc.property(arbSnapshot, (a) => isEmptyDiff(computeDiff(a, a), a)),
      { numRuns: 100 },
    );
  });
});

describe('the sameParse hint (what the watcher knows)', () => {
  // b is a after: some namespaces re-read (their links change freely), the others untouched except for
  // what resolution sets. With the untouched ones as the hint, the diff must be the same as without it.
  const arbCase = arbSnapshot.chain((a) =>
    fc.record({
      a: fc.constant(a),
      reread: fc.subarray(a.namespaces.map((n) => n.id)),
      edits: fc.array(
        fc.record({
          i: fc.nat(),
          field: fc.constantFrom(...RESOLVED_LINK_FIELDS),
          full: fc.boolean(),
          mtu: fc.constantFrom(1280, 9001),
        }),
        { maxLength: 6 },
      ),
    }),
  );
  it('gives the same diff as a full comparison', () => {
    fc.assert(
      fc.property(arbCase, ({ a, reread, edits }) => {
        const links = a.links.map((l) => ({ ...l }));
        for (const e of edits) {
          if (!links.length) break;
          const l = links[e.i % links.length];
          if (reread.includes(l.nsId) && e.full)
            l.mtu = e.mtu; // a parse change: only where re-read
          else if (e.field === 'kind') l.kind = l.kind === 'vf' ? 'physical' : 'vf';
          else if (e.field === 'parentUnresolved') l.parentUnresolved = !l.parentUnresolved;
          else if (e.field === 'vf') l.vf = l.vf ? null : { pfId: '100/2', pfName: 'eth0', index: 1 };
          else if (e.field === 'sriov') l.sriov = l.sriov ? null : { totalVfs: 4, numVfs: 1, vfs: [], device: null };
          else if (e.field === 'network')
            l.network = l.network ? null : { runtime: 'docker', name: 'macnet', driver: 'macvlan' };
          else l[e.field] = l[e.field] ? null : '100/9';
        }
        const b = { ...a, takenAt: '2025-01-01T00:00:09.000Z', links };
        const sameParse = new Set(a.namespaces.map((n) => n.id).filter((id) => !reread.includes(id)));
        expect(computeDiff(a, b, { sameParse })).toEqual(computeDiff(a, b));
      }),
      { numRuns: 300 },
    );
  });
  it('is what makes a parse change in an untouched namespace invisible (so it must be truthful)', () => {
    const b = at(snap(base.namespaces, [base.links[0], { ...base.links[1], mtu: 9000 }], base.routes));
    expect(computeDiff(base, b).links.upsert).toHaveLength(1);
    expect(computeDiff(base, b, { sameParse: new Set(['201']) }).links.upsert).toHaveLength(0);
  });
});
