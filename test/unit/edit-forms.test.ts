// The browser's edit forms, without a browser: their values become edits the real schema accepts
// and the real planner turns into the expected argv; bad values come back as issues at the paths the
// forms' fields claim; the action lists say why an action is unavailable.
import { describe, expect, it } from 'vitest';
import { Edit } from '../../shared/edits/schema';
import { planEdits } from '../../server/edits/plan';
import { indexHost } from '../../components/host/lookup';
import { belongsTo, fieldKey, guardLinks, issuesFor, unclaimed } from '../../components/edit/issues';
import { list, num, nsRef, opt } from '../../components/edit/values';
import { initialLinkAdd, linkAddEdit, type LinkAddValues } from '../../components/edit/forms/linkAdd';
import { linkActions, namespaceActions, visibleActions } from '../../components/edit/actions';
import { routeDelEdit } from '../../components/edit/forms/route';
import type { FormHost } from '../../components/edit/forms/types';
import { fixtureSnapshot, ROOT, BLUE, UNNAMED, DOCKER, SELF_PID } from './edit-fixture';

function hostView(caps: FormHost['caps'] = null): FormHost {
  const snapshot = fixtureSnapshot();
  return { snapshot, ix: indexHost(snapshot), caps };
}
const host = hostView();
const plan = (edits: unknown[]) =>
  planEdits(
    edits.map((e) => Edit.parse(e)),
    host.snapshot,
    { selfPid: SELF_PID },
  );
const linkAdd = (v: Partial<LinkAddValues>) => linkAddEdit(initialLinkAdd({ ns: ROOT, ...v }), host);
/** zod's issues as the server's errorFormatter sends them: dotted paths from the request root */
const serverIssues = (edit: unknown) => {
  const r = Edit.safeParse(edit);
  return r.success ? [] : r.error.issues.map((i) => ({ path: ['edits', 0, ...i.path].join('.'), message: i.message }));
};

describe('form text → edit fields', () => {
  it('leaves out what is empty and sends the rest as typed', () => {
    expect(opt('  ')).toBeUndefined();
    expect(opt(' eth0 ')).toBe('eth0');
    expect(num('')).toBeUndefined();
    expect(num('1500')).toBe(1500);
    expect(num('15x')).toBe('15x'); // the server names the field
    expect(list('10.0.0.1/24, fd00::1/64\n10.0.1.1/24')).toEqual(['10.0.0.1/24', 'fd00::1/64', '10.0.1.1/24']);
    expect(list(' , ')).toBeUndefined();
    expect(nsRef({ id: ROOT, root: true })).toBeUndefined();
    expect(nsRef({ id: BLUE, root: false })).toBe(BLUE);
  });
});

describe('create-link form → plan', () => {
  it('macvlan bridge child of a NIC straight into a namespace, with addresses and up', () => {
    const e = linkAdd({
      kind: 'macvlan',
      parent: 'eth1',
      name: 'mv0',
      netns: BLUE,
      macvlanMode: 'bridge',
      addresses: '10.2.0.1/24',
      up: true,
    });
    expect(e).toEqual({
      op: 'link.add',
      kind: 'macvlan',
      name: 'mv0',
      parent: 'eth1',
      mode: 'bridge',
      netns: BLUE,
      addresses: ['10.2.0.1/24'],
      up: true,
    });
    expect(plan([e]).steps.map((s) => s.argv)).toEqual([
      ['ip', 'link', 'add', 'link', 'eth1', 'name', 'mv0', 'netns', 'blue', 'type', 'macvlan', 'mode', 'bridge'],
      ['ip', '-n', 'blue', 'addr', 'add', '10.2.0.1/24', 'dev', 'mv0'],
      ['ip', '-n', 'blue', 'link', 'set', 'dev', 'mv0', 'up'],
    ]);
  });

  it('a child made in a namespace and sent to the host names the host by id (omitting it would mean "stay")', () => {
    const e = linkAdd({ kind: 'vlan', ns: BLUE, parent: 'vblue', name: 'vl7', vlanId: '7', netns: ROOT, up: false });
    expect(e).toMatchObject({ ns: BLUE, netns: ROOT, id: 7, protocol: '802.1Q' });
    expect(plan([e]).steps[0].argv).toEqual([
      'ip',
      '-n',
      'blue',
      'link',
      'add',
      'link',
      'vblue',
      'name',
      'vl7',
      'netns',
      `/proc/${SELF_PID}/ns/net`,
      'type',
      'vlan',
      'protocol',
      '802.1Q',
      'id',
      '7',
    ]);
  });

  it('veth pair with the peer in an unnamed namespace, ipvlan l3s private, vxlan with underlay, mode fields only for their kinds', () => {
    const veth = linkAdd({
      kind: 'veth',
      name: 'v0',
      peerName: 'v1',
      peerNetns: UNNAMED,
      peerAddresses: '10.5.0.2/30',
      up: false,
      peerUp: true,
    });
    expect(veth).toEqual({
      op: 'link.add',
      kind: 'veth',
      name: 'v0',
      peer: { name: 'v1', netns: UNNAMED, addresses: ['10.5.0.2/30'], up: true },
    });
    expect(plan([veth]).steps[0].argv).toEqual([
      'ip',
      'link',
      'add',
      'name',
      'v0',
      'type',
      'veth',
      'peer',
      'name',
      'v1',
      'netns',
      '/proc/4242/ns/net',
    ]);
    const ipv = linkAdd({
      kind: 'ipvlan',
      parent: 'eth1',
      name: 'iv0',
      ipvlanMode: 'l3s',
      flag: 'private',
      up: false,
      macvlanMode: 'source',
      macaddrs: '02:00:00:00:00:01',
    });
    expect(ipv).toEqual({ op: 'link.add', kind: 'ipvlan', name: 'iv0', parent: 'eth1', mode: 'l3s', flag: 'private' });
    const vx = linkAdd({
      kind: 'vxlan',
      name: 'vx0',
      vni: '42',
      remote: '192.0.2.20',
      dev: 'eth0',
      dstport: '4789',
      up: false,
      netns: BLUE,
    });
    expect(plan([vx]).steps[0].argv).toEqual([
      'ip',
      'link',
      'add',
      'name',
      'vx0',
      'netns',
      'blue',
      'type',
      'vxlan',
      'id',
      '42',
      'remote',
      '192.0.2.20',
      'dev',
      'eth0',
      'dstport',
      '4789',
    ]);
  });

  it('bad values come back as issues at the paths the form fields claim', () => {
    const bad = linkAdd({ kind: 'macvlan', parent: 'eth1', name: 'bad name', mtu: 'big', addresses: '10.0.0.1' });
    const issues = serverIssues(bad);
    expect(issuesFor(issues, '0.name')).toEqual(['interface name may not contain whitespace']);
    expect(issuesFor(issues, '0.mtu').length).toBe(1);
    expect(issuesFor(issues, '0.addresses')[0]).toMatch(/prefix length/);
    expect(unclaimed(issues, ['0.name', '0.mtu', '0.addresses'])).toEqual([]);
    expect(
      unclaimed(issues, ['0.name'])
        .map((i) => fieldKey(i.path))
        .sort(),
    ).toEqual(['0.addresses.0', '0.mtu']);
    const veth = serverIssues(linkAdd({ kind: 'veth', name: 'v0', peerName: 'a/b' }));
    expect(issuesFor(veth, '0.peer.name')).toEqual(["interface name may not contain '/'"]);
  });

  it('paths match a field and what is inside it, nothing else', () => {
    expect(belongsTo('edits.0.addresses.1', '0.addresses')).toBe(true);
    expect(belongsTo('edits.0.name', '0.name')).toBe(true);
    expect(belongsTo('edits.0.namespace', '0.name')).toBe(false);
    expect(belongsTo('edits.10.name', '1')).toBe(false);
  });

  it('reads the link names the lock-out guard wants typed from a PRECONDITION_FAILED answer', () => {
    const issues = [
      {
        path: 'force',
        message:
          'taking down eth0, a physical NIC, can cut this host off — to go ahead, confirm with force (type "eth0")',
      },
      { path: 'force', message: 'moving eth0 … (type "eth0")' },
      { path: 'edits.0.name', message: 'type "x" here' },
    ];
    expect(guardLinks(issues)).toEqual(['eth0']);
  });
});

describe('actions for a link or a namespace', () => {
  const link = (id: string) => host.ix.linkById.get(id)!;
  const ns = (id: string) => host.ix.nsById.get(id)!;

  it('every action with nothing to fill in plans cleanly (or is held by the guard) on the fixture host', () => {
    const planned = new Set<string>();
    for (const l of host.snapshot.links) {
      for (const a of linkActions(l, host)) {
        if (a.disabled || !a.form) continue;
        const f = a.form();
        if (f.Fields) continue;
        const p = plan(f.toEdits(f.initial, host));
        expect(p.steps.length, `${l.name}: ${a.key}`).toBeGreaterThan(0);
        planned.add(a.key);
      }
    }
    // the loop above checked something: the fixture has links offering each of these one-click actions
    expect([...planned].sort()).toEqual(['delete', 'down', 'nomaster', 'promisc-on', 'up']);
  });

  it('says why an action is unavailable', () => {
    const lo = linkActions(link(`${ROOT}/1`), host);
    expect(lo.find((a) => a.key === 'delete')?.disabled).toMatch(/does not delete lo/);
    expect(lo.find((a) => a.key === 'child-macvlan')?.disabled).toMatch(/loopback/);
    const blue = linkActions(link(`${BLUE}/2`), host);
    expect(blue.find((a) => a.key === 'addr-del')?.disabled).toBeFalsy();
    expect(linkActions(link(`${ROOT}/3`), host).find((a) => a.key === 'addr-del')?.disabled).toBe(
      'it has no addresses',
    );
    expect(namespaceActions(ns(ROOT), host).find((a) => a.key === 'delete')?.disabled).toMatch(/host namespace/);
    expect(namespaceActions(ns(UNNAMED), host).find((a) => a.key === 'delete')?.disabled).toMatch(
      /held by pid 4242 sleep/,
    );
    expect(namespaceActions(ns(DOCKER), host).find((a) => a.key === 'delete')?.disabled).toMatch(/Docker/);
    expect(namespaceActions(ns(BLUE), host).find((a) => a.key === 'delete')?.disabled).toBeFalsy();
    // a pod's named namespace: its runtime removes it (the planner refuses netns.del too)
    const pod = {
      ...ns(BLUE),
      owner: { runtime: 'kubernetes' as const, kind: 'pod' as const, id: 'u', name: 'cart', namespace: 'shop' },
    };
    expect(namespaceActions(pod, host).find((a) => a.key === 'delete')?.disabled).toBe(
      'the namespace of pod shop/cart: remove it with kubectl delete pod -n shop cart',
    );
  });

  it("kinds the kernel lacks are disabled with the kernel's reason", () => {
    const caps = {
      kinds: { ipvlan: { supported: false, reason: 'Error: Unknown device type.' } },
    } as unknown as FormHost['caps'];
    const h = hostView(caps);
    const a = linkActions(h.ix.linkById.get(`${ROOT}/5`)!, h).find((x) => x.key === 'child-ipvlan')!;
    expect(a.disabled).toBe('not supported by this kernel: Error: Unknown device type.');
  });

  it('read-only keeps only what changes nothing (ping)', () => {
    expect(visibleActions(namespaceActions(ns(BLUE), host), false).map((a) => a.key)).toEqual(['ping']);
    expect(visibleActions(linkActions(link(`${BLUE}/2`), host), false).map((a) => [a.key, a.ping])).toEqual([
      ['ping', BLUE],
    ]);
  });

  it('a route picked from the table is removed exactly, table and metric included', () => {
    const r = host.snapshot.routes.find((x) => x.dst === '10.9.0.0/16')!;
    const e = routeDelEdit(host, BLUE, r);
    expect(e).toEqual({
      op: 'route.del',
      ns: BLUE,
      dst: '10.9.0.0/16',
      via: '10.1.0.1',
      dev: 'vblue',
      table: 100,
      metric: 20,
      family: 'inet',
    });
    expect(plan([e]).steps[0].argv).toEqual([
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
    ]);
  });
});
