// Pure: a draft's edits drawn over the graph model — what it would create as ghost nodes and edges
// (classes draft-new), what it would change or delete marked on the existing nodes (draft-changed,
// draft-deleted). Nothing here reads the kernel: it is the user's intent, drawn apart from the host.
import type { Edit } from '@/shared/edits/schema';
import type { HostSnapshot } from '@/shared/host/types';
import { addressLine, linkNodeId, nsNodeId, type GraphEdge, type GraphModel } from './model';
import { kindClassOf, type KindClass } from './kinds';

export const draftNsNodeId = (name: string) => `draft-ns:${name}`;
export const draftLinkNodeId = (nsKey: string, name: string) => `draft-link:${nsKey}/${name}`;

export function overlayDraft(model: GraphModel, snap: HostSnapshot, edits: Edit[]): GraphModel {
  if (!edits.length) return model;
  const nodes = new Map(model.nodes.map((n) => [n.id, n]));
  const edges = [...model.edges];
  const root = snap.namespaces.find((n) => n.root);
  const newNs = new Set<string>();
  /** a namespace ref → the key of its node ("ns:…" or "draft-ns:…"); null when not drawn */
  const nsNode = (ref: string | undefined): string | null => {
    if (ref === undefined) return root ? nsNodeId(root.id) : null;
    if (/^\d+$/.test(ref)) return nsNodeId(ref);
    if (newNs.has(ref)) return draftNsNodeId(ref);
    const ns = snap.namespaces.find((n) => n.name === ref);
    return ns ? nsNodeId(ns.id) : null;
  };
  const nsIdOf = (nodeId: string) => (nodeId.startsWith('ns:') ? nodeId.slice(3) : null);
  const ghosts = new Map<string, string>(); // `${nsNode}/${name}` → ghost node id
  const linkNode = (nsKey: string | null, name: string): string | null => {
    if (!nsKey) return null;
    const g = ghosts.get(`${nsKey}/${name}`);
    if (g) return g;
    const nsId = nsIdOf(nsKey);
    const l = nsId ? snap.links.find((x) => x.nsId === nsId && x.name === name) : undefined;
    return l && nodes.has(linkNodeId(l.id)) ? linkNodeId(l.id) : null;
  };
  const mark = (id: string | null, cls: 'draft-changed' | 'draft-deleted') => {
    const n = id ? nodes.get(id) : undefined;
    // a ghost is new already: that it is also attached or addressed later in the draft is no change to mark
    if (!n || n.classes.includes(cls) || n.classes.includes('draft-new')) return;
    nodes.set(n.id, {
      ...n,
      classes: [...n.classes.filter((c) => c !== 'draft-changed'), cls],
      sig: `${n.sig}|${cls}`,
    });
  };
  const ghost = (
    nsKey: string | null,
    name: string,
    kind: string,
    detail: string | null,
    addresses: string[] | undefined,
  ): string | null => {
    if (!nsKey || !nodes.has(nsKey)) return null; // its namespace is not drawn (filtered, or collapsed into one node)
    const parentNode = nodes.get(nsKey)!;
    if (parentNode.classes.includes('collapsed')) return null;
    const id = draftLinkNodeId(nsKey, name);
    const kc: KindClass = kindClassOf({ kind, sriov: null });
    const label = [
      name,
      `${detail ? `${kind} ${detail}` : kind} · draft`,
      ...(addresses?.length ? [addressLine(addresses)] : []),
    ].join('\n');
    nodes.set(id, {
      id,
      type: 'link',
      ref: id,
      nsId: nsIdOf(nsKey) ?? nsKey,
      parent: nsKey,
      label,
      kindClass: kc,
      classes: ['link', `k-${kc}`, 'draft-new'],
      match: false,
      sig: `draft|${label}`,
    });
    ghosts.set(`${nsKey}/${name}`, id);
    return id;
  };
  const edge = (type: GraphEdge['type'], source: string | null, target: string | null) => {
    if (!source || !target) return;
    edges.push({
      id: `draft-${type}:${source}|${target}`,
      type,
      source,
      target,
      count: 1,
      cross: false,
      classes: ['edge', `e-${type}`, 'draft-new'],
      sig: 'draft',
    });
  };

  for (const e of edits) {
    switch (e.op) {
      case 'netns.add': {
        newNs.add(e.name);
        const id = draftNsNodeId(e.name);
        nodes.set(id, {
          id,
          type: 'namespace',
          ref: id,
          nsId: id,
          parent: null,
          label: `${e.name} · draft`,
          kindClass: null,
          classes: ['namespace', 'draft-new'],
          match: false,
          sig: 'draft',
        });
        break;
      }
      case 'netns.del':
        mark(nsNode(e.ns), 'draft-deleted');
        break;
      case 'link.add': {
        const where = nsNode(e.ns);
        const target = e.netns !== undefined ? nsNode(e.netns) : where;
        const detail =
          'mode' in e && e.mode
            ? e.mode
            : e.kind === 'vlan'
              ? `id ${e.id}`
              : e.kind === 'vxlan'
                ? `vni ${e.vni}`
                : null;
        const id = ghost(target, e.name, e.kind, detail, e.addresses);
        if ('parent' in e && e.parent) edge('parent', id, linkNode(where, e.parent));
        if (e.kind === 'vxlan' && e.dev) edge('parent', id, linkNode(where, e.dev));
        if (e.kind === 'veth') {
          const peerNs = e.peer.netns !== undefined ? nsNode(e.peer.netns) : where;
          edge('peer', id, ghost(peerNs, e.peer.name, 'veth', null, e.peer.addresses));
        }
        break;
      }
      case 'link.del':
        mark(linkNode(nsNode(e.ns), e.dev), 'draft-deleted');
        break;
      case 'link.set': {
        const ns = nsNode(e.ns);
        const at = linkNode(ns, e.dev);
        mark(at, 'draft-changed');
        if (typeof e.master === 'string')
          edge('master', at, linkNode(e.netns !== undefined ? nsNode(e.netns) : ns, e.master));
        break;
      }
      case 'addr.add':
      case 'addr.del':
      case 'sriov.numvfs':
      case 'sriov.vf':
        mark(linkNode(nsNode(e.ns), e.dev), 'draft-changed');
        break;
      case 'route.add':
      case 'route.del':
        mark(nsNode(e.ns), 'draft-changed');
        break;
    }
  }
  return { ...model, nodes: [...nodes.values()], edges };
}
