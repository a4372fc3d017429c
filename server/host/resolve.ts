// Pure: turn per-namespace parses into one graph whose ids resolve across namespaces.
// nsids are relative to the namespace that printed them; the namespace inode is the identity.
import type { Link, Namespace } from './types';
import type { ParsedLink, ParsedNamespace } from '../ip/parse';

/** kinds whose lower device is their parent (as opposed to a veth's peer) */
export const CHILD_KINDS = new Set(['macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'vlan', 'vxlan', 'geneve']);
const ETHER_CHILD = new Set(['macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'vlan']);
const SAME_MAC_CHILD = new Set(['ipvlan', 'ipvtap']);

interface NsIndex {
  ns: Namespace;
  parsed: ParsedNamespace;
  byIndex: Map<number, ParsedLink>;
  byName: Map<string, ParsedLink>;
  /** nsid (as this namespace sees it) → namespace id; undefined while unknown */
  nsidMap: Map<number, string>;
}

export interface ResolveResult {
  links: Link[];
  /** `${nsId}:${nsid}` → namespace id, how each relative nsid was resolved (for tests and the details panel) */
  nsidMaps: Record<string, Record<number, string>>;
  unresolved: string[];
}

function buildIndex(namespaces: Namespace[], parsed: Map<string, ParsedNamespace>): Map<string, NsIndex> {
  const out = new Map<string, NsIndex>();
  // `list-id` names come from /var/run/netns, where the host's own namespace may be bind-mounted too
  const byName = new Map(namespaces.filter((n) => (n.source === 'named' || n.root) && n.name).map((n) => [n.name as string, n.id]));
  for (const ns of namespaces) {
    const p = parsed.get(ns.id);
    if (!p) continue;
    const nsidMap = new Map<number, string>();
    for (const e of p.nsids) {
      const target = e.name ? byName.get(e.name) : undefined;
      if (target) nsidMap.set(e.nsid, target);
    }
    out.set(ns.id, {
      ns,
      parsed: p,
      byIndex: new Map(p.links.map((l) => [l.link.ifindex, l])),
      byName: new Map(p.links.map((l) => [l.link.name, l])),
      nsidMap,
    });
  }
  return out;
}

/** Could the link `child` in namespace x, pointing at (index, nsid), point into namespace y? */
function fits(child: ParsedLink, x: NsIndex, y: NsIndex): boolean {
  if (child.lower.kind !== 'index') return false;
  const target = y.byIndex.get(child.lower.index);
  if (!target) return false;
  const kind = child.link.kind;
  if (kind === 'veth') {
    if (target.link.kind !== 'veth' || target.lower.kind !== 'index') return false;
    if (target.lower.index !== child.link.ifindex) return false;
    if (target.lower.nsid === null) return false; // its peer is in its own namespace
    const back = y.nsidMap.get(target.lower.nsid);
    return back === undefined || back === x.ns.id;
  }
  if (ETHER_CHILD.has(kind) && target.link.linkType !== 'ether') return false;
  if (SAME_MAC_CHILD.has(kind) && child.link.mac && target.link.mac && child.link.mac !== target.link.mac) return false;
  return true;
}

/** Resolve the nsids no name explains, by what the links on both sides allow. */
function inferNsids(idx: Map<string, NsIndex>, rootId: string | null): void {
  const all = [...idx.values()];
  for (let pass = 0; pass < 6; pass++) {
    let changed = false;
    for (const x of all) {
      const refs = new Map<number, ParsedLink[]>();
      for (const l of x.parsed.links) {
        if (l.lower.kind === 'index' && l.lower.nsid !== null && l.lower.nsid >= 0 && !x.nsidMap.has(l.lower.nsid)) {
          const list = refs.get(l.lower.nsid) ?? [];
          list.push(l);
          refs.set(l.lower.nsid, list);
        }
      }
      const taken = new Set(x.nsidMap.values());
      for (const [nsid, links] of refs) {
        const candidates = all.filter((y) => y !== x && !taken.has(y.ns.id) && links.every((l) => fits(l, x, y)));
        let pick: NsIndex | undefined;
        if (candidates.length === 1) pick = candidates[0];
        // Ambiguous and no veth to pin it: the host namespace is where NICs (and so most parents) live.
        else if (pass >= 3 && candidates.length > 1 && !links.some((l) => l.link.kind === 'veth')) {
          pick = candidates.find((c) => c.ns.id === rootId);
        }
        if (pick) {
          x.nsidMap.set(nsid, pick.ns.id);
          taken.add(pick.ns.id);
          changed = true;
        }
      }
    }
    if (!changed && pass >= 3) break;
  }
}

/**
 * The lower device's ifindex when nothing says which namespace it is in: `link_netnsid` -1 (no nsid
 * assigned), or an `"ifN"` name `ip` printed because the index is not in its own namespace.
 */
function homelessIndex(l: ParsedLink, x: NsIndex): number | null {
  if (l.lower.kind === 'index' && l.lower.nsid === -1) return l.lower.index;
  if (l.lower.kind === 'name' && !x.byName.has(l.lower.name)) {
    const m = /^if(\d+)$/.exec(l.lower.name);
    if (m) return Number(m[1]);
  }
  return null;
}

/** Does veth `t` (in namespace y) name ifindex `i` in some other namespace as its peer? */
function pointsBackAt(t: ParsedLink, y: NsIndex, i: number): boolean {
  if (t.lower.kind === 'index') return t.lower.index === i && t.lower.nsid !== null;
  return t.lower.kind === 'name' && t.lower.name === `if${i}` && !y.byName.has(t.lower.name);
}

/** A veth's peer whose namespace is unknown: the one veth elsewhere that points back at it, if only one does. */
function farVethEnd(l: ParsedLink, x: NsIndex, idx: Map<string, NsIndex>): ParsedLink | undefined {
  const want = homelessIndex(l, x);
  if (want === null) return undefined;
  const hits: ParsedLink[] = [];
  for (const y of idx.values()) {
    if (y === x) continue;
    const t = y.byIndex.get(want);
    if (t && t.link.kind === 'veth' && pointsBackAt(t, y, l.link.ifindex)) hits.push(t);
  }
  return hits.length === 1 ? hits[0] : undefined;
}

function target(l: ParsedLink, x: NsIndex, idx: Map<string, NsIndex>): ParsedLink | undefined | null {
  if (l.link.kind === 'veth' && homelessIndex(l, x) !== null) return farVethEnd(l, x, idx);
  switch (l.lower.kind) {
    case 'none':
    case 'null':
      return null;
    case 'name':
      return x.byName.get(l.lower.name);
    case 'index': {
      if (l.lower.nsid === null) return x.byIndex.get(l.lower.index);
      const y = idx.get(x.nsidMap.get(l.lower.nsid) ?? '');
      return y?.byIndex.get(l.lower.index);
    }
  }
}

export function resolveHost(namespaces: Namespace[], parsed: Map<string, ParsedNamespace>): ResolveResult {
  const idx = buildIndex(namespaces, parsed);
  const root = namespaces.find((n) => n.root)?.id ?? null;
  inferNsids(idx, root);
  const links: Link[] = [];
  const unresolved: string[] = [];
  for (const x of idx.values()) {
    for (const pl of x.parsed.links) {
      const link = { ...pl.link };
      const t = target(pl, x, idx);
      const isChild = CHILD_KINDS.has(link.kind);
      if (link.kind === 'veth') {
        if (t) link.peerId = t.link.id;
        else if (t === undefined || pl.lower.kind === 'null') unresolved.push(`${link.id} (${link.name}): veth peer`);
      } else if (t) {
        link.parentId = t.link.id;
      } else if (isChild && !(link.kind === 'vxlan' && pl.underlayName === null && pl.lower.kind === 'none')) {
        if (link.kind === 'vxlan' && pl.underlayName) {
          const u = x.byName.get(pl.underlayName);
          if (u) link.parentId = u.link.id;
        }
        if (!link.parentId) {
          link.parentUnresolved = true;
          unresolved.push(`${link.id} (${link.name}): lower device`);
        }
      }
      if (pl.masterName) link.masterId = x.byName.get(pl.masterName)?.link.id ?? null;
      links.push(link);
    }
  }
  const nsidMaps: Record<string, Record<number, string>> = {};
  for (const x of idx.values()) nsidMaps[x.ns.id] = Object.fromEntries(x.nsidMap);
  return { links, nsidMaps, unresolved };
}
