// Fleet-wide search: pods and namespaces by name, links by name, IPs, MACs → which node, which namespace.
// Each node's snapshot is indexed once (per snapshot object) into lower-cased entries; a query scans them.
import type { HostSnapshot } from '../../shared/host/types';
import { addressOf } from './addresses';
import type { SearchHit, SearchKind } from '../../shared/fleet/types';

interface Entry {
  key: string;
  kind: SearchKind;
  id: string;
  label: string;
}

const cache = new WeakMap<HostSnapshot, Entry[]>();

export function indexSnapshot(s: HostSnapshot): Entry[] {
  const hit = cache.get(s);
  if (hit) return hit;
  const out: Entry[] = [];
  const nsLabel = new Map(s.namespaces.map((n) => [n.id, n.label]));
  for (const n of s.namespaces) {
    out.push({ key: n.label.toLowerCase(), kind: 'namespace', id: n.id, label: n.label });
    if (n.name && n.name !== n.label)
      out.push({ key: n.name.toLowerCase(), kind: 'namespace', id: n.id, label: n.label });
    if (n.owner?.kind === 'pod') {
      const full = n.owner.namespace ? `${n.owner.namespace}/${n.owner.name}` : n.owner.name;
      out.push({ key: full.toLowerCase(), kind: 'pod', id: n.id, label: `pod ${full}` });
    }
  }
  for (const l of s.links) {
    const where = nsLabel.get(l.nsId) ?? l.nsId;
    out.push({ key: l.name.toLowerCase(), kind: 'link', id: l.id, label: `${l.name} in ${where}` });
    if (l.mac)
      out.push({ key: l.mac.toLowerCase(), kind: 'mac', id: l.id, label: `${l.mac} on ${l.name} in ${where}` });
    for (const a of l.addresses)
      out.push({ key: addressOf(a.cidr), kind: 'ip', id: l.id, label: `${a.cidr} on ${l.name} in ${where}` });
  }
  cache.set(s, out);
  return out;
}

export const SEARCH_LIMIT = 200;

/** Case-insensitive substring match; exact matches first. At most `limit` hits. */
export function searchFleet(
  nodes: { name: string; snapshot: HostSnapshot | null }[],
  q: string,
  limit = SEARCH_LIMIT,
): SearchHit[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  const exact: SearchHit[] = [];
  const partial: SearchHit[] = [];
  for (const n of nodes) {
    if (!n.snapshot) continue;
    for (const e of indexSnapshot(n.snapshot)) {
      if (e.key === needle) exact.push({ node: n.name, kind: e.kind, id: e.id, label: e.label });
      else if (partial.length < limit && e.key.includes(needle))
        partial.push({ node: n.name, kind: e.kind, id: e.id, label: e.label });
    }
  }
  return [...exact, ...partial].slice(0, limit);
}
