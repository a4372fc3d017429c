// SR-IOV read side on hardware we do not have: a fake sysfs tree (virtfnN, physfn, drivers, totals)
// plus crafted `ip -j -d link show` documents with vfinfo_list, across three namespaces.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNamespace, type ParsedNamespace } from '../../server/ip/parse';
import { resolveHost } from '../../server/host/resolve';
import { deviceDir, enrichSriov } from '../../server/host/sriov';
import { computeWarnings } from '../../server/host/warnings';
import type { HostWarning, Link, Namespace } from '../../shared/host/types';
import { buildSriovSysfs } from '../fixtures/sysfs-sriov/tree';
import { captureNamespace, loadCaptures } from '../fixtures/captures';

const DIR = path.resolve(__dirname, '../fixtures/sysfs-sriov');
const doc = (f: string) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as unknown[];

const ns = (id: string, extra: Partial<Namespace>): Namespace => ({
  id,
  name: null,
  root: false,
  source: 'process',
  pids: [],
  comms: [],
  label: id,
  path: null,
  error: null,
  owner: null,
  ...extra,
});
const NAMESPACES: Namespace[] = [
  ns('4026531840', { root: true, source: 'root', label: 'host' }),
  ns('4026532700', {
    source: 'process',
    pids: [4242],
    comms: ['pause'],
    label: 'pid 4242 (pause)',
    path: '/proc/4242/ns/net',
  }),
  // a CNI namespace whose pod is gone: still mounted, no process in it
  ns('4026532800', { source: 'named', name: 'cni-leak', label: 'cni-leak', path: '/var/run/netns/cni-leak' }),
];
const [ROOT, POD, LEAK] = NAMESPACES.map((n) => n.id);

let sys: { root: string; remove: () => void };
let links: Link[];
let warnings: HostWarning[];
const L = (nsId: string, name: string) => {
  const l = links.find((x) => x.nsId === nsId && x.name === name);
  if (!l) throw new Error(`no ${name} in ${nsId}`);
  return l;
};

beforeAll(async () => {
  sys = buildSriovSysfs();
  const parsed = new Map<string, ParsedNamespace>([
    [
      ROOT,
      parseNamespace(ROOT, {
        links: doc('root.link.json'),
        addrs: [],
        routes: [],
        nsids: doc('root.netns-list-id.json'),
      }),
    ],
    [
      POD,
      parseNamespace(POD, { links: doc('pod.link.json'), addrs: [], routes: [], nsids: doc('pod.netns-list-id.json') }),
    ],
    [LEAK, parseNamespace(LEAK, { links: doc('cni-leak.link.json'), addrs: [], routes: [], nsids: [] })],
  ]);
  const r = resolveHost(NAMESPACES, parsed);
  links = r.links;
  await enrichSriov(links, sys.root);
  warnings = computeWarnings(NAMESPACES, links, r.unresolved);
});
afterAll(() => sys?.remove());

describe('PF totals and counts come from sysfs', () => {
  it.each([
    ['ens1f0', 64, 4, 4],
    ['ens1f1', 64, 3, 3],
    ['ens2f0', 8, 2, 2], // ip reported no vfinfo_list: the VFs sysfs lists are still there
    ['ens2f1', 8, 0, 0],
  ])('%s: totalVfs %i, numVfs %i, %i VFs', (name, total, num, count) => {
    const pf = L(ROOT, name);
    expect(pf.sriov).toMatchObject({ totalVfs: total, numVfs: num });
    expect(pf.sriov!.vfs.map((v) => v.index)).toEqual([...Array(count).keys()]);
    expect(pf.sriov!.device).toBe(path.join(sys.root, 'bus/pci/devices', pf.parentDev!));
    expect(pf.kind).toBe('physical');
    expect(pf.vf).toBeNull();
  });
  it('nothing pretends: no sriov on a NIC without SR-IOV files, on a missing device, on VFs, on virtual links', () => {
    for (const name of ['lo', 'eth0', 'enp153s0', 'ens1f0v0', 'veth1a2b3c'])
      expect(L(ROOT, name).sriov, name).toBeNull();
    expect(L(POD, 'net1').sriov).toBeNull();
    expect(L(ROOT, 'eth0').kind).toBe('physical');
    expect(L(ROOT, 'enp153s0')).toMatchObject({ kind: 'physical', vf: null });
  });
});

describe('each VF: settings from ip, device/driver/netdev from sysfs, wherever the netdev lives', () => {
  // pf, vf, mac, vlans, max, min, spoofchk, trust, state, device, driver, netdev ns, netdev name
  const rows: [
    string,
    number,
    string | null,
    [number, number, string | null][],
    number | null,
    number | null,
    boolean | null,
    boolean | null,
    string | null,
    string,
    string | null,
    string | null,
    string | null,
  ][] = [
    ['ens1f0', 0, '02:aa:00:00:00:00', [], 0, 0, true, false, 'auto', '0000:3b:02.0', 'iavf', ROOT, 'ens1f0v0'],
    ['ens1f0', 1, '02:aa:00:00:00:01', [[100, 0, null]], 0, 0, true, true, 'auto', '0000:3b:02.1', 'iavf', POD, 'net1'],
    [
      'ens1f0',
      2,
      '02:aa:00:00:00:02',
      [[200, 3, null]],
      1000,
      100,
      false,
      false,
      'auto',
      '0000:3b:02.2',
      null,
      null,
      null,
    ],
    ['ens1f0', 3, '02:aa:00:00:00:03', [], 0, 0, true, false, 'disable', '0000:3b:02.3', 'iavf', ROOT, 'ens1f0v3'],
    [
      'ens1f1',
      0,
      '02:aa:00:00:00:02',
      [[300, 0, '802.1ad']],
      0,
      0,
      true,
      false,
      'auto',
      '0000:3b:0a.0',
      'vfio-pci',
      null,
      null,
    ],
    ['ens1f1', 1, '02:bb:00:00:00:01', [], 0, 0, true, false, 'auto', '0000:3b:0a.1', 'iavf', LEAK, 'net1'],
    ['ens1f1', 2, '00:00:00:00:00:00', [], 0, 0, true, false, 'auto', '0000:3b:0a.2', 'iavf', ROOT, 'ens1f1v2'],
    ['ens2f0', 0, null, [], null, null, null, null, null, '0000:5e:02.0', 'iavf', ROOT, 'ens2f0v0'],
    ['ens2f0', 1, null, [], null, null, null, null, null, '0000:5e:02.1', null, null, null],
  ];
  it.each(rows)(
    '%s vf %i',
    (pf, index, mac, vlans, max, min, spoofchk, trust, state, device, driver, netNs, netName) => {
      const vf = L(ROOT, pf).sriov!.vfs[index];
      expect(vf).toEqual({
        index,
        mac,
        vlans: vlans.map(([vlan, qos, protocol]) => ({ vlan, qos, protocol })),
        maxTxRate: max,
        minTxRate: min,
        spoofchk,
        trust,
        linkState: state,
        queryRss: mac === null ? null : false,
        device,
        driver,
        netdevId: netNs ? L(netNs, netName!).id : null,
        netdevName: netName,
      });
    },
  );
  it.each([
    [ROOT, 'ens1f0v0', 'ens1f0', 0],
    [POD, 'net1', 'ens1f0', 1],
    [ROOT, 'ens1f0v3', 'ens1f0', 3],
    [LEAK, 'net1', 'ens1f1', 1],
    [ROOT, 'ens1f1v2', 'ens1f1', 2],
    [ROOT, 'ens2f0v0', 'ens2f0', 0],
  ])('the VF netdev %s/%s is kind vf of %s vf %i', (nsId, name, pfName, index) => {
    const l = L(nsId, name);
    expect(l.kind).toBe('vf');
    expect(l.vf).toEqual({ pfId: L(ROOT, pfName).id, pfName, index });
  });
  it('a VF netdev whose PF is not visible still knows it is a VF (physfn), with the PF unknown', async () => {
    const only = links
      .filter((l) => l.nsId === POD)
      .map((l) => ({ ...l, vf: null, kind: l.kind === 'vf' ? 'physical' : l.kind }));
    await enrichSriov(only, sys.root);
    expect(only.find((l) => l.name === 'net1')).toMatchObject({
      kind: 'vf',
      vf: { pfId: null, pfName: null, index: null },
    });
  });
  it("the pod's veth still resolves to its host end", () => {
    expect(L(POD, 'eth0').peerId).toBe(L(ROOT, 'veth1a2b3c').id);
  });
});

describe('warnings', () => {
  const codes = () => warnings.map((w) => w.code).sort();
  it('exactly: one duplicate MAC, two unused VFs, one stranded VF netdev', () => {
    expect(codes()).toEqual(['vf-duplicate-mac', 'vf-stranded', 'vf-unused', 'vf-unused']);
  });
  it('duplicate VF MAC across PFs names both VFs and both PFs', () => {
    const w = warnings.find((x) => x.code === 'vf-duplicate-mac')!;
    expect(w.message).toBe('VF MAC 02:aa:00:00:00:02 is set on 2 VFs: ens1f0 vf 2, ens1f1 vf 0');
    expect(w.ids).toEqual([L(ROOT, 'ens1f0').id, L(ROOT, 'ens1f1').id]);
  });
  it('a VF with MAC and VLAN set but no netdev', () => {
    const w = warnings.filter((x) => x.code === 'vf-unused').find((x) => x.message.startsWith('ens1f0 vf 2'))!;
    expect(w.message).toBe(
      'ens1f0 vf 2 has MAC 02:aa:00:00:00:02 and VLAN 200 set but it has no netdev (no driver bound): left over from a deleted pod?',
    );
    expect(w.ids).toEqual([L(ROOT, 'ens1f0').id]);
  });
  it('a VF with a MAC set whose netdev is down', () => {
    const w = warnings.filter((x) => x.code === 'vf-unused').find((x) => x.message.startsWith('ens1f0 vf 3'))!;
    expect(w.message).toContain('its netdev ens1f0v3 (namespace host) is down');
    expect(w.ids).toEqual([L(ROOT, 'ens1f0').id, L(ROOT, 'ens1f0v3').id]);
  });
  it('no unused warning for a VF bound to vfio-pci (a VM uses it), an unconfigured VF, or a VF netdev up in a pod', () => {
    const unused = warnings.filter((x) => x.code === 'vf-unused').map((w) => w.message);
    expect(unused.some((m) => m.startsWith('ens1f1 vf 0'))).toBe(false); // vfio-pci
    expect(unused.some((m) => m.startsWith('ens2f0'))).toBe(false); // nothing set (ens2f0v0 is down, but unconfigured)
    expect(unused.some((m) => m.startsWith('ens1f0 vf 1'))).toBe(false); // VLAN set, netdev up in the pod
  });
  it('a VF netdev stranded in a namespace no process uses', () => {
    const w = warnings.find((x) => x.code === 'vf-stranded')!;
    expect(w.message).toBe(
      'VF netdev net1 (ens1f1 vf 1) sits in namespace cni-leak, where no process runs: it returns to the host only when that namespace is deleted',
    );
    expect(w.ids).toEqual([L(LEAK, 'net1').id, L(ROOT, 'ens1f1').id]);
  });
  it('the same VF netdev in a namespace a process holds is not stranded', () => {
    const held = NAMESPACES.map((n) => (n.id === LEAK ? { ...n, pids: [777] } : n));
    expect(computeWarnings(held, links, []).some((w) => w.code === 'vf-stranded')).toBe(false);
  });
  it('MACs compare case-insensitively', () => {
    const pf = (id: string, mac: string): Link => ({
      ...L(ROOT, 'ens1f0'),
      id,
      sriov: { totalVfs: 1, numVfs: 1, device: null, vfs: [{ ...L(ROOT, 'ens1f0').sriov!.vfs[0], mac }] },
    });
    const w = computeWarnings(NAMESPACES, [pf('a', '02:AB:00:00:00:01'), pf('b', '02:ab:00:00:00:01')], []);
    expect(w.filter((x) => x.code === 'vf-duplicate-mac')).toHaveLength(1);
  });
});

describe("netdevsim (the lab VM's simulated PF): no totals, no virtfn links, no VF netdevs", () => {
  it('keeps what ip says and warns about nothing it cannot know', async () => {
    const { namespaces, parsed } = loadCaptures(['root']);
    const { links: ls, unresolved } = resolveHost(namespaces, parsed);
    // a sysfs with the netdevsim device's sriov_numvfs only (as pf-device-sysfs-listing.txt shows)
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const dir = path.join(sys.root, 'bus/netdevsim/devices/netdevsim10');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'sriov_numvfs'), '4\n');
    await enrichSriov(ls, sys.root);
    const pf = ls.find((l) => l.name === 'eth2')!;
    expect(pf.sriov).toMatchObject({ totalVfs: null, numVfs: 4, device: dir });
    expect(pf.sriov!.vfs.every((v) => v.device === null && v.netdevId === null && v.driver === null)).toBe(true);
    // VF 1 has a MAC and a VLAN but without virtfn links nobody can say it is unused
    // (only the host's capture is loaded here, so ve-a's peer is unresolved: that warning is not the point)
    expect(computeWarnings([captureNamespace('root')], ls, unresolved).filter((w) => w.code.startsWith('vf-'))).toEqual(
      [],
    );
  });
});

describe('LINKSCAPE_SYSFS', () => {
  it('points the reader at another tree', async () => {
    vi.stubEnv('LINKSCAPE_SYSFS', sys.root);
    vi.resetModules();
    try {
      const m = await import('../../server/host/sriov');
      expect(m.SYSFS_ROOT).toBe(sys.root);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

describe('deviceDir', () => {
  it.each([
    [{ parentBus: 'pci', parentDev: '0000:3b:00.0' }, '/S/bus/pci/devices/0000:3b:00.0'],
    [{ parentBus: null, parentDev: null }, null],
    [{ parentBus: 'pci', parentDev: '../../etc' }, null],
    [{ parentBus: '../x', parentDev: 'y' }, null],
    [{ parentBus: 'pci', parentDev: '..' }, null],
  ])('%j → %s', (l, want) => {
    expect(deviceDir('/S', l)).toBe(want);
  });
});
