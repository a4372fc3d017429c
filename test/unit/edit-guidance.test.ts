// Guidance: refusals the kernel will give that the planner sees coming, and the parents forms leave out.
import { describe, expect, it } from 'vitest';
import { planEdits } from '../../server/edits/plan';
import { l3RouteHint, parentRefusal } from '../../shared/edits/guidance';
import type { Edit } from '../../shared/edits/schema';
import type { HostSnapshot } from '../../shared/host/types';
import { fixtureSnapshot, link, ROOT, SELF_PID } from './edit-fixture';
import { indexHost } from '../../components/host/lookup';
import { parentChoices } from '../../components/edit/forms/choices';
import { linkActions } from '../../components/edit/actions';

/** the fixture plus the kernel's sit0, and an ipvlan child on eth1 */
function host(): HostSnapshot {
  const s = fixtureSnapshot();
  s.links.push(
    link(ROOT, 20, 'sit0', { kind: 'sit', linkType: 'sit', up: false, mac: null }),
    link(ROOT, 21, 'ipv0', { kind: 'ipvlan', mode: 'l2', parentId: `${ROOT}/5` }),
  );
  return s;
}
const plan = (edits: Edit[], s = host()) => planEdits(edits, s, { selfPid: SELF_PID });
const warnings = (edits: Edit[]) => plan(edits).warnings.join('\n');

describe('guidance before Apply', () => {
  it.each<[string, Edit, RegExp | null]>([
    [
      'macvlan on a NIC with ipvlan children',
      { op: 'link.add', kind: 'macvlan', name: 'mv1', parent: 'eth1', mode: 'bridge' },
      /eth1 already has ipvlan children: .*Device or resource busy/,
    ],
    [
      'macvlan on an ipvlan',
      { op: 'link.add', kind: 'macvlan', name: 'mv1', parent: 'ipv0' },
      /ipv0 is an ipvlan: the kernel refuses a macvlan on it \(Device or resource busy\)/,
    ],
    [
      'macvlan on sit0',
      { op: 'link.add', kind: 'macvlan', name: 'mv1', parent: 'sit0' },
      /sit0 is not an Ethernet device \(link\/sit\)/,
    ],
    ['ipvlan on loopback', { op: 'link.add', kind: 'ipvlan', name: 'iv1', parent: 'lo' }, /lo is a loopback device/],
    [
      'ipvlan on an ipvlan (made on its parent: fine)',
      { op: 'link.add', kind: 'ipvlan', name: 'iv1', parent: 'ipv0', mode: 'l2' },
      null,
    ],
    ['macvlan on a plain NIC', { op: 'link.add', kind: 'macvlan', name: 'mv1', parent: 'eth0', mode: 'bridge' }, null],
  ])('%s', (_, edit, want) => {
    const w = warnings([edit]);
    if (want) expect(w).toMatch(want);
    else expect(w).not.toMatch(/kernel will refuse/);
  });

  it('a macvlan added earlier in the same plan counts for an ipvlan on that parent', () => {
    expect(
      warnings([
        { op: 'link.add', kind: 'macvlan', name: 'mv1', parent: 'eth0', mode: 'bridge' },
        { op: 'link.add', kind: 'ipvlan', name: 'iv1', parent: 'eth0', mode: 'l2' },
      ]),
    ).toMatch(/edit 2: .*eth0 already has macvlan children/);
  });

  it('an L3 ipvlan with an address and no route says the namespace needs one; a route later in the plan silences it', () => {
    const l3: Edit[] = [
      { op: 'netns.add', name: 'net1' },
      {
        op: 'link.add',
        kind: 'ipvlan',
        name: 'ipv1',
        parent: 'eth0',
        mode: 'l3',
        netns: 'net1',
        addresses: ['10.0.1.10/24'],
        up: true,
      },
    ];
    expect(warnings(l3)).toMatch(
      /ipv1 is an ipvlan in l3 mode: net1 reaches only 10\.0\.1\.10\/24's subnet .*default dev ipv1.*Network is unreachable/,
    );
    expect(warnings([...l3, { op: 'route.add', ns: 'net1', dst: 'default', dev: 'ipv1' }])).not.toMatch(/l3 mode/);
    // the kernel's default mode is l3
    const { mode: _m, ...noMode } = l3[1] as Extract<Edit, { kind: 'ipvlan' }>;
    expect(warnings([l3[0], noMode])).toMatch(/l3 mode/);
    // l2 needs no route
    expect(warnings([l3[0], { ...noMode, mode: 'l2' }])).not.toMatch(/l3 mode/);
  });

  it('parentRefusal and l3RouteHint, as the forms use them', () => {
    expect(parentRefusal('vlan', { name: 'sit0', kind: 'sit', linkType: 'sit', childKinds: [] })).toBeNull();
    expect(
      parentRefusal('ipvtap', { name: 'e', kind: 'physical', linkType: 'ether', childKinds: ['macvtap'] }),
    ).toMatch(/macvtap children/);
    expect(
      parentRefusal('macvlan', { name: 'e', kind: 'physical', linkType: 'ether', childKinds: ['macvlan', 'vlan'] }),
    ).toBeNull();
    expect(l3RouteHint({ name: 'x', mode: 'l3s', nsLabel: 'n', addresses: ['10.0.0.1/24'], routed: false })).toMatch(
      /l3s mode/,
    );
    expect(l3RouteHint({ name: 'x', mode: 'l3', nsLabel: 'n', addresses: [], routed: false })).toBeNull();
  });
});

describe('forms offer only parents the kernel accepts', () => {
  const snapshot = host();
  const view = { snapshot, ix: indexHost(snapshot), caps: null };
  const offered = (kind: string) =>
    Object.fromEntries(parentChoices(view, ROOT, kind).map((c) => [c.value, c.disabled ?? 'ok']));

  it('macvlan: no loopback, no sit0; eth1 (ipvlan children) and the ipvlan itself shown disabled with why', () => {
    const o = offered('macvlan');
    expect(o).not.toHaveProperty('lo');
    expect(o).not.toHaveProperty('sit0');
    expect(o.eth0).toBe('ok');
    expect(o.eth1).toMatch(/already has ipvlan children/);
    expect(o.ipv0).toMatch(/is an ipvlan/);
  });

  it('ipvlan: eth1 and its ipvlan child are fine; vlan keeps every non-loopback link', () => {
    expect(offered('ipvlan')).toMatchObject({ eth0: 'ok', eth1: 'ok', ipv0: 'ok' });
    expect(offered('vlan')).toHaveProperty('sit0', 'ok');
  });

  it("the node menu's child actions say why", () => {
    const eth1 = snapshot.links.find((l) => l.name === 'eth1')!;
    const mv = linkActions(eth1, view).find((a) => a.key === 'child-macvlan')!;
    expect(mv.disabled).toMatch(/Device or resource busy/);
  });
});
