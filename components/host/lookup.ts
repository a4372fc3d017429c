// Pure: indexes over one snapshot, built once per snapshot, so panels and tables look things up fast.
import type { HostSnapshot, Link, Namespace, Route } from '@/shared/host/types';

/** Lookups by id over one HostSnapshot (indexHost), so panels, tables and forms find things without scanning. */
export interface HostLookup {
  nsById: Map<string, Namespace>;
  linkById: Map<string, Link>;
  linksByNs: Map<string, Link[]>;
  routesByNs: Map<string, Route[]>;
  /** links whose parent (lower device) is the key */
  childrenOf: Map<string, Link[]>;
  /** links whose master is the key */
  portsOf: Map<string, Link[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function indexHost(s: HostSnapshot): HostLookup {
  const ix: HostLookup = {
    nsById: new Map(s.namespaces.map((n) => [n.id, n])),
    linkById: new Map(s.links.map((l) => [l.id, l])),
    linksByNs: new Map(),
    routesByNs: new Map(),
    childrenOf: new Map(),
    portsOf: new Map(),
  };
  for (const l of s.links) {
    push(ix.linksByNs, l.nsId, l);
    if (l.parentId) push(ix.childrenOf, l.parentId, l);
    if (l.masterId) push(ix.portsOf, l.masterId, l);
  }
  for (const r of s.routes) push(ix.routesByNs, r.nsId, r);
  return ix;
}
