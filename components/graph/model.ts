// Pure: a host snapshot plus view options → graph nodes and edges with stable ids.
// Knows no drawing library; CytoscapeGraph turns this into pixels, tests read it directly.
import type { HostSnapshot, Link, Namespace, Route } from '@/shared/host/types';
import { isFallbackDevice, kindClassOf, operClass, type EdgeType, type KindClass } from './kinds';
import { linkMatches, namespaceMatches } from './search';
import { groupNamespaces } from './groups';
import { compareLinks, sortedNamespaces } from '../host/order';
import { defaultRoutes, routeText } from '../host/routes';
import {
  bareVfs,
  MAX_VF_NODES,
  sriovLine,
  vfMatches,
  vfNodeId,
  vfNodeLabel,
  vfOfNodeId,
  vfWarnings,
  warningsByRef,
} from './sriov';

export interface ViewOptions {
  showLoopback: boolean;
  /** kind classes to show; null = all */
  kinds: KindClass[] | null;
  /** namespace ids to show; null = all */
  namespaces: string[] | null;
  search: string;
  /** namespace ids drawn as one node */
  collapsed: string[];
  /** on a big host, group namespaces by owner (groups.ts); default on */
  grouping?: boolean;
  /** keys of the groups drawn open (the others are one summary node each) */
  openGroups?: string[];
}

export const DEFAULT_VIEW: ViewOptions = {
  showLoopback: false,
  kinds: null,
  namespaces: null,
  search: '',
  collapsed: [],
  grouping: true,
  openGroups: [],
};

/**
 * A search opens the groups its matches are in, as long as that draws no more than this many
 * namespaces' worth of matches; past it the groups holding matches are marked and open on a click.
 */
export const SEARCH_OPEN_MAX = 60;

export interface GraphNode {
  /**
   * `ns:<namespace id>`, `link:<link id>`, `vf:<PF link id>#<index>` for a VF without a netdev, or
   * `group:<group key>` for a group of namespaces (groups.ts)
   */
  id: string;
  type: 'namespace' | 'link' | 'vf' | 'group';
  /** the namespace or link id this node draws (a VF node: its PF's link id; a group: its key) */
  ref: string;
  /** the namespace the node is in ('' for a group) */
  nsId: string;
  /** compound parent node id (a link's expanded namespace; a namespace's open group) */
  parent: string | null;
  label: string;
  kindClass: KindClass | null;
  classes: string[];
  match: boolean;
  /** changes whenever anything the node shows changes */
  sig: string;
}

export interface GraphEdge {
  /** `<type>:<source>|<target>` (a veth pair's ends sorted) */
  id: string;
  type: EdgeType;
  source: string;
  target: string;
  /** how many kernel relations this edge stands for (several when namespaces are collapsed) */
  count: number;
  cross: boolean;
  classes: string[];
  sig: string;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** node ids the search matched */
  matches: string[];
}

export const nsNodeId = (nsId: string) => `ns:${nsId}`;
export const groupNodeId = (key: string) => `group:${key}`;
/** the group key of a `group:` node id, else null */
export const groupOfNodeId = (id: string): string | null => (id.startsWith('group:') ? id.slice(6) : null);
export const linkNodeId = (linkId: string) => `link:${linkId}`;

/** What a node stands for in the details panel: a VF node stands for its PF (whose panel lists the VFs). */
export function refOfNodeId(id: string): { type: 'namespace' | 'link'; id: string } | null {
  if (id.startsWith('ns:')) return { type: 'namespace', id: id.slice(3) };
  if (id.startsWith('link:')) return { type: 'link', id: id.slice(5) };
  const vf = vfOfNodeId(id);
  if (vf) return { type: 'link', id: vf.pfId };
  return null;
}

export function namespaceVisible(ns: Namespace, opts: ViewOptions): boolean {
  return opts.namespaces === null || opts.namespaces.includes(ns.id);
}

/** kind and loopback filters (not search: search highlights, it does not hide) */
export function linkVisible(link: Link, opts: ViewOptions): boolean {
  const kc = kindClassOf(link);
  if ((kc === 'loopback' || isFallbackDevice(link)) && !opts.showLoopback) return false;
  return opts.kinds === null || opts.kinds.includes(kc);
}

export function defaultRouteSummary(routes: Route[]): string | null {
  const d = defaultRoutes(routes);
  return d.length ? d.map(routeText).join('; ') : null;
}

function linkLabel(link: Link, warned: boolean): string {
  const kind = link.mode ? `${link.kind} ${link.mode}` : link.kind;
  const addrs = link.addresses.filter((a) => a.scope !== 'link').map((a) => a.cidr);
  const lines = [warned ? `${link.name} ⚠` : link.name, link.vf?.index != null ? `${kind} #${link.vf.index}` : kind];
  const vfs = sriovLine(link);
  if (vfs) lines.push(vfs);
  if (addrs.length) lines.push(addressLine(addrs));
  if (link.network) lines.push(`net ${link.network.name}`);
  return lines.join('\n');
}

/** characters of the 10 px monospace label that fit in a link node's box (118 px) */
export const LABEL_CHARS = 19;

/** The addresses on one line that fits the node: IPv4 first, as many whole ones as fit, then `+N`; an
 * address too long by itself (IPv6) keeps its start and its prefix length around an ellipsis. The
 * details panel and the table show them whole. */
export function addressLine(cidrs: string[], max = LABEL_CHARS): string {
  const sorted = [...cidrs].sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));
  const more = (n: number) => (n ? ` +${n}` : '');
  let line = '';
  let shown = 0;
  for (const c of sorted) {
    const next = line ? `${line} ${c}` : c;
    if (next.length + more(sorted.length - shown - 1).length > max) break;
    line = next;
    shown++;
  }
  if (shown === 0) {
    const c = sorted[0];
    const tail = more(sorted.length - 1);
    const slash = c.lastIndexOf('/');
    const prefix = slash >= 0 ? c.slice(slash) : '';
    const keep = Math.max(1, max - tail.length - prefix.length - 1);
    line = `${c.slice(0, keep)}…${prefix}`;
    shown = 1;
  }
  return line + more(sorted.length - shown);
}

function namespaceLabel(ns: Namespace, routes: Route[], collapsedCount: number | null, folded = 0): string {
  const owned = ns.owner && ns.owner.runtime !== 'process';
  const head = ns.root
    ? `${ns.label} (root)`
    : owned || ns.source === 'named' || ns.source === 'process'
      ? ns.label
      : `${ns.label} [${ns.source}]`;
  const lines = [head];
  if (collapsedCount !== null) lines.push(`${collapsedCount} link${collapsedCount === 1 ? '' : 's'}`);
  if (folded) lines.push(`+${folded} link${folded === 1 ? '' : 's'} in groups`);
  const d = defaultRouteSummary(routes);
  if (d) lines.push(d);
  if (ns.error) lines.push('unreadable');
  return lines.join('\n');
}

const withSig = <T extends { label?: string; classes: string[] }>(x: T, extra: unknown[]): T & { sig: string } => ({
  ...x,
  sig: JSON.stringify([x.label ?? '', x.classes, ...extra]),
});

export function buildGraph(snap: HostSnapshot, opts: ViewOptions = DEFAULT_VIEW): GraphModel {
  const searching = opts.search.trim() !== '';
  const collapsed = new Set(opts.collapsed);
  const routesByNs = new Map<string, Route[]>();
  for (const r of snap.routes) {
    const list = routesByNs.get(r.nsId) ?? [];
    list.push(r);
    routesByNs.set(r.nsId, list);
  }
  const linksByNs = new Map<string, Link[]>();
  for (const l of snap.links) {
    const list = linksByNs.get(l.nsId) ?? [];
    list.push(l);
    linksByNs.set(l.nsId, list);
  }
  const linkById = new Map(snap.links.map((l) => [l.id, l]));
  const linkIds = new Set(linkById.keys());
  const warned = warningsByRef(snap.warnings);
  const vfNodes: { pfNode: string; id: string }[] = [];

  const nodes: GraphNode[] = [];
  const matches: string[] = [];
  const visibleNodeOfLink = new Map<string, string>();
  const nsById = new Map(snap.namespaces.map((ns) => [ns.id, ns]));
  const visible = sortedNamespaces(snap.namespaces).filter((ns) => namespaceVisible(ns, opts));
  // each namespace's links as drawn (sorted, filtered), made once per build: grouping and drawing both ask
  const shownCache = new Map<string, Link[]>();
  const shownOf = (ns: Namespace): Link[] => {
    let shown = shownCache.get(ns.id);
    if (!shown) {
      shown = [...(linksByNs.get(ns.id) ?? [])].sort(compareLinks).filter((l) => linkVisible(l, opts));
      shownCache.set(ns.id, shown);
    }
    return shown;
  };

  // a big host: namespaces grouped by owner, a closed group drawn as one summary node
  const grouping =
    opts.grouping === false
      ? { groups: [], groupOf: new Map<string, string>() }
      : groupNamespaces({ ...snap, namespaces: visible });
  const groupByKey = new Map(grouping.groups.map((g) => [g.key, g]));
  // a link outside the groups whose veth peer is in a group, with nothing hanging off it (the host's end
  // of a container's veth, on docker0 or cni0): drawn inside its peer's group, so a closed group is one
  // node with one edge to the bridge, not a veth per member
  const hasChildren = new Set<string>();
  for (const l of snap.links) {
    if (l.parentId) hasChildren.add(l.parentId);
    if (l.masterId) hasChildren.add(l.masterId);
  }
  const foldedInto = new Map<string, string>();
  if (grouping.groups.length) {
    for (const l of snap.links) {
      if (grouping.groupOf.has(l.nsId) || !l.peerId || hasChildren.has(l.id) || !linkVisible(l, opts)) continue;
      const peer = linkById.get(l.peerId);
      const key = peer && grouping.groupOf.get(peer.nsId);
      if (key) foldedInto.set(l.id, key);
    }
  }
  // what the search hits, per group: members matching (themselves or a link), and folded links matching
  const hitsOf = new Map<string, number>();
  if (searching && grouping.groups.length) {
    for (const ns of visible) {
      const key = grouping.groupOf.get(ns.id);
      if (key && (namespaceMatches(opts.search, ns) || shownOf(ns).some((l) => linkMatches(opts.search, l, ns))))
        hitsOf.set(key, (hitsOf.get(key) ?? 0) + 1);
    }
    for (const [linkId, key] of foldedInto) {
      const l = linkById.get(linkId)!;
      const ns = nsById.get(l.nsId);
      if (ns && linkMatches(opts.search, l, ns)) hitsOf.set(key, (hitsOf.get(key) ?? 0) + 1);
    }
  }
  const openGroups = new Set(opts.openGroups ?? []);
  const totalHits = [...hitsOf.values()].reduce((a, b) => a + b, 0);
  if (totalHits <= SEARCH_OPEN_MAX) for (const key of hitsOf.keys()) openGroups.add(key);
  const isClosed = (key: string | undefined) => key !== undefined && !openGroups.has(key);
  const foldedCount = new Map<string, number>();
  for (const [linkId, key] of foldedInto) {
    if (!isClosed(key)) continue;
    const nsId = linkById.get(linkId)!.nsId;
    foldedCount.set(nsId, (foldedCount.get(nsId) ?? 0) + 1);
    visibleNodeOfLink.set(linkId, groupNodeId(key));
  }
  const drawnGroups = new Set<string>();
  const groupNode = (key: string): GraphNode => {
    const g = groupByKey.get(key)!;
    const open = openGroups.has(key);
    const hits = hitsOf.get(key) ?? 0;
    const classes = ['group', open ? 'group-open' : 'group-closed'];
    if (g.down) classes.push('group-down');
    const match = !open && hits > 0;
    if (match) classes.push('match');
    else if (searching && !open) classes.push('dim');
    const label = open
      ? `${g.summary} · double-click to close`
      : [g.summary, hits ? `${hits} match${hits === 1 ? '' : 'es'} inside` : null, 'click to open']
          .filter(Boolean)
          .join('\n');
    return withSig(
      { id: groupNodeId(key), type: 'group', ref: key, nsId: '', parent: null, label, kindClass: null, classes, match },
      [],
    );
  };

  for (const ns of visible) {
    const nsNode = nsNodeId(ns.id);
    const groupKey = grouping.groupOf.get(ns.id);
    if (groupKey && !drawnGroups.has(groupKey)) {
      drawnGroups.add(groupKey);
      const g = groupNode(groupKey);
      nodes.push(g);
      if (g.match) matches.push(g.id);
    }
    if (groupKey && isClosed(groupKey)) {
      for (const l of shownOf(ns)) visibleNodeOfLink.set(l.id, groupNodeId(groupKey));
      continue;
    }
    const shown = shownOf(ns).filter((l) => !(foldedInto.has(l.id) && isClosed(foldedInto.get(l.id))));
    const isCollapsed = collapsed.has(ns.id);
    const nsMatch = searching && namespaceMatches(opts.search, ns);
    const linkMatch = new Map(shown.map((l) => [l.id, searching && linkMatches(opts.search, l, ns)]));
    const anyLinkMatch = [...linkMatch.values()].some(Boolean);
    const nsClasses = ['namespace', `src-${ns.source}`];
    if (ns.root) nsClasses.push('root-ns');
    if (isCollapsed) nsClasses.push('collapsed');
    if (ns.error) nsClasses.push('ns-error');
    // a collapsed namespace carries the warnings of the links inside it
    if (warned.has(ns.id) || (isCollapsed && shown.some((l) => warned.has(l.id)))) nsClasses.push('has-warning');
    const nsShownMatch = nsMatch || (isCollapsed && anyLinkMatch);
    if (nsShownMatch) nsClasses.push('match');
    else if (searching && !anyLinkMatch) nsClasses.push('dim');
    if (nsShownMatch) matches.push(nsNode);
    nodes.push(
      withSig(
        {
          id: nsNode,
          type: 'namespace',
          ref: ns.id,
          nsId: ns.id,
          parent: groupKey ? groupNodeId(groupKey) : null,
          label: namespaceLabel(
            ns,
            routesByNs.get(ns.id) ?? [],
            isCollapsed ? shown.length : null,
            foldedCount.get(ns.id) ?? 0,
          ),
          kindClass: null,
          classes: nsClasses,
          match: nsShownMatch,
        },
        [groupKey ?? null],
      ),
    );
    for (const l of shown) {
      if (isCollapsed) {
        visibleNodeOfLink.set(l.id, nsNode);
        continue;
      }
      const id = linkNodeId(l.id);
      visibleNodeOfLink.set(l.id, id);
      const kc = kindClassOf(l);
      const m = linkMatch.get(l.id) === true;
      const classes = ['link', `k-${kc}`, l.up ? 'admin-up' : 'admin-down', `op-${operClass(l.operstate)}`];
      if (l.parentUnresolved) classes.push('unresolved');
      if (warned.has(l.id)) classes.push('has-warning');
      if (m) classes.push('match');
      else if (searching && !nsMatch) classes.push('dim');
      if (m) matches.push(id);
      nodes.push(
        withSig(
          {
            id,
            type: 'link',
            ref: l.id,
            nsId: ns.id,
            parent: nsNode,
            label: linkLabel(l, warned.has(l.id)),
            kindClass: kc,
            classes,
            match: m,
          },
          [nsNode],
        ),
      );
      if (l.sriov && (opts.kinds === null || opts.kinds.includes('vf'))) {
        const bare = bareVfs(l, linkIds);
        const drawn = bare.length > MAX_VF_NODES ? bare.slice(0, MAX_VF_NODES - 1) : bare;
        for (const vf of drawn) {
          const vid = vfNodeId(l.id, vf.index);
          const vm = searching && vfMatches(opts.search, vf);
          const vw = vfWarnings(l, vf.index, warned).length > 0;
          const vc = ['vfnode', 'k-vf', vf.linkState === 'disable' ? 'vf-disabled' : 'vf-enabled'];
          if (vw) vc.push('has-warning');
          // highlighted, but the fit goes to the PF (which matches a VF's MAC itself)
          if (vm) vc.push('match');
          else if (searching && !nsMatch) vc.push('dim');
          const label = vw ? vfNodeLabel(vf).replace(/^[^\n]*/, (first) => `${first} ⚠`) : vfNodeLabel(vf);
          nodes.push(
            withSig(
              {
                id: vid,
                type: 'vf',
                ref: l.id,
                nsId: ns.id,
                parent: nsNode,
                label,
                kindClass: 'vf',
                classes: vc,
                match: vm,
              },
              [nsNode],
            ),
          );
          vfNodes.push({ pfNode: id, id: vid });
        }
        if (drawn.length < bare.length) {
          const rest = bare.length - drawn.length;
          const vid = vfNodeId(l.id, 'more');
          const vc = ['vfnode', 'k-vf', 'vf-more'];
          if (searching && !nsMatch) vc.push('dim');
          nodes.push(
            withSig(
              {
                id: vid,
                type: 'vf',
                ref: l.id,
                nsId: ns.id,
                parent: nsNode,
                label: `+${rest} VFs\n(see ${l.name})`,
                kindClass: 'vf',
                classes: vc,
                match: false,
              },
              [nsNode],
            ),
          );
          vfNodes.push({ pfNode: id, id: vid });
        }
      }
    }
  }

  const edges = new Map<string, GraphEdge>();
  const dimmed = new Set(nodes.filter((n) => n.classes.includes('dim')).map((n) => n.id));
  const addEdge = (type: EdgeType, fromLink: string, toLink: string) => {
    const a = visibleNodeOfLink.get(fromLink);
    const b = visibleNodeOfLink.get(toLink);
    if (!a || !b || a === b) return;
    const [source, target] = type === 'peer' && b < a ? [b, a] : [a, b];
    const id = `${type}:${source}|${target}`;
    const seen = edges.get(id);
    const relation = type === 'peer' ? [fromLink, toLink].sort().join('~') : `${fromLink}>${toLink}`;
    if (seen) {
      if (!seenRelations.has(relation)) seen.count++;
      seenRelations.add(relation);
      return;
    }
    seenRelations.add(relation);
    const cross = linkById.get(fromLink)?.nsId !== linkById.get(toLink)?.nsId;
    const classes = ['edge', `e-${type}`];
    if (cross) classes.push('cross');
    if (dimmed.has(source) || dimmed.has(target)) classes.push('dim');
    edges.set(id, { id, type, source, target, count: 1, cross, classes, sig: '' });
  };
  const seenRelations = new Set<string>();
  for (const l of snap.links) {
    if (l.parentId) addEdge('parent', l.id, l.parentId);
    if (l.peerId) addEdge('peer', l.id, l.peerId);
    if (l.masterId) addEdge('master', l.id, l.masterId);
    for (const vf of l.sriov?.vfs ?? []) if (vf.netdevId) addEdge('vf', l.id, vf.netdevId);
    if (l.vf?.pfId) addEdge('vf', l.vf.pfId, l.id);
  }
  for (const v of vfNodes) {
    const id = `vfnode:${v.pfNode}|${v.id}`;
    const classes = ['edge', 'e-vfnode'];
    if (dimmed.has(v.pfNode) || dimmed.has(v.id)) classes.push('dim');
    edges.set(id, { id, type: 'vfnode', source: v.pfNode, target: v.id, count: 1, cross: false, classes, sig: '' });
  }
  const edgeList = [...edges.values()].map((e) => ({ ...e, sig: JSON.stringify([e.classes, e.count]) }));
  return { nodes, edges: edgeList, matches };
}
