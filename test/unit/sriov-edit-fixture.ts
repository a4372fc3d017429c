// A crafted SR-IOV host for the sriov.* planner and apply tests: the edit fixture's host plus
// - enp3s0f0, a PCI PF with sriov_totalvfs 8 and 4 VFs: vf 0 with a MAC and trust, vf 1 with an 802.1ad
//   VLAN and rates, vf 2 whose netdev enp3s0f0v2 sits in namespace blue, vf 3 whose netdev is in the host;
// - eni0, a netdevsim-like PF: no sriov_totalvfs, 0 VFs, no VF netdevs;
// - eth1 (from the base fixture): a NIC without SR-IOV.
import type { HostSnapshot, VfInfo } from '../../shared/host/types';
import { BLUE, fixtureSnapshot, link, ROOT } from './edit-fixture';

export const PF_DEV = '0000:3b:00.0';

export function vf(index: number, over: Partial<VfInfo> = {}): VfInfo {
  return {
    index,
    mac: '00:00:00:00:00:00',
    vlans: [],
    maxTxRate: 0,
    minTxRate: 0,
    spoofchk: true,
    trust: false,
    linkState: 'auto',
    queryRss: false,
    netdevId: null,
    netdevName: null,
    device: null,
    driver: null,
    ...over,
  };
}

/** `sysRoot` is where the PF devices' sysfs directories are said to live (a temp dir in apply tests). */
export function sriovSnapshot(sysRoot = '/sys', opts: { vfNetdevDefault?: boolean } = {}): HostSnapshot {
  const s = fixtureSnapshot();
  const pfId = `${ROOT}/20`;
  const vfs: VfInfo[] = [
    vf(0, { mac: '02:00:00:00:00:10', trust: true, device: '0000:3b:02.0', driver: 'iavf' }),
    vf(1, {
      vlans: [{ vlan: 101, qos: 2, protocol: '802.1ad' }],
      maxTxRate: 1000,
      minTxRate: 100,
      device: '0000:3b:02.1',
      driver: 'vfio-pci',
    }),
    vf(2, {
      mac: '02:00:00:00:00:12',
      netdevId: `${BLUE}/7`,
      netdevName: 'enp3s0f0v2',
      device: '0000:3b:02.2',
      driver: 'iavf',
    }),
    vf(3, {
      spoofchk: false,
      linkState: 'enable',
      netdevId: `${ROOT}/23`,
      netdevName: 'enp3s0f0v3',
      device: '0000:3b:02.3',
      driver: 'iavf',
    }),
  ];
  s.links.push(
    link(ROOT, 20, 'enp3s0f0', {
      kind: 'physical',
      parentBus: 'pci',
      parentDev: PF_DEV,
      mac: '3c:fd:fe:00:00:01',
      sriov: { totalVfs: 8, numVfs: 4, vfs, device: `${sysRoot}/bus/pci/devices/${PF_DEV}` },
    }),
    link(ROOT, 21, 'eni0', {
      kind: 'physical',
      parentBus: 'netdevsim',
      parentDev: 'netdevsim10',
      mac: '3c:fd:fe:00:00:02',
      up: false,
      sriov: { totalVfs: null, numVfs: 0, vfs: [], device: `${sysRoot}/bus/netdevsim/devices/netdevsim10` },
    }),
    link(BLUE, 7, 'enp3s0f0v2', {
      kind: 'vf',
      parentBus: 'pci',
      parentDev: '0000:3b:02.2',
      vf: { pfId, pfName: 'enp3s0f0', index: 2 },
    }),
    link(ROOT, 23, 'enp3s0f0v3', {
      kind: 'vf',
      parentBus: 'pci',
      parentDev: '0000:3b:02.3',
      vf: { pfId, pfName: 'enp3s0f0', index: 3 },
      addresses: [{ family: 'inet', cidr: '198.51.100.7/24', scope: 'global', flags: [] }],
    }),
  );
  if (opts.vfNetdevDefault) {
    const d = s.routes.find((r) => r.nsId === ROOT && r.dst === 'default')!;
    Object.assign(d, { devId: `${ROOT}/23`, dev: 'enp3s0f0v3', gateway: '198.51.100.1' });
  }
  return s;
}
