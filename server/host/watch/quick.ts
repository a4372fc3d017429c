// The watcher's quick assemble: after a flush that re-read a few namespaces and changed nothing else (no
// namespace came or went, no owner, label or read error changed), only the links that can have changed
// are resolved again. Every other link keeps its Link object from the previous snapshot, so a change in
// one namespace of a thousand costs what the few links it touches cost, not the whole host.
//
// Which links can have changed: every link of a re-read namespace; elsewhere, a link that points into one
// (a veth's peer, a child's parent: resolved through that namespace's links) and one that did not resolve
// last time (its peer or parent may just have appeared). They are resolved against an index of only the
// namespaces they point at. When that cannot be known to give what the full assemble gives, quickAssemble
// says so (null) and the watcher takes the full path:
// - a re-read of the host's own namespace (its nsid list routes the root monitor: listen() again);
// - a link to resolve names an nsid neither names nor the kernel's answers place (the full path infers it
//   from every namespace), or is a veth whose peer's namespace nothing says (the full path searches every
//   namespace for the far end);
// - SR-IOV anywhere in sight (a PF, a VF netdev, or a link to resolve with sysfs facts): a PF lists its
//   VFs' netdevs wherever they are, so the full path reads sysfs for the whole host;
// - more than a few namespaces at once (a burst: the full path costs the same).
// Runtime network tags (tagLinkNetworks) depend on the whole host (a bridge's name must be unambiguous):
// with owners known they are computed over all links, and a link whose tag moved is replaced too.
// LINKSCAPE_WATCH_VERIFY=1 (the tests) checks every quick result against the full assemble (run.ts).
import 'server-only';
import type { ParsedNamespace } from '../../ip/parse';
import type { HostSnapshot, Link } from '../../../shared/host/types';
import { deepEqual, type NamespaceChange } from '../../../shared/host/diff';
import { tagLinkNetworks, type OwnerFacts } from '../owners';
import { routesOf } from '../read';
import { resolveHost, type NsidMaps } from '../resolve';
import { computeWarnings } from '../warnings';

/** at most this many namespaces re-read in one flush, or this share of the host, for the quick path */
export const QUICK_MAX_REREAD = 16;
export const QUICK_MAX_SHARE = 0.05;

/** what did not resolve, as resolveHost reports it ("ID (NAME): WHAT"): namespace id → link id → line */
export type Unresolved = Map<string, Map<string, string>>;

export interface QuickInput {
  prev: HostSnapshot;
  parsed: ReadonlyMap<string, ParsedNamespace>;
  exact: NsidMaps;
  /** the namespaces re-read since `prev` */
  reread: ReadonlySet<string>;
  /** what did not resolve in `prev` */
  unresolved: Unresolved;
  /** the parses `prev` was assembled from (its routes are theirs) */
  before: ReadonlyMap<string, ParsedNamespace>;
  owners: OwnerFacts;
}

export interface QuickResult {
  snapshot: HostSnapshot;
  /** the namespaces whose links or routes may differ from `prev`, before and after (diffNamespaces) */
  changes: Map<string, NamespaceChange>;
  unresolved: Unresolved;
}

/** A link id is `${nsId}/${ifindex}` (server/ip/parse.ts). */
const nsOfLink = (id: string): string => id.slice(0, id.lastIndexOf('/'));

/** resolveHost's unresolved lines by namespace and link. */
export function unresolvedByLink(lines: readonly string[]): Unresolved {
  const out: Unresolved = new Map();
  for (const u of lines) {
    const sp = u.indexOf(' ');
    const id = sp < 0 ? u : u.slice(0, sp);
    const ns = nsOfLink(id);
    const m = out.get(ns) ?? new Map<string, string>();
    m.set(id, u);
    out.set(ns, m);
  }
  return out;
}

/** Is the quick path worth trying for this many re-read namespaces on a host of `total`? */
export function quickEligible(reread: number, total: number): boolean {
  return reread > 0 && reread <= Math.max(QUICK_MAX_REREAD, Math.floor(total * QUICK_MAX_SHARE));
}

export function quickAssemble(i: QuickInput): QuickResult | null {
  const { prev, parsed, exact, reread } = i;
  const namespaces = prev.namespaces;
  const root = namespaces.find((n) => n.root);
  if (!root || reread.has(root.id) || !quickEligible(reread.size, namespaces.length)) return null;
  const rereadIds = [...reread];
  const intoReread = (id: string | null) => {
    if (!id) return false;
    for (const r of rereadIds)
      if (id.length > r.length && id.charCodeAt(r.length) === 47 && id.startsWith(r)) return true;
    return false;
  };
  // links outside the re-read namespaces to resolve again, by namespace (ifindexes)
  const again = new Map<string, Set<number>>();
  let count = 0;
  for (const l of prev.links) {
    if (l.sriov || l.vf) return null;
    if (reread.has(l.nsId)) continue;
    if (intoReread(l.peerId) || intoReread(l.parentId) || l.parentUnresolved || (l.kind === 'veth' && !l.peerId)) {
      const set = again.get(l.nsId) ?? new Set<number>();
      set.add(l.ifindex);
      again.set(l.nsId, set);
      count++;
    }
  }
  if (count > 16 * Math.max(QUICK_MAX_REREAD, reread.size)) return null;
  const pick = (nsId: string, ifindex: number) => reread.has(nsId) || !!again.get(nsId)?.has(ifindex);

  // the namespaces those links point at, placed as the full path places them without inference
  const byName = new Map<string, string>();
  for (const n of namespaces) if ((n.source === 'named' || n.root) && n.name) byName.set(n.name, n.id);
  const universe = new Set([...reread, ...again.keys()]);
  for (const id of [...universe]) {
    const p = parsed.get(id);
    if (!p) return null;
    let own: Set<string> | null = null;
    let named: Map<number, string> | null = null;
    for (const pl of p.links) {
      if (!pick(id, pl.link.ifindex)) continue;
      const lower = pl.lower;
      if (pl.link.kind === 'veth') {
        if (lower.kind === 'index' && lower.nsid === -1) return null;
        if (lower.kind === 'name' && /^if\d+$/.test(lower.name)) {
          own ??= new Set(p.links.map((x) => x.link.name));
          if (!own.has(lower.name)) return null;
        }
      }
      if (lower.kind !== 'index' || lower.nsid === null || lower.nsid < 0) continue;
      if (!named) {
        named = new Map();
        for (const e of p.nsids) {
          const t = e.name ? byName.get(e.name) : undefined;
          if (t) named.set(e.nsid, t);
        }
      }
      const t = named.get(lower.nsid) ?? exact.get(id)?.get(lower.nsid);
      if (t === undefined) return null;
      universe.add(t);
    }
  }
  const res = resolveHost(
    namespaces.filter((n) => universe.has(n.id)),
    parsed,
    exact,
    pick,
  );
  const fresh = new Map<string, Link[]>(); // the re-read namespaces' links
  const replaced = new Map<string, Link>(); // the others resolved again
  for (const l of res.links) {
    if (l.sriov || (l.parentBus && l.parentDev && l.kind !== 'loopback')) return null;
    if (!reread.has(l.nsId)) {
      replaced.set(l.id, l);
      continue;
    }
    const list = fresh.get(l.nsId);
    if (list) list.push(l);
    else fresh.set(l.nsId, [l]);
  }
  const unresolved: Unresolved = new Map(i.unresolved);
  for (const id of reread) unresolved.delete(id);
  for (const [ns, ifindexes] of again) {
    const m = unresolved.get(ns);
    if (!m) continue;
    const left = new Map([...m].filter(([id]) => !ifindexes.has(Number(id.slice(id.lastIndexOf('/') + 1)))));
    if (left.size) unresolved.set(ns, left);
    else unresolved.delete(ns);
  }
  for (const [ns, m] of unresolvedByLink(res.unresolved))
    unresolved.set(ns, new Map([...(unresolved.get(ns) ?? []), ...m]));

  // the host's links in its order (namespaces, then ifindex, as assembleHost sorts them)
  let links: Link[] = [];
  const changes = new Map<string, NamespaceChange>();
  let k = 0;
  for (const n of namespaces) {
    const start = k;
    while (k < prev.links.length && prev.links[k].nsId === n.id) k++;
    if (reread.has(n.id)) {
      const next = (fresh.get(n.id) ?? []).sort((a, b) => a.ifindex - b.ifindex);
      links.push(...next);
      changes.set(n.id, {
        prevLinks: prev.links.slice(start, k),
        nextLinks: next,
        prevRoutes: i.before.get(n.id)?.routes ?? [],
        nextRoutes: parsed.get(n.id)?.routes ?? [],
      });
    } else if (again.has(n.id)) {
      // only some of its links were resolved again: those are its change (routes: the same parse's)
      const routes = parsed.get(n.id)?.routes ?? [];
      const change: NamespaceChange = { prevLinks: [], nextLinks: [], prevRoutes: routes, nextRoutes: routes };
      for (let j = start; j < k; j++) {
        const old = prev.links[j];
        const rep = replaced.get(old.id);
        links.push(rep ?? old);
        if (!rep) continue;
        change.prevLinks.push(old);
        change.nextLinks.push(rep);
      }
      changes.set(n.id, change);
    } else for (let j = start; j < k; j++) links.push(prev.links[j]);
  }
  if (k !== prev.links.length) return null; // not in namespace order: cannot splice
  const facts = i.owners;
  if (facts.docker || facts.cni.length || facts.podman) {
    // tags over the whole host, on copies of the kept links: one whose tag changed is replaced (and diffed)
    const fromPrev = new Set(prev.links);
    const copies = links.map((l) => (fromPrev.has(l) ? { ...l, network: null } : l));
    tagLinkNetworks(copies, facts);
    const retagged = new Set<string>();
    const copiesOf = links; // what each link was before the tags: the old side of a retagged one
    links = copies.map((c, j) => {
      const old = copiesOf[j];
      if (c === old || deepEqual(c.network, old.network)) return old;
      retagged.add(c.id);
      return c;
    });
    // a kept link retagged joins its namespace's change (fresh links were tagged in place: already in one)
    for (let j = 0; j < links.length; j++) {
      const l = links[j];
      if (!retagged.has(l.id) || reread.has(l.nsId)) continue;
      const routes = parsed.get(l.nsId)?.routes ?? [];
      const change = changes.get(l.nsId) ?? { prevLinks: [], nextLinks: [], prevRoutes: routes, nextRoutes: routes };
      change.prevLinks.push(copiesOf[j]);
      change.nextLinks.push(l);
      changes.set(l.nsId, change);
    }
  }
  // the warnings: with no SR-IOV in sight (above), only what did not resolve, in resolveHost's order
  const lines: string[] = [];
  const about = new Set<string>();
  for (const n of namespaces) {
    const m = unresolved.get(n.id);
    if (!m) continue;
    for (const pl of parsed.get(n.id)?.links ?? []) {
      const u = m.get(pl.link.id);
      if (u) {
        lines.push(u);
        about.add(pl.link.id);
      }
    }
  }
  return {
    snapshot: {
      ...prev,
      takenAt: new Date().toISOString(),
      links,
      routes: routesOf(namespaces, parsed),
      warnings: lines.length
        ? computeWarnings(
            namespaces,
            links.filter((l) => about.has(l.id)),
            lines,
          )
        : [],
    },
    changes,
    unresolved,
  };
}
