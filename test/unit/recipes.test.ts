// Recipes: with their defaults, each is edits the server's schema accepts and the planner turns into
// the walkthrough's commands (routes included), with no guidance warning left.
import { describe, expect, it } from 'vitest';
import { Edit } from '../../shared/edits/schema';
import { planEdits } from '../../server/edits/plan';
import { argvToShell } from '../../shared/edits/shell';
import { RECIPE_IDS, RECIPES, recipeDefaults } from '../../shared/edits/recipes';
import { fixtureSnapshot, SELF_PID } from './edit-fixture';
import { sriovSnapshot } from './sriov-edit-fixture';

const build = (id: (typeof RECIPE_IDS)[number], over: Record<string, string> = {}) =>
  RECIPES[id].build({ ...recipeDefaults(RECIPES[id]), ...over });
const script = (id: (typeof RECIPE_IDS)[number], over: Record<string, string> = {}, snap = fixtureSnapshot()) => {
  const edits = build(id, over)
    .flatMap((i) => i.edits)
    .map((e) => Edit.parse(e));
  const plan = planEdits(edits, snap, { selfPid: SELF_PID });
  return { lines: plan.steps.map((s) => argvToShell(s.argv)), warnings: plan.warnings };
};

describe('recipes', () => {
  it('every recipe has a default for every parameter it uses and a title per item', () => {
    for (const id of RECIPE_IDS) {
      const r = RECIPES[id];
      expect(r.id).toBe(id);
      for (const item of build(id, { pf: 'enp3s0f0', vfDev: 'enp3s0f0v3' }))
        expect(item.title).not.toMatch(/undefined/);
    }
  });

  it('ipvlan L3: two namespaces, l3 children in two subnets, default routes through them — no route warning', () => {
    const { lines, warnings } = script('ipvlan-l3');
    expect(lines).toEqual([
      'ip netns add net1',
      'ip -n net1 link set dev lo up',
      'ip netns add net2',
      'ip -n net2 link set dev lo up',
      'ip link add link eth0 name ipvl1 netns net1 type ipvlan mode l3',
      'ip -n net1 addr add 10.10.1.10/24 dev ipvl1',
      'ip -n net1 link set dev ipvl1 up',
      'ip link add link eth0 name ipvl2 netns net2 type ipvlan mode l3',
      'ip -n net2 addr add 10.10.2.10/24 dev ipvl2',
      'ip -n net2 link set dev ipvl2 up',
      'ip -n net1 route add default dev ipvl1',
      'ip -n net2 route add default dev ipvl2',
    ]);
    expect(warnings).toEqual([]);
    // without its routes item, the guidance says what is missing
    const noRoutes = build('ipvlan-l3')
      .slice(0, -1)
      .flatMap((i) => i.edits);
    expect(planEdits(noRoutes, fixtureSnapshot(), { selfPid: SELF_PID }).warnings.join('\n')).toMatch(
      /ipvl1 is an ipvlan in l3 mode/,
    );
  });

  it('ipvlan L2 and macvlan bridge: one subnet, their mode', () => {
    expect(script('ipvlan-l2').lines).toContain('ip link add link eth0 name ipvl2 netns net2 type ipvlan mode l2');
    expect(script('macvlan-bridge', { parent: 'eth1' }).lines).toContain(
      'ip link add link eth1 name mvl1 netns net1 type macvlan mode bridge',
    );
  });

  it('veth + bridge pods: bridge with the gateway, per pod a veth port and a default route', () => {
    const { lines, warnings } = script('veth-bridge');
    expect(lines).toEqual(
      expect.arrayContaining([
        'ip link add name lsbr0 type bridge',
        'ip addr add 172.30.0.1/24 dev lsbr0',
        'ip link set dev lsbr0 up',
        'ip link add name veth1-pod1 type veth peer name eth0 netns pod1',
        'ip -n pod1 addr add 172.30.0.2/24 dev eth0',
        'ip link set dev veth1-pod1 master lsbr0',
        'ip -n pod1 route add default via 172.30.0.1 dev eth0',
        'ip -n pod2 addr add 172.30.0.3/24 dev eth0',
      ]),
    );
    expect(warnings).toEqual([]);
    // in a namespace of one's own instead of the host
    expect(script('veth-bridge', { bridgeNs: 'blue' }).lines).toContain('ip -n blue link add name lsbr0 type bridge');
  });

  it('vxlan (flannel-style): UDP 8472 to the other host, overlay address, route to its pod subnet', () => {
    const { lines } = script('vxlan');
    expect(lines).toEqual([
      'ip link add name flannel.1 type vxlan id 1 remote 192.168.50.2 local 192.168.50.1 dev eth0 dstport 8472',
      'ip addr add 10.244.0.1/24 dev flannel.1',
      'ip link set dev flannel.1 up',
      'ip route add 10.244.1.0/24 via 10.244.0.2 dev flannel.1',
    ]);
    expect(script('vxlan', { remoteSubnet: '' }).lines).toHaveLength(3);
  });

  it('SR-IOV VF into a namespace: MAC on the PF, the netdev moved, addressed and up', () => {
    const { lines } = script('sriov-vf', { pf: 'enp3s0f0', vf: '3', vfDev: 'enp3s0f0v3', vlan: '10' }, sriovSnapshot());
    expect(lines[0]).toBe('ip netns add vfns1');
    expect(lines).toEqual(
      expect.arrayContaining([
        'ip link set dev enp3s0f0 vf 3 mac 02:00:00:00:10:01',
        'ip -n vfns1 addr add 10.0.5.10/24 dev enp3s0f0v3',
        'ip -n vfns1 link set dev enp3s0f0v3 up',
      ]),
    );
    expect(lines.some((l) => /vf 3 vlan 10/.test(l))).toBe(true);
    expect(lines.some((l) => /link set dev enp3s0f0v3 netns vfns1/.test(l))).toBe(true);
  });

  it('a bad parameter is refused by the schema, naming the field', () => {
    const e = build('ipvlan-l3', { addr1: '10.0.1.300/24' })[1].edits[0];
    const r = Edit.safeParse(e);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['addresses', 0]);
  });
});
