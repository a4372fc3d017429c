// Pure: things an operator should look at, computed from the host's state.
import type { HostWarning, Link, Namespace } from './types';

export function computeWarnings(namespaces: Namespace[], links: Link[], unresolved: string[]): HostWarning[] {
  const out: HostWarning[] = [];
  for (const u of unresolved) {
    const id = u.split(' ')[0];
    out.push({ code: 'unresolved', message: `cannot resolve ${u.slice(id.length + 1)} of ${id}`, ids: [id] });
  }
  // duplicate VF MACs across PFs (00:00:00:00:00:00 means "not set")
  const macs = new Map<string, string[]>();
  for (const l of links) {
    for (const vf of l.sriov?.vfs ?? []) {
      if (!vf.mac || /^(00:){5}00$/.test(vf.mac)) continue;
      const list = macs.get(vf.mac) ?? [];
      list.push(`${l.id}#vf${vf.index}`);
      macs.set(vf.mac, list);
    }
  }
  for (const [mac, where] of macs) {
    if (where.length > 1) out.push({ code: 'vf-duplicate-mac', message: `VF MAC ${mac} is set on ${where.length} VFs: ${where.join(', ')}`, ids: where.map((w) => w.split('#')[0]) });
  }
  const nsById = new Map(namespaces.map((n) => [n.id, n]));
  for (const l of links) {
    if (l.kind === 'vf' && l.vf) {
      const ns = nsById.get(l.nsId);
      if (ns && !ns.root && ns.source !== 'named' && ns.source !== 'docker' && ns.pids.length === 0) {
        out.push({ code: 'vf-stranded', message: `VF netdev ${l.name} sits in namespace ${ns.label}, which no process holds`, ids: [l.id] });
      }
    }
  }
  return out;
}
