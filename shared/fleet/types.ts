// The fleet's public contract: what `fleet.*` returns. Types only (client components import them).
import type { HostSnapshot } from '../host/types';

/** One vxlan FDB entry with a remote `dst` (read with `bridge -j fdb show dev VXLAN` in its namespace). */
export interface FdbEntry {
  /** the vxlan link's id (`<nsId>/<ifindex>`) */
  linkId: string;
  dev: string;
  mac: string;
  dst: string;
  vni: number | null;
}

export interface NodeCounts {
  namespaces: number;
  links: number;
  routes: number;
  warnings: number;
}

export interface FleetNode {
  name: string;
  url: string;
  up: boolean;
  /** ISO time the agent was last heard (any event or ping); null: never */
  lastSeen: string | null;
  counts: NodeCounts | null;
  /** why it is down (the connection's or the agent's words), or null */
  error: string | null;
  /** the node's host warnings (messages), as the agent reports them */
  warnings: string[];
  /** the node's addresses (root namespace, and the Kubernetes node's InternalIP when known) */
  addresses: string[];
}

export type SearchKind = 'namespace' | 'pod' | 'link' | 'ip' | 'mac';

export interface SearchHit {
  node: string;
  kind: SearchKind;
  /** a namespace id or link id on that node */
  id: string;
  label: string;
}

export interface Tunnel {
  from: string;
  /** the node owning `remote`, or null when no node of the fleet has that address */
  to: string | null;
  kind: 'vxlan' | 'vxlan-fdb';
  local: string | null;
  remote: string;
  dev: string;
  /** the vxlan link's id on `from` */
  linkId: string;
}

export interface OverlayRoute {
  node: string;
  dst: string;
  via: string;
  toNode: string;
  dev: string | null;
}

export interface Overlay {
  nodes: { name: string; up: boolean; addresses: string[] }[];
  tunnels: Tunnel[];
  routes: OverlayRoute[];
}

/** What the fleet knows of one node at a moment, for the pure overlay and search code. */
export interface NodeView {
  name: string;
  up: boolean;
  snapshot: HostSnapshot | null;
  fdb: FdbEntry[];
  /** addresses known from outside the snapshot (the Kubernetes node's InternalIP) */
  extraAddresses: string[];
}
