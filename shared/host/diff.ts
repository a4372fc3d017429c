// Pure: what changed between two host snapshots, and how to apply that change. The page imports
// applyDiff, so this file imports no node modules. Invariant (unit-tested with random snapshots):
// applyDiff(a, computeDiff(a, b)) deep-equals b for any b in canonical order (see canonicalize).
import type { Activity, HostDiff, HostSnapshot, Link, Namespace, Route } from './types';

/** Structural equality of JSON-like values (what snapshots are made of). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // no allocation: this runs over every link of the host on every event
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let na = 0;
  for (const k in ra) {
    const va = ra[k];
    if (va === undefined) continue;
    na++;
    if (!deepEqual(va, rb[k])) return false;
  }
  let nb = 0;
  for (const k in rb) if (rb[k] !== undefined) nb++;
  return na === nb;
}

const SOURCE_ORDER: Record<Namespace['source'], number> = { root: 0, named: 1, docker: 2, process: 3 };

/** The order discovery lists namespaces in: host, named, Docker's, then processes'. */
export function compareNamespaces(a: Namespace, b: Namespace): number {
  return (
    SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
    (a.name ?? '').localeCompare(b.name ?? '') ||
    Number(a.id) - Number(b.id) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The order a snapshot keeps: namespaces as discovery sorts them; links by namespace, then ifindex;
 * routes grouped by namespace in that order, each namespace's routes in the order `ip` printed them.
 * Links and routes of namespaces that are not listed are dropped.
 */
function ordered(
  namespaces: Namespace[],
  links: Link[],
  routesByNs: (nsId: string) => Route[],
): Pick<HostSnapshot, 'namespaces' | 'links' | 'routes'> {
  const ns = [...namespaces].sort(compareNamespaces);
  const pos = new Map(ns.map((n, i) => [n.id, i]));
  const kept = links.filter((l) => pos.has(l.nsId));
  kept.sort((a, b) => (pos.get(a.nsId) as number) - (pos.get(b.nsId) as number) || a.ifindex - b.ifindex);
  return { namespaces: ns, links: kept, routes: ns.flatMap((n) => routesByNs(n.id)) };
}

function groupRoutes(routes: Route[]): Map<string, Route[]> {
  const out = new Map<string, Route[]>();
  for (const r of routes) {
    const list = out.get(r.nsId);
    if (list) list.push(r);
    else out.set(r.nsId, [r]);
  }
  return out;
}

/** The same snapshot in canonical order (what readHost and the watcher produce). */
export function canonicalize(s: HostSnapshot): HostSnapshot {
  const byNs = groupRoutes(s.routes);
  return { ...s, ...ordered(s.namespaces, s.links, (id) => byNs.get(id) ?? []) };
}

export function applyDiff(s: HostSnapshot, d: HostDiff): HostSnapshot {
  const nsRemove = new Set(d.namespaces.remove);
  const nsUp = new Map(d.namespaces.upsert.map((n) => [n.id, n]));
  const namespaces = s.namespaces.filter((n) => !nsRemove.has(n.id) && !nsUp.has(n.id)).concat(d.namespaces.upsert);
  const linkRemove = new Set(d.links.remove);
  const linkUp = new Map(d.links.upsert.map((l) => [l.id, l]));
  const links = s.links.filter((l) => !linkRemove.has(l.id) && !linkUp.has(l.id)).concat(d.links.upsert);
  const replaced = new Set(d.routes.nsIds);
  const oldRoutes = groupRoutes(s.routes);
  const newRoutes = groupRoutes(d.routes.upsert);
  return {
    ...s,
    takenAt: d.takenAt,
    hidden: d.hidden,
    warnings: d.warnings,
    ...ordered(namespaces, links, (id) => (replaced.has(id) ? newRoutes.get(id) : oldRoutes.get(id)) ?? []),
  };
}

/** True when the diff changes nothing a snapshot holds except takenAt. */
export function isEmptyDiff(d: HostDiff, prev: HostSnapshot): boolean {
  return (
    d.namespaces.upsert.length === 0 &&
    d.namespaces.remove.length === 0 &&
    d.links.upsert.length === 0 &&
    d.links.remove.length === 0 &&
    d.routes.nsIds.length === 0 &&
    deepEqual(d.warnings, prev.warnings) &&
    deepEqual(d.hidden, prev.hidden)
  );
}

/**
 * What the caller knows about `next`: namespaces whose parse is the very one `prev` was built from.
 * Their links can then differ only in what cross-namespace resolution sets, so only that is compared
 * (the watcher's hint; it makes a diff cost O(changed namespaces), not O(host)).
 */
export interface DiffHint {
  sameParse?: ReadonlySet<string>;
}

/** The fields resolveHost, enrichSriov and tagLinkNetworks set on a parsed link; everything else comes from the parse. */
export const RESOLVED_LINK_FIELDS = [
  'kind',
  'parentId',
  'parentUnresolved',
  'peerId',
  'masterId',
  'vf',
  'sriov',
  'network',
] as const;

function linkUnchanged(a: Link | undefined, b: Link, hint: DiffHint | undefined): boolean {
  if (!a) return false;
  if (a === b) return true;
  if (hint?.sameParse?.has(b.nsId) && a.nsId === b.nsId) {
    for (const f of RESOLVED_LINK_FIELDS) if (!deepEqual(a[f], b[f])) return false;
    return true;
  }
  return deepEqual(a, b);
}

/** What a diff compares, on both sides: which namespaces, links and routes, and how to look them up. */
interface Compared {
  namespaces: HostDiff['namespaces'];
  prevLinks: Link[];
  nextLinks: Link[];
  /** namespaces whose routes are compared */
  routeIds: Iterable<string>;
  prevRoutes: Map<string, Route[]>;
  nextRoutes: Map<string, Route[]>;
  prevNs: (id: string) => Namespace | undefined;
  nextNs: (id: string) => Namespace | undefined;
}

function diffOf(next: HostSnapshot, c: Compared, hint?: DiffHint): HostDiff {
  const prevLinks = new Map(c.prevLinks.map((l) => [l.id, l]));
  const nextIds = new Set(c.nextLinks.map((l) => l.id));
  const diff: HostDiff = {
    takenAt: next.takenAt,
    namespaces: c.namespaces,
    links: {
      upsert: c.nextLinks.filter((l) => !linkUnchanged(prevLinks.get(l.id), l, hint)),
      remove: c.prevLinks.filter((l) => !nextIds.has(l.id)).map((l) => l.id),
    },
    routes: { nsIds: [], upsert: [] },
    warnings: next.warnings,
    hidden: next.hidden,
    activity: [],
  };
  for (const id of c.routeIds) {
    const a = c.prevRoutes.get(id) ?? [];
    const b = c.nextRoutes.get(id) ?? [];
    if (!deepEqual(a, b)) {
      diff.routes.nsIds.push(id);
      diff.routes.upsert.push(...b);
    }
  }
  diff.activity = describe(next, diff, prevLinks, c);
  return diff;
}

export function computeDiff(prev: HostSnapshot, next: HostSnapshot, hint?: DiffHint): HostDiff {
  const prevNs = new Map(prev.namespaces.map((n) => [n.id, n]));
  const nextNs = new Map(next.namespaces.map((n) => [n.id, n]));
  const prevRoutes = groupRoutes(prev.routes);
  const nextRoutes = groupRoutes(next.routes);
  return diffOf(
    next,
    {
      namespaces: {
        upsert: next.namespaces.filter((n) => !deepEqual(prevNs.get(n.id), n)),
        remove: prev.namespaces.filter((n) => !nextNs.has(n.id)).map((n) => n.id),
      },
      prevLinks: prev.links,
      nextLinks: next.links,
      routeIds: new Set([...prevRoutes.keys(), ...nextRoutes.keys(), ...nextNs.keys(), ...prevNs.keys()]),
      prevRoutes,
      nextRoutes,
      prevNs: (id) => prevNs.get(id),
      nextNs: (id) => nextNs.get(id),
    },
    hint,
  );
}

/** One namespace's links and routes before and after (diffNamespaces). */
export interface NamespaceChange {
  prevLinks: Link[];
  nextLinks: Link[];
  prevRoutes: Route[];
  nextRoutes: Route[];
}

/**
 * computeDiff when the caller knows what can differ: `next` lists the very namespaces `prev` does, and
 * only the namespaces in `changes` can hold other links or routes (every other namespace's are the same
 * objects). The watcher's quick path (server/host/watch/quick.ts): its cost is the changes', not the host's.
 */
export function diffNamespaces(
  prev: HostSnapshot,
  next: HostSnapshot,
  changes: Map<string, NamespaceChange>,
): HostDiff {
  let byId: Map<string, Namespace> | null = null;
  const ns = (id: string) => (byId ??= new Map(next.namespaces.map((n) => [n.id, n]))).get(id);
  const parts = [...changes.values()];
  return diffOf(next, {
    namespaces: { upsert: [], remove: [] },
    prevLinks: parts.flatMap((p) => p.prevLinks),
    nextLinks: parts.flatMap((p) => p.nextLinks),
    routeIds: changes.keys(),
    prevRoutes: new Map([...changes].map(([id, p]) => [id, p.prevRoutes])),
    nextRoutes: new Map([...changes].map(([id, p]) => [id, p.nextRoutes])),
    prevNs: ns,
    nextNs: ns,
  });
}

// ---- the activity list: a few human lines per change ----

export const MAX_ACTIVITY = 30;

function routeKey(r: Route): string {
  return `${r.table}|${r.type}|${r.family}|${r.dst}|${r.metric ?? ''}`;
}

function routeText(r: Route): string {
  const via = r.gateway ? ` via ${r.gateway}` : '';
  const dev = r.dev ? ` dev ${r.dev}` : '';
  const table = r.table !== 'main' ? ` table ${r.table}` : '';
  const type = r.type !== 'unicast' ? `${r.type} ` : '';
  return `route ${type}${r.dst}${via}${dev}${table}`;
}

/** Routes the kernel adds by itself for every address or link: true, but noise in an activity list. */
function routeIsNoise(r: Route): boolean {
  return r.table === 'local' || r.dst === 'fe80::/64' || r.dst === 'ff00::/8' || r.dst.startsWith('fe80::');
}

function usableMac(mac: string | null): mac is string {
  return !!mac && !/^(00:){5}00$/.test(mac);
}

function describe(
  next: HostSnapshot,
  d: HostDiff,
  /** every link the diff compared on the old side */
  prevLinks: Map<string, Link>,
  c: Pick<Compared, 'prevRoutes' | 'nextRoutes' | 'prevNs' | 'nextNs'>,
): Activity[] {
  const at = next.takenAt;
  const lines: Activity[] = [];
  const add = (text: string, ...ids: string[]) => lines.push({ at, text, ids });
  const label = (nsId: string) => (c.nextNs(nsId) ?? c.prevNs(nsId))?.label ?? nsId;
  const inNs = (nsId: string) => ` in ns ${label(nsId)}`;
  const removedNs = new Set(d.namespaces.remove);

  for (const n of d.namespaces.upsert) {
    const old = c.prevNs(n.id);
    if (!old) add(`namespace ${n.label} added`, n.id);
    else if (old.label !== n.label) add(`namespace ${old.label} is now ${n.label}`, n.id);
    else if (old.error !== n.error && n.error) add(`namespace ${n.label} unreadable: ${n.error}`, n.id);
  }
  for (const id of d.namespaces.remove) add(`namespace ${label(id)} deleted`, id);

  // links that left one namespace and appeared in another: a move (same kind and MAC)
  const removed = d.links.remove.map((id) => prevLinks.get(id) as Link).filter((l) => !removedNs.has(l.nsId));
  const added = d.links.upsert.filter((l) => !prevLinks.has(l.id) && !!c.prevNs(l.nsId));
  const moved = new Set<Link>();
  for (const r of removed) {
    if (!usableMac(r.mac)) continue;
    const to = added.find((a) => !moved.has(a) && a.kind === r.kind && a.mac === r.mac && a.nsId !== r.nsId);
    if (!to) continue;
    moved.add(to);
    moved.add(r);
    add(
      `${r.name} moved from ns ${label(r.nsId)} to ns ${label(to.nsId)}${to.name !== r.name ? ` as ${to.name}` : ''}`,
      r.id,
      to.id,
    );
  }
  for (const l of added) if (!moved.has(l)) add(`${l.name} added${inNs(l.nsId)}`, l.id);
  for (const l of removed) if (!moved.has(l)) add(`${l.name} removed from ns ${label(l.nsId)}`, l.id);

  for (const b of d.links.upsert) {
    const a = prevLinks.get(b.id);
    if (!a) continue;
    const where = inNs(b.nsId);
    if (a.kind !== b.kind) {
      add(`${a.name} removed from ns ${label(a.nsId)}`, a.id);
      add(`${b.name} added${where}`, b.id);
      continue;
    }
    const before = lines.length;
    if (a.name !== b.name) add(`${a.name} renamed to ${b.name}${where}`, b.id);
    if (a.up !== b.up) add(`${b.name} ${b.up ? 'up' : 'down'}${where}`, b.id);
    else if (a.operstate !== b.operstate) add(`${b.name} state ${a.operstate}→${b.operstate}${where}`, b.id);
    if (a.mtu !== b.mtu) add(`mtu ${a.mtu ?? '?'}→${b.mtu ?? '?'} on ${b.name}${where}`, b.id);
    if (a.mac !== b.mac) add(`mac ${a.mac ?? 'none'}→${b.mac ?? 'none'} on ${b.name}${where}`, b.id);
    if (a.masterId !== b.masterId) {
      const master = (id: string | null) =>
        id ? (next.links.find((l) => l.id === id)?.name ?? prevLinks.get(id)?.name ?? id) : '';
      if (b.masterId) add(`${b.name} attached to ${master(b.masterId)}${where}`, b.id, b.masterId);
      else add(`${b.name} detached from ${master(a.masterId)}${where}`, b.id);
    }
    const aCidrs = new Set(a.addresses.map((x) => x.cidr));
    const bCidrs = new Set(b.addresses.map((x) => x.cidr));
    for (const c of bCidrs) if (!aCidrs.has(c)) add(`${c} added to ${b.name}${where}`, b.id);
    for (const c of aCidrs) if (!bCidrs.has(c)) add(`${c} removed from ${b.name}${where}`, b.id);
    if (lines.length === before && !deepEqual(a.addresses, b.addresses))
      add(`addresses of ${b.name} changed${where}`, b.id);
    if (lines.length === before) add(`${b.name} changed${where}`, b.id);
  }

  for (const id of d.routes.nsIds) {
    if (removedNs.has(id) || !c.prevNs(id)) continue; // the namespace line says it
    const a = new Map((c.prevRoutes.get(id) ?? []).map((r) => [routeKey(r), r]));
    const b = new Map((c.nextRoutes.get(id) ?? []).map((r) => [routeKey(r), r]));
    const where = inNs(id);
    for (const [k, r] of b) {
      if (routeIsNoise(r)) continue;
      const old = a.get(k);
      if (!old) add(`${routeText(r)} added${where}`, id);
      else if (!deepEqual(old, r)) add(`${routeText(r)} changed${where}`, id);
    }
    for (const [k, r] of a) if (!b.has(k) && !routeIsNoise(r)) add(`${routeText(r)} removed${where}`, id);
  }

  if (lines.length > MAX_ACTIVITY) {
    const more = lines.length - (MAX_ACTIVITY - 1);
    return [...lines.slice(0, MAX_ACTIVITY - 1), { at, text: `… and ${more} more changes`, ids: [] }];
  }
  return lines;
}
