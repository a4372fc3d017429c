// The overlay between nodes: vxlan tunnels (a vxlan's remote, and its FDB entries' dst) and routes whose
// gateway is another node's address (host-gw), each resolved to the node that owns the address. Pure.
import type { Link, Route } from '../../shared/host/types';
import { nodeAddresses } from './addresses';
import type { NodeView, Overlay, OverlayRoute, Tunnel } from '../../shared/fleet/types';

/** address → owning node; an address two nodes both claim is ambiguous and owned by neither */
export function addressOwners(nodes: NodeView[]): Map<string, string> {
  const owners = new Map<string, string | null>();
  for (const n of nodes) {
    for (const a of nodeAddresses(n.snapshot, n.extraAddresses)) {
      const had = owners.get(a);
      owners.set(a, had === undefined || had === n.name ? n.name : null);
    }
  }
  const out = new Map<string, string>();
  for (const [a, n] of owners) if (n) out.set(a, n);
  return out;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

function gateways(r: Route): { via: string; dev: string | null }[] {
  if (r.gateway) return [{ via: r.gateway, dev: r.dev }];
  return r.nexthops.filter((h) => h.gateway).map((h) => ({ via: h.gateway as string, dev: h.dev }));
}

export function computeOverlay(nodes: NodeView[]): Overlay {
  const owners = addressOwners(nodes);
  const owner = (ip: string) => owners.get(ip.toLowerCase()) ?? null;
  const tunnels: Tunnel[] = [];
  const routes: OverlayRoute[] = [];
  for (const n of nodes) {
    const snap = n.snapshot;
    if (!snap) continue;
    const vxlans = new Map<string, Link>(snap.links.filter((l) => l.kind === 'vxlan').map((l) => [l.id, l]));
    const seen = new Set<string>();
    const add = (t: Tunnel) => {
      const key = `${t.linkId}|${t.remote}`;
      if (seen.has(key)) return;
      seen.add(key);
      tunnels.push(t);
    };
    for (const l of vxlans.values()) {
      const remote = str(l.info?.remote);
      if (remote)
        add({
          from: n.name,
          to: owner(remote),
          kind: 'vxlan',
          local: str(l.info?.local),
          remote,
          dev: l.name,
          linkId: l.id,
        });
    }
    for (const f of n.fdb) {
      const l = vxlans.get(f.linkId);
      add({
        from: n.name,
        to: owner(f.dst),
        kind: 'vxlan-fdb',
        local: str(l?.info?.local),
        remote: f.dst,
        dev: f.dev,
        linkId: f.linkId,
      });
    }
    const root = new Set(snap.namespaces.filter((ns) => ns.root).map((ns) => ns.id));
    for (const r of snap.routes) {
      if (!root.has(r.nsId)) continue;
      for (const g of gateways(r)) {
        const to = owner(g.via);
        if (to && to !== n.name) routes.push({ node: n.name, dst: r.dst, via: g.via, toNode: to, dev: g.dev });
      }
    }
  }
  return {
    nodes: nodes.map((n) => ({ name: n.name, up: n.up, addresses: nodeAddresses(n.snapshot, n.extraAddresses) })),
    tunnels,
    routes,
  };
}
