// Lab VM tier: ONE boot of ../shared/lab-vm/run runs test/labvm/inside-read.ts, which builds ipvlan
// (l2/l3/l3s, each on its own parent), 802.1Q and 802.1ad vlans, dummies, a macvlan moved into a named
// namespace and a netdevsim PF with VFs, then changes the VFs step by step. Each step's snapshot is
// checked here against ip's and sysfs's own readings taken in the VM at the same moment.
import { beforeAll, describe, expect, it } from 'vitest';
import { labvmTier } from '../tiers';
import type { LabvmReport, Step } from './inside-read';
import { runInside } from './inside';
import type { Link, VfInfo } from '../../shared/host/types';

interface IpVf {
  vf: number;
  address: string;
  vlan_list?: { vlan?: number; qos?: number; protocol?: string }[];
  rate?: { max_tx: number; min_tx: number };
  spoofchk?: boolean;
  trust?: boolean;
  link_state?: string;
}
interface IpLink {
  ifindex: number;
  ifname: string;
  address?: string;
  mtu?: number;
  flags: string[];
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  vfinfo_list?: IpVf[];
}

describe.skipIf(!labvmTier.ok)('lab VM tier: the read side on a kernel with ipvlan, vlan, dummy, netdevsim', () => {
  let report: LabvmReport;

  beforeAll(async () => {
    // TCG is slow: one boot for everything
    report = await runInside<LabvmReport>('inside-read.ts', { tag: 'LABVM', timeoutMs: 9 * 60_000 });
  }, 10 * 60_000);

  const step = (name: string): Step => {
    const s = report.steps.find((x) => x.step === name);
    if (!s) throw new Error(`no step ${name}`);
    return s;
  };
  const nsOf = (s: Step, label: string) =>
    s.snapshot.namespaces.find((n) => n.label === label || (label === 'host' && n.root))!;
  const linkOf = (s: Step, label: string, name: string): Link => {
    const ns = nsOf(s, label);
    const l = s.snapshot.links.find((x) => x.nsId === ns.id && x.name === name);
    if (!l) throw new Error(`step ${s.step}: no ${name} in ${label}`);
    return l;
  };

  it('ran on the lab kernel', () => {
    expect(report.kernel).toMatch(/^6\.1\./);
    expect(report.steps.map((s) => s.step)).toEqual([
      'built',
      'numvfs 0',
      'numvfs 2',
      'vf 0 mac',
      'vf 0 vlan',
      'vf 1 rate',
      'vf 1 trust',
      'vf 1 spoofchk',
      'vf 0 state',
      'duplicate mac',
    ]);
  });

  describe('links: kind, mode, parent', () => {
    // ns, name, kind, mode, parent (ns/name)
    const rows: [string, string, string, string | null, string | null][] = [
      ['host', 'eth0', 'physical', null, null],
      ['host', 'eth1', 'physical', null, null],
      ['host', 'd0', 'dummy', null, null],
      ['host', 'd1', 'dummy', null, null],
      ['host', 'ipv-l2', 'ipvlan', 'l2 bridge', 'host/eth0'],
      ['host', 'ipv-l3s', 'ipvlan', 'l3s vepa', 'host/d0'],
      ['red', 'ipv-l3', 'ipvlan', 'l3 private', 'host/eth1'],
      ['host', 'vl100', 'vlan', '802.1Q', 'host/eth1'],
      ['host', 'vl200ad', 'vlan', '802.1ad', 'host/eth0'],
      ['red', 'mv0', 'macvlan', 'vepa', 'host/d1'],
      ['host', 'eth2', 'physical', null, null],
    ];
    it.each(rows)('%s/%s is %s (%s) on %s', (ns, name, kind, mode, parent) => {
      const s = step('built');
      const l = linkOf(s, ns, name);
      expect(l.kind).toBe(kind);
      expect(l.mode).toBe(mode);
      expect(l.parentUnresolved).toBe(false);
      expect(l.parentId).toBe(parent ? linkOf(s, parent.split('/')[0], parent.split('/')[1]).id : null);
    });
    it("vlan ids and protocols, and the ipvlan children carry their parent's MAC", () => {
      const s = step('built');
      expect(linkOf(s, 'host', 'vl100').info).toMatchObject({ id: 100, protocol: '802.1Q' });
      expect(linkOf(s, 'host', 'vl200ad').info).toMatchObject({ id: 200, protocol: '802.1ad' });
      expect(linkOf(s, 'red', 'ipv-l3').mac).toBe(linkOf(s, 'host', 'eth1').mac);
      expect(linkOf(s, 'red', 'ipv-l3').addresses.map((a) => a.cidr)).toContain('192.168.50.2/24');
    });
    it('every link ip shows in each namespace is in the snapshot with the same name, kind, mode data, MAC, MTU, state', () => {
      const s = step('built');
      for (const [label, list] of Object.entries(report.ipLinks)) {
        const ns = nsOf(s, label === 'root' ? 'host' : label);
        const mine = s.snapshot.links.filter((l) => l.nsId === ns.id);
        expect(
          mine.map((l) => l.ifindex).sort((a, b) => a - b),
          label,
        ).toEqual((list as IpLink[]).map((l) => l.ifindex).sort((a, b) => a - b));
        for (const want of list as IpLink[]) {
          const got = mine.find((l) => l.ifindex === want.ifindex)!;
          const where = `${label}/${want.ifname}`;
          expect(got.name, where).toBe(want.ifname);
          if (want.linkinfo?.info_kind) expect(got.kind, where).toBe(want.linkinfo.info_kind);
          expect(got.mac, where).toBe(want.address ?? null);
          expect(got.mtu, where).toBe(want.mtu ?? null);
          expect(got.up, where).toBe(want.flags.includes('UP'));
          expect(got.info ?? undefined, where).toEqual(want.linkinfo?.info_data);
        }
      }
    });
    it('the namespace the macvlan moved into is a named one; nothing is hidden or unresolved', () => {
      const s = step('built');
      expect(nsOf(s, 'red')).toMatchObject({ name: 'red', source: 'named', root: false });
      expect(s.snapshot.hidden).toEqual([]);
      expect(s.snapshot.warnings).toEqual([]);
    });
  });

  describe('SR-IOV on netdevsim, step by step', () => {
    /** the snapshot's VF list must say exactly what ip's vfinfo_list says */
    const fromIp = (v: IpVf): Omit<VfInfo, 'queryRss' | 'netdevId' | 'netdevName' | 'device' | 'driver'> => ({
      index: v.vf,
      mac: v.address,
      vlans: (v.vlan_list ?? [])
        .filter((x) => x.vlan)
        .map((x) => ({ vlan: x.vlan!, qos: x.qos ?? 0, protocol: x.protocol ?? null })),
      maxTxRate: v.rate?.max_tx ?? null,
      minTxRate: v.rate?.min_tx ?? null,
      spoofchk: v.spoofchk ?? null,
      trust: v.trust ?? null,
      linkState: v.link_state ?? null,
    });
    it("each step: the PF's VFs match ip, numVfs matches sysfs, and netdevsim's gaps stay unknown", () => {
      for (const s of report.steps) {
        for (const [pfName, ipPf] of Object.entries(s.ipPf)) {
          const pf = linkOf(s, 'host', pfName);
          expect(pf.kind, s.step).toBe('physical');
          expect(pf.parentBus, s.step).toBe('netdevsim');
          expect(pf.sriov, s.step).not.toBeNull();
          expect(pf.sriov!.numVfs, s.step).toBe(s.sysfsNumVfs[pfName]);
          expect(pf.sriov!.totalVfs, s.step).toBeNull(); // netdevsim has no sriov_totalvfs
          const want = ((ipPf as IpLink).vfinfo_list ?? []).map(fromIp);
          expect(
            pf.sriov!.vfs.map(({ queryRss: _q, netdevId, netdevName, device, driver, ...rest }) => {
              expect([netdevId, netdevName, device, driver]).toEqual([null, null, null, null]); // no virtfn, no VF netdevs
              return rest;
            }),
            `${s.step}: ${pfName}`,
          ).toEqual(want);
        }
        // no link anywhere pretends to be a VF or a PF except the netdevsim ports
        expect(s.snapshot.links.filter((l) => l.kind === 'vf' || l.vf)).toEqual([]);
        expect(
          s.snapshot.links
            .filter((l) => l.sriov)
            .map((l) => l.name)
            .sort(),
        ).toEqual(Object.keys(s.ipPf).sort());
      }
    });
    const vfs = (s: string) => linkOf(step(s), 'host', report.pf).sriov!.vfs;
    it('built: 4 VFs with MAC, VLAN+QoS, trust/spoofchk/state, rates', () => {
      expect(step('built').sysfsNumVfs[report.pf]).toBe(4);
      const v = vfs('built');
      expect(v).toHaveLength(4);
      expect(v[0].mac).toBe('02:00:00:00:00:10');
      expect(v[1].vlans).toEqual([{ vlan: 101, qos: 2, protocol: null }]);
      expect(v[2]).toMatchObject({ trust: true, spoofchk: false, linkState: 'enable' });
      expect(v[3]).toMatchObject({ maxTxRate: 1000, minTxRate: 100 });
    });
    it('4 → 2 directly is refused by the kernel (EBUSY): going through 0 is required', () => {
      expect(report.numvfsBusy).toBe('EBUSY');
    });
    it('numvfs 4 → 0 → 2', () => {
      expect(linkOf(step('numvfs 0'), 'host', report.pf).sriov).toMatchObject({ numVfs: 0, vfs: [] });
      expect(linkOf(step('numvfs 2'), 'host', report.pf).sriov!.numVfs).toBe(2);
      expect(vfs('numvfs 2').map((v) => v.index)).toEqual([0, 1]);
    });
    it.each([
      ['vf 0 mac', 0, { mac: '02:00:00:00:0a:01' }],
      ['vf 0 vlan', 0, { vlans: [{ vlan: 42, qos: 3, protocol: '802.1ad' }] }],
      ['vf 1 rate', 1, { maxTxRate: 500, minTxRate: 50 }],
      ['vf 1 trust', 1, { trust: true }],
      ['vf 1 spoofchk', 1, { spoofchk: true }],
      ['vf 0 state', 0, { linkState: 'disable' }],
    ] as [string, number, Partial<VfInfo>][])('after `%s` the re-read shows it', (name, index, want) => {
      expect(vfs(name)[index]).toMatchObject(want);
      // and it was not so one step before
      const before = report.steps[report.steps.findIndex((s) => s.step === name) - 1].step;
      expect(vfs(before)[index]).not.toMatchObject(want);
    });
    it('a MAC duplicated across two PFs is a warning naming both', () => {
      const s = step('duplicate mac');
      const pf1 = linkOf(s, 'host', report.pf);
      const pf2 = linkOf(s, 'host', report.pf2);
      expect(s.snapshot.warnings).toEqual([
        {
          code: 'vf-duplicate-mac',
          message: `VF MAC 02:00:00:00:0a:01 is set on 2 VFs: ${report.pf} vf 0, ${report.pf2} vf 1`,
          ids: [pf1.id, pf2.id],
        },
      ]);
      // before the second PF existed there was none
      expect(step('vf 0 state').snapshot.warnings).toEqual([]);
    });
  });
});
