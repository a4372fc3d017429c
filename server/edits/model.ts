// A mutable copy of the host, built from a HostSnapshot, that the planner walks edit by edit, so that a
// later edit can use what an earlier one creates, renames or moves. Pure: no I/O.
// Links point at each other by object (peer, parent, master, route device), so renames and moves carry over.
import type { HostSnapshot, NamespaceOwner, VfInfo } from '../../shared/host/types';
import { canonicalDst, parseCidr, formatIp } from '../../shared/edits/schema';

export interface NsState {
  /** the snapshot's namespace id, or `new:NAME` for one this plan creates */
  key: string;
  id: string | null;
  name: string | null;
  path: string | null;
  root: boolean;
  source: string;
  label: string;
  pids: number[];
  comms: string[];
  created: boolean;
  /** who runs in it (the snapshot's owner: a pod, a container, a unit); null for one this plan makes */
  owner: NamespaceOwner | null;
}

export interface AddrState {
  cidr: string;
  scope: string;
  broadcast: string | null;
}

export interface LinkState {
  ns: NsState;
  name: string;
  kind: string;
  /** the snapshot's link id; null for links this plan creates */
  id: string | null;
  physical: boolean;
  up: boolean;
  promisc: boolean | null;
  mtu: number | null;
  minMtu: number | null;
  maxMtu: number | null;
  mac: string | null;
  mode: string | null;
  /** ether, loopback, sit, none, …: what the kernel accepts as a parent depends on it (guidance.ts) */
  linkType: string | null;
  master: LinkState | null;
  parent: LinkState | null;
  peer: LinkState | null;
  addresses: AddrState[];
  /** made by this plan, or by linkscape earlier (the lock-out guard trusts these) */
  created: boolean;
  /** SR-IOV as the plan walks it: undefined until an SR-IOV edit looks, null when the link has none */
  sriov?: PfPlanState | null;
}

/** What a plan knows about one PF as it walks the edits (ops/sriov.ts). */
export interface PfPlanState {
  totalVfs: number | null;
  numVfs: number | null;
  /** the device's sriov_numvfs, or null when it has none */
  numvfsPath: string | null;
  /** by index: the snapshot's VF, or 'new' for one this plan (re)creates, whose settings are the driver's defaults */
  vfs: Map<number, VfInfo | 'new'>;
}

export interface RouteState {
  ns: NsState;
  dst: string;
  table: string;
  type: string;
  family: 'inet' | 'inet6';
  gateway: string | null;
  dev: LinkState | null;
  metric: number | null;
  protocol: string | null;
  scope: string | null;
  prefsrc: string | null;
  multipath: boolean;
  nexthopDevs: LinkState[];
}

/** argv words that put an address back as the snapshot had it (with its broadcast, as `brd` would). */
export function addrAddWords(a: AddrState, dev: string): string[] {
  return ['addr', 'add', a.cidr, ...(a.broadcast ? ['broadcast', a.broadcast] : []), 'dev', dev];
}

/** "10.0.0.1/24" and "fd00:0::1/64" compare equal to what `ip -j` prints. */
export function canonicalCidr(cidr: string): string {
  const c = parseCidr(cidr);
  return c ? `${formatIp(c.ip)}/${c.len}` : cidr;
}

export function isPhysical(l: { kind: string; parentBus: string | null; sriov: unknown; vf: unknown }): boolean {
  return l.kind === 'physical' || l.parentBus !== null || l.sriov !== null || l.vf !== null;
}

/**
 * The planner's model of the host: a mutable copy of one HostSnapshot (fromSnapshot) that planEdits
 * (./plan.ts) changes edit by edit, so a later edit sees what an earlier one made. Lives for one plan.
 */
export class PlanModel {
  namespaces: NsState[] = [];
  links: LinkState[] = [];
  routes: RouteState[] = [];

  static fromSnapshot(s: HostSnapshot, createdByLinkscape: (linkId: string) => boolean = () => false): PlanModel {
    const m = new PlanModel();
    const nsById = new Map<string, NsState>();
    for (const n of s.namespaces) {
      const ns: NsState = {
        key: n.id,
        id: n.id,
        name: n.name,
        path: n.path,
        root: n.root,
        source: n.source,
        label: n.label || n.name || n.id,
        pids: n.pids,
        comms: n.comms,
        created: false,
        owner: n.owner ?? null,
      };
      nsById.set(n.id, ns);
      m.namespaces.push(ns);
    }
    const byId = new Map<string, LinkState>();
    for (const l of s.links) {
      const ns = nsById.get(l.nsId);
      if (!ns) continue;
      const link: LinkState = {
        ns,
        name: l.name,
        kind: l.kind,
        id: l.id,
        physical: isPhysical(l),
        up: l.up,
        promisc: l.flags.includes('PROMISC'),
        mtu: l.mtu,
        minMtu: l.minMtu,
        maxMtu: l.maxMtu,
        mac: l.mac,
        mode: l.mode,
        linkType: l.linkType,
        master: null,
        parent: null,
        peer: null,
        addresses: l.addresses.map((a) => ({
          cidr: canonicalCidr(a.cidr),
          scope: a.scope,
          broadcast: a.broadcast ?? null,
        })),
        created: createdByLinkscape(l.id),
      };
      byId.set(l.id, link);
      m.links.push(link);
    }
    for (const l of s.links) {
      const link = byId.get(l.id);
      if (!link) continue;
      link.master = l.masterId ? (byId.get(l.masterId) ?? null) : null;
      link.parent = l.parentId ? (byId.get(l.parentId) ?? null) : null;
      link.peer = l.peerId ? (byId.get(l.peerId) ?? null) : null;
    }
    for (const r of s.routes) {
      const ns = nsById.get(r.nsId);
      if (!ns) continue;
      m.routes.push({
        ns,
        dst: canonicalDst(r.dst),
        table: r.table,
        type: r.type,
        family: r.family,
        gateway: r.gateway,
        dev: r.devId ? (byId.get(r.devId) ?? null) : null,
        metric: r.metric,
        protocol: r.protocol,
        scope: r.scope,
        prefsrc: r.prefsrc,
        multipath: r.nexthops.length > 0,
        nexthopDevs: r.nexthops.flatMap((h) => (h.devId && byId.get(h.devId) ? [byId.get(h.devId)!] : [])),
      });
    }
    return m;
  }

  root(): NsState {
    const r = this.namespaces.find((n) => n.root);
    if (!r) throw new Error('snapshot has no host namespace');
    return r;
  }

  /** undefined ref = the host's namespace; digits = namespace id; otherwise a name. */
  resolveNs(ref: string | undefined): NsState | undefined {
    if (ref === undefined) return this.root();
    if (/^\d+$/.test(ref)) return this.namespaces.find((n) => n.id === ref);
    return this.namespaces.find((n) => n.name === ref && !n.root) ?? this.namespaces.find((n) => n.name === ref);
  }

  link(ns: NsState, name: string): LinkState | undefined {
    return this.links.find((l) => l.ns === ns && l.name === name);
  }

  linksIn(ns: NsState): LinkState[] {
    return this.links.filter((l) => l.ns === ns);
  }

  childrenOf(l: LinkState): LinkState[] {
    return this.links.filter((c) => c.parent === l);
  }

  /** Does this link carry a default route of the host's namespace? */
  carriesHostDefault(l: LinkState): boolean {
    return this.routes.some((r) => r.ns.root && r.dst === 'default' && (r.dev === l || r.nexthopDevs.includes(l)));
  }

  /** Remove a link and what the kernel removes with it: a veth's peer, children on it, its routes. */
  removeLink(l: LinkState): LinkState[] {
    const gone = new Set<LinkState>();
    const visit = (x: LinkState) => {
      if (gone.has(x)) return;
      gone.add(x);
      if (x.peer) visit(x.peer);
      for (const c of this.childrenOf(x)) visit(c);
    };
    visit(l);
    this.links = this.links.filter((x) => !gone.has(x));
    for (const x of this.links) if (x.master && gone.has(x.master)) x.master = null;
    this.routes = this.routes.filter((r) => !(r.dev && gone.has(r.dev)));
    return [...gone];
  }

  removeNs(ns: NsState): void {
    for (const l of this.linksIn(ns)) {
      if (l.physical) {
        l.ns = this.root();
        l.up = false;
        l.addresses = [];
        l.master = null;
      } else if (this.links.includes(l)) this.removeLink(l);
    }
    this.routes = this.routes.filter((r) => r.ns !== ns);
    this.namespaces = this.namespaces.filter((n) => n !== ns);
  }

  /** What the kernel does on `ip link set … netns`: the link arrives down, without addresses, master or routes. */
  moveLink(l: LinkState, to: NsState): void {
    l.ns = to;
    l.up = false;
    l.addresses = l.addresses.filter(() => false);
    l.master = null;
    this.routes = this.routes.filter((r) => r.dev !== l);
  }
}
