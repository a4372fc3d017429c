// Pure: on a big host, namespaces grouped by owner, each group summarised ("312 pods on cni0 · 4 down"),
// so the page can start with the groups collapsed. Pods group by their Kubernetes namespace, containers
// by their runtime network, everything else by the name's prefix (owner null, e.g. `ip netns` labs).
// Knows no drawing library; model.ts draws a closed group as one node, an open one as a frame around its members.
import type { HostSnapshot, Link, Namespace } from '@/shared/host/types';

/** more namespaces than this on the page: grouped */
export const GROUP_THRESHOLD = 150;
/** a group needs at least this many members (fewer are drawn as they are) */
export const GROUP_MIN = 3;

export interface NamespaceGroup {
  /** stable: `pods:<k8s namespace>`, `net:<runtime>:<network>`, `prefix:<prefix>` */
  key: string;
  /** what the members are called: pods, containers, namespaces */
  noun: string;
  /** e.g. `kube-system`, `bridge`, `lab-` */
  name: string;
  members: string[];
  /** members with an error, or whose devices (other than lo) are all down */
  down: number;
  /** the bridge most members' veths end on, in another namespace (cni0, docker0), if any */
  via: string | null;
  /** `312 pods on cni0 · 4 down` */
  summary: string;
}

export interface Grouping {
  groups: NamespaceGroup[];
  /** namespace id → its group's key (namespaces in no group are absent) */
  groupOf: Map<string, string>;
}

/**
 * The prefix a plain namespace is grouped by: its name without a trailing number (and the separator
 * before it), e.g. `lab-17` → `lab-`, `ns3` → `ns`; a name without a trailing number is its own prefix.
 */
export function namePrefix(name: string): string {
  const m = /^(.*?[-_.:]?)\d+$/.exec(name);
  return m && m[1] ? m[1] : name;
}

/** Which group a namespace belongs to (before the size rules), or null for the host's own. */
export function groupKeyOf(ns: Namespace): { key: string; noun: string; name: string } | null {
  if (ns.root) return null;
  const o = ns.owner;
  if (o?.kind === 'pod') {
    const k = o.namespace ?? 'default';
    return { key: `pods:${k}`, noun: 'pods', name: k };
  }
  if (o?.kind === 'container') {
    const net = o.networks?.[0]?.name;
    if (net) return { key: `net:${o.runtime}:${net}`, noun: 'containers', name: net };
    return { key: `containers:${o.runtime}`, noun: 'containers', name: o.runtime };
  }
  if (ns.name) {
    const p = namePrefix(ns.name);
    return { key: `prefix:${p}`, noun: 'namespaces', name: p };
  }
  const comm = ns.comms[0];
  return comm ? { key: `process:${comm}`, noun: 'namespaces', name: comm } : null;
}

function isDown(links: Link[], ns: Namespace): boolean {
  if (ns.error) return true;
  const devices = links.filter((l) => l.kind !== 'loopback');
  return devices.length > 0 && devices.every((l) => !l.up);
}

/**
 * Group the snapshot's namespaces when there are more than `threshold`: by groupKeyOf, groups of at
 * least GROUP_MIN, in the order their first member comes in the snapshot. Below the threshold: none.
 */
export function groupNamespaces(snap: HostSnapshot, threshold = GROUP_THRESHOLD): Grouping {
  const none: Grouping = { groups: [], groupOf: new Map() };
  if (snap.namespaces.length <= threshold) return none;
  const linksOf = new Map<string, Link[]>();
  for (const l of snap.links) {
    const list = linksOf.get(l.nsId);
    if (list) list.push(l);
    else linksOf.set(l.nsId, [l]);
  }
  const byId = new Map(snap.links.map((l) => [l.id, l]));
  const found = new Map<string, { key: string; noun: string; name: string; members: Namespace[] }>();
  for (const ns of snap.namespaces) {
    const k = groupKeyOf(ns);
    if (!k) continue;
    const g = found.get(k.key) ?? { ...k, members: [] };
    g.members.push(ns);
    found.set(k.key, g);
  }
  const out: Grouping = { groups: [], groupOf: new Map() };
  for (const g of found.values()) {
    if (g.members.length < GROUP_MIN) continue;
    const bridges = new Map<string, number>();
    let down = 0;
    for (const ns of g.members) {
      const links = linksOf.get(ns.id) ?? [];
      if (isDown(links, ns)) down++;
      const seen = new Set<string>();
      for (const l of links) {
        const peer = l.peerId ? byId.get(l.peerId) : undefined;
        const master = peer && peer.nsId !== ns.id && peer.masterId ? byId.get(peer.masterId) : undefined;
        if (master && !seen.has(master.name)) {
          seen.add(master.name);
          bridges.set(master.name, (bridges.get(master.name) ?? 0) + 1);
        }
      }
    }
    let via: string | null = null;
    let best = 0;
    for (const [name, n] of bridges)
      if (n > best || (n === best && via !== null && name < via)) [via, best] = [name, n];
    const n = g.members.length;
    const what =
      g.noun === 'namespaces'
        ? `namespaces ${g.name}*`
        : g.noun === 'pods'
          ? `pods in ${g.name}`
          : `containers on ${g.name}`;
    const summary = `${n} ${what}${via && g.noun !== 'containers' ? ` on ${via}` : ''}${down ? ` · ${down} down` : ''}`;
    const group: NamespaceGroup = {
      key: g.key,
      noun: g.noun,
      name: g.name,
      members: g.members.map((m) => m.id),
      down,
      via,
      summary,
    };
    out.groups.push(group);
    for (const m of g.members) out.groupOf.set(m.id, g.key);
  }
  return out;
}

/** The groups a search opens: those with a member whose id the match set holds. */
export function groupsToOpen(grouping: Grouping, matchingNamespaceIds: Iterable<string>): string[] {
  const keys = new Set<string>();
  for (const id of matchingNamespaceIds) {
    const k = grouping.groupOf.get(id);
    if (k) keys.add(k);
  }
  return [...keys];
}
