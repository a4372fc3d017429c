// Pure: which namespaces and links the table shows for the current view (the graph's filters; a
// search narrows the rows to what matches, a matching namespace keeps all its links).
import type { HostSnapshot, Link, Namespace, Route } from '@/shared/host/types';
import { linkVisible, namespaceVisible, type ViewOptions } from '../graph/model';
import { linkMatches, namespaceMatches } from '../graph/search';
import { compareLinks, sortedNamespaces } from '../host/order';
import type { HostLookup } from '../host/lookup';

export interface NamespaceRows {
  ns: Namespace;
  links: Link[];
}

export function tableRows(snap: HostSnapshot, ix: HostLookup, view: ViewOptions): NamespaceRows[] {
  const searching = view.search.trim() !== '';
  const out: NamespaceRows[] = [];
  for (const ns of sortedNamespaces(snap.namespaces)) {
    if (!namespaceVisible(ns, view)) continue;
    const nsHit = searching && namespaceMatches(view.search, ns);
    const links = (ix.linksByNs.get(ns.id) ?? [])
      .filter((l) => linkVisible(l, view) && (!searching || nsHit || linkMatches(view.search, l, ns)))
      .sort(compareLinks);
    if (searching && !nsHit && !links.length) continue;
    out.push({ ns, links });
  }
  return out;
}

function routeMatches(text: string, r: Route, ns: Namespace | undefined): boolean {
  const hay = [r.dst, r.gateway, r.dev, r.table, r.prefsrc, ns?.label, ...r.nexthops.flatMap((n) => [n.gateway, n.dev])]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .every((t) => hay.includes(t));
}

/** every route of the visible namespaces, namespaces in display order */
export function routeRows(snap: HostSnapshot, ix: HostLookup, view: ViewOptions): Route[] {
  const searching = view.search.trim() !== '';
  return sortedNamespaces(snap.namespaces)
    .filter((ns) => namespaceVisible(ns, view))
    .flatMap((ns) => (ix.routesByNs.get(ns.id) ?? []).filter((r) => !searching || routeMatches(view.search, r, ns)));
}
