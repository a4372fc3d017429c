// Pure: turn per-namespace parses into one graph whose ids resolve across namespaces.
// nsids are relative to the namespace that printed them; the namespace inode is the identity.
import type { Link, Namespace } from '../../shared/host/types';
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

/** namespace id → (nsid as that namespace sees it → namespace id), as the kernel answered (nsids.ts) */
export type NsidMaps = ReadonlyMap<string, ReadonlyMap<number, string>>;

/** a parse's links by ifindex and by name, made once per parse (parses are never changed; the watcher keeps them) */
const linkMapsOf = new WeakMap<ParsedNamespace, Pick<NsIndex, 'byIndex' | 'byName'>>();
function linkMaps(p: ParsedNamespace): Pick<NsIndex, 'byIndex' | 'byName'> {
  let m = linkMapsOf.get(p);
  if (!m) {
    m = {
      byIndex: new Map(p.links.map((l) => [l.link.ifindex, l])),
      byName: new Map(p.links.map((l) => [l.link.name, l])),
    };
    linkMapsOf.set(p, m);
  }
  return m;
}

function buildIndex(
  namespaces: Namespace[],
  parsed: ReadonlyMap<string, ParsedNamespace>,
  exact?: NsidMaps,
): Map<string, NsIndex> {
  const out = new Map<string, NsIndex>();
  // `list-id` names come from /var/run/netns, where the host's own namespace may be bind-mounted too
  const byName = new Map(
    namespaces.filter((n) => (n.source === 'named' || n.root) && n.name).map((n) => [n.name as string, n.id]),
  );
  for (const ns of namespaces) {
    const p = parsed.get(ns.id);
    if (!p) continue;
    const nsidMap = new Map<number, string>();
    for (const e of p.nsids) {
      const target = e.name ? byName.get(e.name) : undefined;
      if (target) nsidMap.set(e.nsid, target);
    }
    for (const [nsid, target] of exact?.get(ns.id) ?? []) if (!nsidMap.has(nsid)) nsidMap.set(nsid, target);
    out.set(ns.id, { ns, parsed: p, ...linkMaps(p), nsidMap });
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
  // nothing to infer (every nsid named or answered): the usual case, and one pass over the links says so
  const open = (x: NsIndex) =>
    x.parsed.links.some(
      (l) => l.lower.kind === 'index' && l.lower.nsid !== null && l.lower.nsid >= 0 && !x.nsidMap.has(l.lower.nsid),
    );
  if (!all.some(open)) return;
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

export function resolveHost(
  namespaces: Namespace[],
  parsed: ReadonlyMap<string, ParsedNamespace>,
  exact?: NsidMaps,
  /** only these links are resolved and returned (the watcher's quick path: the rest are only looked at) */
  pick?: (nsId: string, ifindex: number) => boolean,
): ResolveResult {
  const idx = buildIndex(namespaces, parsed, exact);
  const root = namespaces.find((n) => n.root)?.id ?? null;
  inferNsids(idx, root);
  const links: Link[] = [];
  const unresolved: string[] = [];
  for (const x of idx.values()) {
    for (const pl of x.parsed.links) {
      if (pick && !pick(x.ns.id, pl.link.ifindex)) continue;
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

/** One question for the kernel: in namespace `x`, is `k` the nsid of `y`? (both numbered by the root's nsids) */
export interface NsidQuestion {
  x: string;
  /** x's nsid in the host's namespace */
  tx: number;
  /** the nsid x's links name */
  k: number;
  y: string;
  ty: number;
  /**
   * When x's links name k on veths: y's nsid for x, as the far end names it. Asking y about x then
   * answers the same question (a veth's peer is its peer's peer), so each pair is asked once.
   */
  m: number | null;
}

/** at most this many candidates per nsid are asked about; more are left to inference */
export const MAX_NSID_CANDIDATES = 16;

/**
 * Which nsids to ask the kernel about, and about whom: for every namespace x the host's namespace has
 * an nsid for, each nsid its links name that neither names nor `known` place, the namespaces y (also
 * with a root nsid) whose links fit what x's links say of it (a veth's peer pointing back, a parent at
 * that ifindex). Linear: candidates come from an index by ifindex (veths: by both ends' ifindexes).
 * `rootNsids`: the host namespace's nsid → namespace id.
 */
export function nsidQuestions(
  namespaces: Namespace[],
  parsed: Map<string, ParsedNamespace>,
  rootNsids: ReadonlyMap<number, string>,
  known?: NsidMaps,
): NsidQuestion[] {
  const idx = buildIndex(namespaces, parsed, known);
  const rootOf = new Map<string, number>();
  for (const [nsid, id] of rootNsids) rootOf.set(id, nsid);
  const byIfindex = new Map<number, NsIndex[]>();
  const byVethEnds = new Map<string, NsIndex[]>();
  const add = <K>(m: Map<K, NsIndex[]>, k: K, y: NsIndex) => {
    const list = m.get(k);
    if (list) list.push(y);
    else m.set(k, [y]);
  };
  for (const y of idx.values()) {
    if (!rootOf.has(y.ns.id)) continue;
    for (const l of y.parsed.links) {
      add(byIfindex, l.link.ifindex, y);
      if (l.link.kind === 'veth' && l.lower.kind === 'index') add(byVethEnds, `${l.link.ifindex}:${l.lower.index}`, y);
    }
  }
  const out: NsidQuestion[] = [];
  for (const x of idx.values()) {
    const tx = rootOf.get(x.ns.id);
    if (tx === undefined) continue;
    const refs = new Map<number, ParsedLink[]>();
    for (const l of x.parsed.links) {
      if (l.lower.kind !== 'index' || l.lower.nsid === null || l.lower.nsid < 0 || x.nsidMap.has(l.lower.nsid))
        continue;
      const list = refs.get(l.lower.nsid);
      if (list) list.push(l);
      else refs.set(l.lower.nsid, [l]);
    }
    for (const [k, links] of refs) {
      const first = links[0];
      if (first.lower.kind !== 'index') continue;
      const pool =
        first.link.kind === 'veth'
          ? byVethEnds.get(`${first.lower.index}:${first.link.ifindex}`)
          : byIfindex.get(first.lower.index);
      const candidates = [...new Set(pool ?? [])].filter((y) => y !== x && links.every((l) => fits(l, x, y)));
      if (candidates.length > MAX_NSID_CANDIDATES) continue;
      for (const y of candidates) {
        const far = first.link.kind === 'veth' ? y.byIndex.get(first.lower.index) : undefined;
        const m = far?.lower.kind === 'index' ? far.lower.nsid : null;
        out.push({ x: x.ns.id, tx, k, y: y.ns.id, ty: rootOf.get(y.ns.id)!, m });
      }
    }
  }
  return out;
}
