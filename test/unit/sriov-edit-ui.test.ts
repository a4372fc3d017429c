// SR-IOV in the browser, without a browser: the graph model (PF count line, VF nodes below the PF,
// warnings marked on nodes) and the forms (values → the edits the schema accepts and the planner turns
// into the expected argv; issues at the paths the fields claim).
import { describe, expect, it } from 'vitest';
import { Edit } from '../../shared/edits/schema';
import { planEdits } from '../../server/edits/plan';
import type { HostWarning } from '../../shared/host/types';
import {
  buildGraph,
  DEFAULT_VIEW,
  linkNodeId,
  nsNodeId,
  refOfNodeId,
  type ViewOptions,
} from '../../components/graph/model';
import { layoutGraph } from '../../components/graph/layout';
import { MAX_VF_NODES, vfNodeId, vfOfNodeId, vfWarnings, warningsByRef } from '../../components/graph/sriov';
import { issuesFor } from '../../components/edit/issues';
import {
  numVfsEdit,
  numVfsNotice,
  reportsNoSriov,
  vfEdit,
  vfInitial,
  type VfValues,
} from '../../components/sriov/values';
import { inodes, labSnapshot, linkIn } from './graph-fixture';
import { fixtureSnapshot, SELF_PID } from './edit-fixture';
import { sriovSnapshot, vf } from './sriov-edit-fixture';

const view = (o: Partial<ViewOptions>): ViewOptions => ({ ...DEFAULT_VIEW, ...o });

describe('graph: a PF, its VFs, and warnings', () => {
  const snap = labSnapshot();
  const pf = linkIn(snap, 'root', 'eth2');
  const PF = linkNodeId(pf.id);

  it('the PF node shows numVfs / ? when the device reports no total (netdevsim), and numVfs / total when it does', () => {
    const m = buildGraph(snap);
    expect(m.nodes.find((n) => n.id === PF)!.label.split('\n')).toEqual(['eth2', 'physical', 'VFs 4 / ?']);
    const s = labSnapshot();
    linkIn(s, 'root', 'eth2').sriov!.totalVfs = 8;
    expect(buildGraph(s).nodes.find((n) => n.id === PF)!.label).toContain('VFs 4 / 8');
  });

  it("VFs without a netdev are small VF nodes in the PF's namespace, each tied to the PF, laid out below it", () => {
    const m = buildGraph(snap);
    const vfs = m.nodes.filter((n) => n.type === 'vf');
    expect(vfs.map((n) => n.id)).toEqual([0, 1, 2, 3].map((i) => vfNodeId(pf.id, i)));
    for (const n of vfs) expect(n).toMatchObject({ parent: nsNodeId(inodes.root), ref: pf.id, kindClass: 'vf' });
    expect(vfs.map((n) => n.label)).toEqual([
      'vf 0\nvlan 300 802.1ad',
      'vf 1\n02:00:00:00:01:01\nvlan 101 q2',
      'vf 2',
      'vf 3',
    ]);
    expect(m.edges.filter((e) => e.type === 'vfnode').map((e) => [e.source, e.target])).toEqual(
      vfs.map((n) => [PF, n.id]),
    );
    const pos = layoutGraph(m).positions;
    for (const n of vfs) expect(pos.get(n.id)!.y).toBeGreaterThan(pos.get(PF)!.y);
  });

  it('a VF node stands for its PF when clicked (the PF panel lists the VFs)', () => {
    expect(refOfNodeId(vfNodeId(pf.id, 2))).toEqual({ type: 'link', id: pf.id });
    expect(vfOfNodeId(vfNodeId(pf.id, 2))).toEqual({ pfId: pf.id, index: 2 });
    expect(vfOfNodeId(vfNodeId(pf.id, 'more'))).toEqual({ pfId: pf.id, index: null });
    expect(vfOfNodeId('link:1/2')).toBeNull();
  });

  it("a VF with a netdev is that netdev's node (vf edge), not a VF node", () => {
    const s = labSnapshot();
    const p = linkIn(s, 'root', 'eth2');
    const nd = linkIn(s, 'green', 've-b');
    p.sriov!.vfs[1].netdevId = nd.id;
    const m = buildGraph(s);
    expect(m.nodes.filter((n) => n.type === 'vf').map((n) => vfOfNodeId(n.id)!.index)).toEqual([0, 2, 3]);
    expect(m.edges.filter((e) => e.type === 'vf').map((e) => [e.source, e.target])).toEqual([[PF, linkNodeId(nd.id)]]);
  });

  it('VF nodes follow the kind filter and vanish inside a collapsed namespace', () => {
    expect(buildGraph(snap, view({ kinds: ['pf'] })).nodes.some((n) => n.type === 'vf')).toBe(false);
    expect(buildGraph(snap, view({ kinds: ['pf', 'vf'] })).nodes.filter((n) => n.type === 'vf')).toHaveLength(4);
    const c = buildGraph(snap, view({ collapsed: [inodes.root] }));
    expect(c.nodes.some((n) => n.type === 'vf')).toBe(false);
    expect(c.edges.some((e) => e.type === 'vfnode')).toBe(false);
  });

  it(`more than ${MAX_VF_NODES} bare VFs: ${MAX_VF_NODES - 1} nodes and one "+N VFs"`, () => {
    const s = labSnapshot();
    const p = linkIn(s, 'root', 'eth2');
    p.sriov!.vfs = Array.from({ length: 40 }, (_, i) => vf(i));
    p.sriov!.numVfs = 40;
    const vfs = buildGraph(s).nodes.filter((n) => n.type === 'vf');
    expect(vfs).toHaveLength(MAX_VF_NODES);
    expect(vfs.at(-1)).toMatchObject({
      id: vfNodeId(p.id, 'more'),
      label: `+${40 - MAX_VF_NODES + 1} VFs\n(see eth2)`,
    });
  });

  it("a search for a VF's MAC lights that VF node", () => {
    const m = buildGraph(snap, view({ search: '02:00:00:00:01:01' }));
    expect(m.nodes.filter((n) => n.type === 'vf' && n.match).map((n) => n.id)).toEqual([vfNodeId(pf.id, 1)]);
    expect(m.nodes.find((n) => n.id === vfNodeId(pf.id, 0))!.classes).toContain('dim');
  });

  it('warnings mark the nodes whose ids they carry, the VF they name, and a collapsed namespace holding one', () => {
    const s = labSnapshot();
    const p = linkIn(s, 'root', 'eth2');
    const ve = linkIn(s, 'green', 've-b');
    const dup: HostWarning = {
      code: 'vf-duplicate-mac',
      message: 'VF MAC 02:00:00:00:01:01 is set on 2 VFs: eth2 vf 1, eth9 vf 10',
      ids: [p.id, 'x/9'],
    };
    s.warnings = [
      dup,
      { code: 'vf-stranded', message: 'VF netdev ve-b sits in namespace green, where no process runs', ids: [ve.id] },
    ];
    const m = buildGraph(s);
    const node = (id: string) => m.nodes.find((n) => n.id === id)!;
    expect(node(PF).classes).toContain('has-warning');
    expect(node(PF).label.split('\n')[0]).toBe('eth2 ⚠');
    expect(node(vfNodeId(p.id, 1)).classes).toContain('has-warning');
    expect(node(vfNodeId(p.id, 1)).label.split('\n')[0]).toBe('vf 1 ⚠');
    // "eth2 vf 1" must not mark vf 10 or vf 0
    expect(node(vfNodeId(p.id, 0)).classes).not.toContain('has-warning');
    expect(node(linkNodeId(ve.id)).classes).toContain('has-warning');
    expect(node(linkNodeId(linkIn(s, 'root', 'eth0').id)).classes).not.toContain('has-warning');
    expect(node(nsNodeId(inodes.green)).classes).not.toContain('has-warning');
    expect(
      buildGraph(s, view({ collapsed: [inodes.green] })).nodes.find((n) => n.id === nsNodeId(inodes.green))!.classes,
    ).toContain('has-warning');
    expect(vfWarnings({ id: p.id, name: 'eth2' }, 10, warningsByRef(s.warnings))).toEqual([]);
    expect(vfWarnings({ id: 'x/9', name: 'eth9' }, 10, warningsByRef(s.warnings))).toEqual([dup]);
  });

  it('a host without SR-IOV: no VF nodes, no VF counts, and its NICs report no SR-IOV', () => {
    const plain = fixtureSnapshot();
    const m = buildGraph(plain);
    expect(m.nodes.some((n) => n.type === 'vf' || n.kindClass === 'pf' || n.label.includes('VFs'))).toBe(false);
    const byName = (n: string) => plain.links.find((l) => l.name === n && l.nsId === plain.namespaces[0].id)!;
    expect(reportsNoSriov(byName('eth0'))).toBe(true);
    expect(reportsNoSriov(byName('br0'))).toBe(false);
    expect(reportsNoSriov(byName('lo'))).toBe(false);
    const s = sriovSnapshot();
    expect(reportsNoSriov(s.links.find((l) => l.name === 'enp3s0f0')!)).toBe(false);
    expect(reportsNoSriov(s.links.find((l) => l.name === 'enp3s0f0v3')!)).toBe(false);
  });
});

describe('SR-IOV forms → edits → plan', () => {
  const snap = sriovSnapshot();
  const pf = snap.links.find((l) => l.name === 'enp3s0f0')!;
  const plan = (e: unknown) => planEdits([Edit.parse(e)], snap, { selfPid: SELF_PID });
  const issues = (e: unknown) => {
    const r = Edit.safeParse(e);
    return r.success
      ? []
      : r.error.issues.map((i) => ({ path: ['edits', 0, ...i.path].join('.'), message: i.message }));
  };
  const edited = (index: number, patch: Partial<VfValues>) => {
    const now = pf.sriov!.vfs[index];
    return vfEdit(pf, undefined, now, { ...vfInitial(now), ...patch });
  };

  it('the form starts from the VF as the kernel reports it', () => {
    expect(vfInitial(pf.sriov!.vfs[1])).toEqual({
      mac: '00:00:00:00:00:00',
      vlanId: '101',
      qos: '2',
      proto: '802.1ad',
      maxTxRate: '1000',
      minTxRate: '100',
      spoofchk: 'on',
      trust: 'off',
      state: 'auto',
      queryRss: 'off',
    });
    expect(
      vfInitial(
        vf(0, { spoofchk: null, trust: null, linkState: null, queryRss: null, maxTxRate: null, minTxRate: null }),
      ),
    ).toMatchObject({ spoofchk: '', trust: '', state: '', queryRss: '', maxTxRate: '', minTxRate: '' });
  });

  it('only what changed is sent, and planned as one command per setting', () => {
    const e = edited(1, { mac: '02:00:00:00:0a:01', qos: '5', minTxRate: '200', trust: 'on', state: 'disable' });
    expect(e).toEqual({
      op: 'sriov.vf',
      ns: undefined,
      dev: 'enp3s0f0',
      vf: 1,
      mac: '02:00:00:00:0a:01',
      vlan: { id: 101, qos: 5, proto: '802.1ad' },
      minTxRate: 200,
      trust: true,
      state: 'disable',
    });
    expect(plan(e).steps.map((s) => s.argv.slice(5))).toEqual([
      ['vf', '1', 'mac', '02:00:00:00:0a:01'],
      ['vf', '1', 'vlan', '101', 'qos', '5', 'proto', '802.1ad'],
      ['vf', '1', 'min_tx_rate', '200'],
      ['vf', '1', 'trust', 'on'],
      ['vf', '1', 'state', 'disable'],
    ]);
  });

  it('clearing the VLAN id (or 0) removes the VLAN; on an untagged VF it is no change', () => {
    expect(edited(1, { vlanId: '' })).toMatchObject({ vlan: { id: 0 } });
    expect(edited(1, { vlanId: '0' })).toMatchObject({ vlan: { id: 0 } });
    expect(edited(0, { vlanId: '' })).not.toHaveProperty('vlan');
  });

  it('unchanged values send nothing, and the server says so at the VF field', () => {
    const e = edited(0, {});
    expect(e).toEqual({ op: 'sriov.vf', ns: undefined, dev: 'enp3s0f0', vf: 0 });
    expect(issuesFor(issues(e), '0.vf')[0]).toMatch(/nothing to change/);
  });

  it('bad text goes as typed and comes back at the field that shows it', () => {
    expect(issuesFor(issues(edited(0, { vlanId: '5', qos: '9' })), '0.vlan.qos')[0]).toMatch(/0–7/);
    expect(issuesFor(issues(edited(0, { vlanId: 'x' })), '0.vlan.id').length).toBe(1);
    expect(issuesFor(issues(edited(0, { maxTxRate: '10', minTxRate: '20' })), '0.minTxRate')[0]).toMatch(
      /must not exceed/,
    );
    expect(issuesFor(issues(edited(0, { mac: '01:00:5e:00:00:01' })), '0.mac')[0]).toMatch(/unicast/);
  });

  it('number of VFs: the edit, its plan, and the through-0 notice shown before the preview', () => {
    const e = numVfsEdit(pf, undefined, '2');
    expect(e).toEqual({ op: 'sriov.numvfs', ns: undefined, dev: 'enp3s0f0', numVfs: 2 });
    expect(plan(e).steps.map((s) => s.argv[2])).toEqual(['0', '2']);
    expect(numVfsNotice(pf, 2)).toMatch(
      /only through 0, so this goes 4 → 0 → 2: it removes all 4 VFs and everything set on them .*, with their netdevs enp3s0f0v2, enp3s0f0v3 first/,
    );
    expect(numVfsNotice(pf, 0)).toMatch(/^This removes all 4 VFs/);
    expect(numVfsNotice(pf, 4)).toBeNull();
    expect(
      numVfsNotice(
        snap.links.find((l) => l.name === 'eni0')!,
        3,
      ),
    ).toBeNull();
    expect(issuesFor(issues(numVfsEdit(pf, undefined, 'many')), '0.numVfs').length).toBe(1);
  });
});
