// Pure: things an operator should look at, computed from the host's state.
import type { HostWarning, Link, Namespace } from '../../shared/host/types';

/** VF MAC 00:00:00:00:00:00 means "not set" */
const UNSET_MAC = /^(00:){5}00$/;
/** drivers that hand a VF to a VM: no netdev is expected, the VF is in use */
const PASSTHROUGH_DRIVERS = new Set(['vfio-pci', 'pci-stub']);

export function computeWarnings(namespaces: Namespace[], links: Link[], unresolved: string[]): HostWarning[] {
  const out: HostWarning[] = [];
  const nsById = new Map(namespaces.map((n) => [n.id, n]));
  const linkById = new Map(links.map((l) => [l.id, l]));
  const where = (l: Link | undefined) => (l ? (nsById.get(l.nsId)?.label ?? l.nsId) : '?');

  // resolve.ts reports "ID (NAME): WHAT"
  for (const u of unresolved) {
    const m = /^(\S+) \((.*)\): (.*)$/.exec(u);
    const id = m ? m[1] : u.split(' ')[0];
    const l = linkById.get(id);
    const what = m ? m[3] : 'lower device';
    out.push({
      code: 'unresolved',
      message: `cannot resolve the ${what} of ${l?.name ?? id} (namespace ${where(l)}): shown as unknown`,
      ids: [id],
    });
  }

  // duplicate VF MACs across PFs (and within one)
  const macs = new Map<string, { pf: Link; index: number }[]>();
  for (const l of links) {
    for (const vf of l.sriov?.vfs ?? []) {
      if (!vf.mac || UNSET_MAC.test(vf.mac)) continue;
      const key = vf.mac.toLowerCase();
      macs.set(key, [...(macs.get(key) ?? []), { pf: l, index: vf.index }]);
    }
  }
  for (const [mac, vfs] of macs) {
    if (vfs.length < 2) continue;
    out.push({
      code: 'vf-duplicate-mac',
      message: `VF MAC ${mac} is set on ${vfs.length} VFs: ${vfs.map((v) => `${v.pf.name} vf ${v.index}`).join(', ')}`,
      ids: [...new Set(vfs.map((v) => v.pf.id))],
    });
  }

  // VFs configured (MAC or VLAN) but not in use: left over from a deleted pod. Only where sysfs shows the
  // VF's device (virtfnN), so we know whether a netdev exists; a VF handed to a VM (vfio) is in use.
  for (const pf of links) {
    for (const vf of pf.sriov?.vfs ?? []) {
      if (!vf.device || (vf.driver && PASSTHROUGH_DRIVERS.has(vf.driver))) continue;
      const set = [
        vf.mac && !UNSET_MAC.test(vf.mac) ? `MAC ${vf.mac}` : null,
        vf.vlans.length ? `VLAN ${vf.vlans.map((v) => v.vlan).join(',')}` : null,
      ].filter(Boolean);
      if (!set.length) continue;
      const netdev = vf.netdevId ? linkById.get(vf.netdevId) : undefined;
      if (netdev && netdev.up) continue;
      const why = netdev
        ? `its netdev ${netdev.name} (namespace ${where(netdev)}) is down`
        : `it has no netdev${vf.driver ? ` (driver ${vf.driver})` : ' (no driver bound)'}`;
      out.push({
        code: 'vf-unused',
        message: `${pf.name} vf ${vf.index} has ${set.join(' and ')} set but ${why}: left over from a deleted pod?`,
        ids: netdev ? [pf.id, netdev.id] : [pf.id],
      });
    }
  }

  // A VF netdev in a namespace no process uses (a leaked bind mount, a pod whose processes are gone).
  for (const l of links) {
    if (l.kind !== 'vf') continue;
    const ns = nsById.get(l.nsId);
    if (!ns || ns.root || ns.pids.length > 0) continue;
    const of = l.vf?.pfName ? ` (${l.vf.pfName} vf ${l.vf.index ?? '?'})` : '';
    out.push({
      code: 'vf-stranded',
      message: `VF netdev ${l.name}${of} sits in namespace ${ns.label}, where no process runs: it returns to the host only when that namespace is deleted`,
      ids: l.vf?.pfId ? [l.id, l.vf.pfId] : [l.id],
    });
  }
  return out;
}
