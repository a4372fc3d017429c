// Pure: SR-IOV and warnings as the graph model draws them. A PF's VFs that have no netdev of their own
// (netdevsim, VFs bound to vfio-pci, unbound ones) become small VF nodes below the PF; a VF with a netdev
// is that netdev's link node, joined to the PF by a `vf` edge wherever it lives.
import type { HostWarning, Link, VfInfo } from '@/shared/host/types';

/** beyond this many bare VFs a PF shows one "+N VFs" node instead of the rest (the panel lists them all) */
export const MAX_VF_NODES = 16;

const UNSET_MAC = /^(00:){5}00$/;

export const vfNodeId = (pfId: string, index: number | 'more') => `vf:${pfId}#${index}`;

/** `vf:<pf link id>#<index>` → the PF and the VF's index (null for the "+N VFs" node) */
export function vfOfNodeId(id: string): { pfId: string; index: number | null } | null {
  const m = /^vf:(.+)#(\d+|more)$/.exec(id);
  if (!m) return null;
  return { pfId: m[1], index: m[2] === 'more' ? null : Number(m[2]) };
}

/** "VFs 2 / 8", or "VFs 2 / ?" when the device does not report a total (netdevsim) */
export function sriovLine(pf: Pick<Link, 'sriov'>): string | null {
  if (!pf.sriov) return null;
  return `VFs ${pf.sriov.numVfs ?? pf.sriov.vfs.length} / ${pf.sriov.totalVfs ?? '?'}`;
}

/** VFs drawn as VF nodes: those whose netdev is not a link in the snapshot */
export function bareVfs(pf: Link, linkIds: ReadonlySet<string>): VfInfo[] {
  return (pf.sriov?.vfs ?? []).filter((vf) => !vf.netdevId || !linkIds.has(vf.netdevId));
}

export function vfNodeLabel(vf: VfInfo): string {
  const lines = [`vf ${vf.index}`];
  if (vf.mac && !UNSET_MAC.test(vf.mac)) lines.push(vf.mac);
  const v = vf.vlans[0];
  if (v)
    lines.push(
      `vlan ${v.vlan}${v.qos ? ` q${v.qos}` : ''}${v.protocol && v.protocol !== '802.1Q' ? ` ${v.protocol}` : ''}`,
    );
  if (vf.linkState === 'disable') lines.push('disabled');
  if (vf.netdevName) lines.push(vf.netdevName);
  else if (vf.driver) lines.push(vf.driver);
  return lines.join('\n');
}

/** warnings by the ids they concern (links and namespaces) */
export function warningsByRef(warnings: HostWarning[]): Map<string, HostWarning[]> {
  const m = new Map<string, HostWarning[]>();
  for (const w of warnings) {
    for (const id of new Set(w.ids)) {
      const list = m.get(id);
      if (list) list.push(w);
      else m.set(id, [w]);
    }
  }
  return m;
}

/** The PF's warnings that name this VF ("PF vf N" in the message: warnings carry only the PF's id). */
export function vfWarnings(
  pf: Pick<Link, 'id' | 'name'>,
  index: number,
  byRef: Map<string, HostWarning[]>,
): HostWarning[] {
  const name = `${pf.name} vf ${index}`;
  return (byRef.get(pf.id) ?? []).filter((w) => {
    let at = w.message.indexOf(name);
    while (at >= 0) {
      const next = w.message[at + name.length];
      if (next === undefined || !/\d/.test(next)) return true;
      at = w.message.indexOf(name, at + 1);
    }
    return false;
  });
}

/** the search matches a VF by its MAC (any separator, any case) or its netdev's name */
export function vfMatches(search: string, vf: VfInfo): boolean {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return false;
  const mac = (vf.mac ?? '').toLowerCase().replace(/[^0-9a-f]/g, '');
  return words.every((w) => {
    const hex = w.replace(/[^0-9a-f]/g, '');
    return (
      (hex.length >= 4 && hex.length === w.replace(/[:.-]/g, '').length && mac.includes(hex)) ||
      (vf.netdevName ?? '').toLowerCase().includes(w) ||
      `vf${vf.index}` === w.replace(/\s/g, '')
    );
  });
}
