// Pure parsers: what `ip -j` prints → the model's pieces for one namespace.
// Loose on purpose: unknown keys pass through, only what the model needs is validated.
// See ../shared/IPROUTE2-JSON.md for the traps handled here.
import { z } from 'zod';
import type { Address, Link, Route, VfInfo, Nexthop } from '../../shared/host/types';

const RawLinkInfo = z.looseObject({
  info_kind: z.string().optional(),
  info_data: z.record(z.string(), z.unknown()).optional(),
  info_slave_kind: z.string().optional(),
  info_slave_data: z.record(z.string(), z.unknown()).optional(),
});

const RawVf = z.looseObject({
  vf: z.number(),
  address: z.string().optional(),
  vlan_list: z
    .array(z.looseObject({ vlan: z.number().optional(), qos: z.number().optional(), protocol: z.string().optional() }))
    .optional(),
  rate: z.looseObject({ max_tx: z.number().optional(), min_tx: z.number().optional() }).optional(),
  tx_rate: z.number().optional(),
  spoofchk: z.boolean().optional(),
  trust: z.boolean().optional(),
  query_rss_en: z.boolean().optional(),
  link_state: z.string().optional(),
});

export const RawLink = z.object({
  ifindex: z.number(),
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  mtu: z.number().optional(),
  operstate: z.string().optional(),
  link_type: z.string().optional(),
  address: z.string().optional(),
  master: z.string().optional(),
  link: z.string().nullable().optional(),
  link_index: z.number().optional(),
  link_netnsid: z.number().optional(),
  promiscuity: z.number().optional(),
  min_mtu: z.number().optional(),
  max_mtu: z.number().optional(),
  parentbus: z.string().optional(),
  parentdev: z.string().optional(),
  altnames: z.array(z.string()).optional(),
  linkinfo: RawLinkInfo.optional(),
  vfinfo_list: z.array(RawVf).optional(),
  num_vf: z.number().optional(),
});
export type RawLink = z.infer<typeof RawLink>;

const RawAddrInfo = z.looseObject({
  family: z.string(),
  local: z.string().optional(),
  prefixlen: z.number().optional(),
  address: z.string().optional(),
  broadcast: z.string().optional(),
  scope: z.string().optional(),
  label: z.string().optional(),
});
const RawAddrLink = z.looseObject({
  ifindex: z.number(),
  ifname: z.string().optional(),
  addr_info: z.array(RawAddrInfo).default([]),
});

const RawNexthop = z.looseObject({
  gateway: z.string().optional(),
  via: z.looseObject({ host: z.string().optional() }).optional(),
  dev: z.string().optional(),
  weight: z.number().optional(),
  flags: z.array(z.string()).optional(),
});
const RawRoute = z.looseObject({
  type: z.string().optional(),
  dst: z.string(),
  gateway: z.string().optional(),
  via: z.looseObject({ family: z.string().optional(), host: z.string().optional() }).optional(),
  dev: z.string().optional(),
  table: z.string().optional(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  metric: z.number().optional(),
  prefsrc: z.string().optional(),
  flags: z.array(z.string()).optional(),
  nexthops: z.array(RawNexthop).optional(),
});

const RawNsid = z.looseObject({ nsid: z.number(), name: z.string().optional() });

/** How a link names its lower device / peer, before namespaces are resolved. */
export type LowerRef =
  | { kind: 'none' }
  | { kind: 'null' } // "link": null — lower device index 0
  | { kind: 'name'; name: string } // same namespace
  | { kind: 'index'; index: number; nsid: number | null }; // nsid relative to the reading namespace; null = same ns

export interface ParsedLink {
  link: Link;
  lower: LowerRef;
  masterName: string | null;
  /** vxlan's underlay device by name (same namespace as the vxlan was read in) */
  underlayName: string | null;
}

export interface ParsedNamespace {
  links: ParsedLink[];
  routes: Route[];
  /** nsid → name as this namespace sees it (named namespaces only carry names) */
  nsids: { nsid: number; name: string | null }[];
}

/** `ip` prints nothing (not `[]`) for some empty lists; treat blank as []. */
export function parseJsonDoc(text: string): unknown[] {
  const t = text.trim();
  if (!t) return [];
  const v: unknown = JSON.parse(t);
  return Array.isArray(v) ? v : [v];
}

export function deriveKind(raw: RawLink): string {
  const k = raw.linkinfo?.info_kind;
  if (k) return k;
  if (raw.link_type === 'loopback' || raw.flags.includes('LOOPBACK')) return 'loopback';
  if (raw.link_type === 'ether' || raw.parentbus) return 'physical';
  if (raw.link_type) return raw.link_type; // e.g. 'none' for a tun, 'ipip', ...
  return 'unknown';
}

function modeOf(kind: string, data: Record<string, unknown> | undefined): string | null {
  if (!data) return null;
  if (kind === 'ipvlan' || kind === 'ipvtap') {
    const m = typeof data.mode === 'string' ? data.mode : null;
    const flag = data.private ? 'private' : data.vepa ? 'vepa' : data.bridge ? 'bridge' : null;
    return m && flag ? `${m} ${flag}` : m;
  }
  if (kind === 'bond' && typeof data.mode === 'string') return data.mode;
  if (kind === 'tun' && typeof data.type === 'string') return data.type;
  if (kind === 'vlan' && typeof data.protocol === 'string') return data.protocol;
  return typeof data.mode === 'string' ? data.mode : null;
}

function parseVf(v: z.infer<typeof RawVf>): VfInfo {
  const vlans = (v.vlan_list ?? [])
    .filter((x) => typeof x.vlan === 'number' && x.vlan !== 0)
    .map((x) => ({ vlan: x.vlan as number, qos: x.qos ?? 0, protocol: x.protocol ?? null }));
  return {
    index: v.vf,
    mac: v.address ?? null,
    vlans,
    maxTxRate: v.rate?.max_tx ?? v.tx_rate ?? null,
    minTxRate: v.rate?.min_tx ?? null,
    spoofchk: v.spoofchk ?? null,
    trust: v.trust ?? null,
    linkState: v.link_state ?? null,
    queryRss: v.query_rss_en ?? null,
    netdevId: null,
    netdevName: null,
    device: null,
    driver: null,
  };
}

export function lowerRefOf(raw: RawLink): LowerRef {
  if (raw.link_index !== undefined) return { kind: 'index', index: raw.link_index, nsid: raw.link_netnsid ?? null };
  if (raw.link === null) return { kind: 'null' };
  if (typeof raw.link === 'string') return { kind: 'name', name: raw.link };
  return { kind: 'none' };
}

export function parseLink(nsId: string, input: unknown): ParsedLink {
  const raw = RawLink.parse(input);
  const kind = deriveKind(raw);
  const info = raw.linkinfo?.info_data ?? null;
  const link: Link = {
    id: `${nsId}/${raw.ifindex}`,
    nsId,
    ifindex: raw.ifindex,
    name: raw.ifname,
    kind,
    mode: modeOf(kind, raw.linkinfo?.info_data),
    up: raw.flags.includes('UP'),
    operstate: raw.operstate ?? 'UNKNOWN',
    flags: raw.flags,
    mtu: raw.mtu ?? null,
    minMtu: raw.min_mtu ?? null,
    maxMtu: raw.max_mtu ?? null,
    mac: raw.address ?? null,
    linkType: raw.link_type ?? null,
    parentId: null,
    parentUnresolved: false,
    peerId: null,
    masterId: null,
    slaveKind: raw.linkinfo?.info_slave_kind ?? null,
    addresses: [],
    sriov: raw.vfinfo_list
      ? {
          totalVfs: null,
          numVfs: raw.num_vf ?? raw.vfinfo_list.length,
          vfs: raw.vfinfo_list.map(parseVf),
          device: null,
        }
      : null,
    vf: null,
    promiscuity: raw.promiscuity ?? null,
    parentBus: raw.parentbus ?? null,
    parentDev: raw.parentdev ?? null,
    altnames: raw.altnames ?? [],
    info: info,
    slaveInfo: raw.linkinfo?.info_slave_data ?? null,
    network: null,
  };
  const underlay = kind === 'vxlan' && info && typeof info.link === 'string' ? info.link : null;
  return { link, lower: lowerRefOf(raw), masterName: raw.master ?? null, underlayName: underlay };
}

export function parseAddresses(input: unknown[]): Map<number, Address[]> {
  const out = new Map<number, Address[]>();
  for (const item of input) {
    const l = RawAddrLink.parse(item);
    const list: Address[] = [];
    for (const a of l.addr_info) {
      if (a.family !== 'inet' && a.family !== 'inet6') continue;
      if (!a.local) continue;
      const flags = Object.entries(a)
        .filter(([k, v]) => v === true && k !== 'family')
        .map(([k]) => k);
      list.push({
        family: a.family,
        cidr: `${a.local}/${a.prefixlen ?? (a.family === 'inet' ? 32 : 128)}`,
        scope: a.scope ?? 'global',
        ...(a.address && a.address !== a.local ? { peer: a.address } : {}),
        ...(a.broadcast ? { broadcast: a.broadcast } : {}),
        ...(a.label ? { label: a.label } : {}),
        flags,
      });
    }
    out.set(l.ifindex, list);
  }
  return out;
}

/**
 * A route's own family. The destination says it unless it is "default"; then: only IPv6 routes carry
 * `pref`; `via` (RTA_VIA) only appears when the gateway's family differs from the route's (an IPv4
 * route via an IPv6 nexthop, RFC 5549); otherwise the gateway's or the nexthops' address tells.
 */
function familyOf(r: z.infer<typeof RawRoute>): 'inet' | 'inet6' {
  if (r.dst !== 'default') return r.dst.includes(':') ? 'inet6' : 'inet';
  if ('pref' in r) return 'inet6';
  if (r.via || (r.nexthops ?? []).some((n) => n.via)) return 'inet';
  const addrs = [r.gateway, r.prefsrc, ...(r.nexthops ?? []).map((n) => n.gateway)];
  return addrs.some((a) => a?.includes(':')) ? 'inet6' : 'inet';
}

export function parseRoutes(nsId: string, input: unknown[], devIds: Map<string, string>): Route[] {
  return input.map((item) => {
    const r = RawRoute.parse(item);
    const gw = r.gateway ?? r.via?.host ?? null;
    const family = familyOf(r);
    const nexthops: Nexthop[] = (r.nexthops ?? []).map((n) => ({
      gateway: n.gateway ?? n.via?.host ?? null,
      dev: n.dev ?? null,
      devId: n.dev ? (devIds.get(n.dev) ?? null) : null,
      weight: n.weight ?? null,
      flags: n.flags ?? [],
    }));
    return {
      nsId,
      table: r.table ?? 'main',
      type: r.type ?? 'unicast',
      family,
      dst: r.dst,
      gateway: gw,
      dev: r.dev ?? null,
      devId: r.dev ? (devIds.get(r.dev) ?? null) : null,
      protocol: r.protocol ?? null,
      scope: r.scope ?? null,
      metric: r.metric ?? null,
      prefsrc: r.prefsrc ?? null,
      flags: r.flags ?? [],
      nexthops,
    };
  });
}

export function parseNsids(input: unknown[]): { nsid: number; name: string | null }[] {
  return input.map((x) => {
    const n = RawNsid.parse(x);
    return { nsid: n.nsid, name: n.name ?? null };
  });
}

const RawNetnsEntry = z.looseObject({ name: z.string(), id: z.number().optional() });

/**
 * `ip -j netns list` (`[{"name":"ns1","id":0},{"name":"ns2"}]`, `id` once the current namespace has an
 * nsid for it) as nsids by name, in parseNsids' shape: the named ones that have an nsid.
 */
export function parseNetnsList(input: unknown[]): { nsid: number; name: string }[] {
  return input.flatMap((x) => {
    const e = RawNetnsEntry.parse(x);
    return e.id === undefined ? [] : [{ nsid: e.id, name: e.name }];
  });
}

/**
 * The batch this project sends to the host's own namespace, in order. Its nsids by name come from
 * `netns list` (one RTM_GETNSID per file in /var/run/netns), not from `netns list-id`, a dump of the nsids
 * that a standalone `ip -j netns list-id` on this project's test machines ends after one message (134
 * entries): past that many named namespaces, nsids would be missing.
 */
export const NAMESPACE_BATCH = ['link show', 'addr show', 'route show table all', 'netns list'];
/**
 * The batch for every other namespace: without `netns list`, which asks the kernel about every namespace
 * in /var/run/netns (O(N) per namespace, O(N²) per host). Their nsids are asked of the kernel from the
 * host's namespace instead, in one process (server/host/nsids.ts).
 */
export const CONTENT_BATCH = NAMESPACE_BATCH.slice(0, 3);

export interface RawBatch {
  links: unknown[];
  addrs: unknown[];
  routes: unknown[];
  nsids: unknown[];
}

/** Is this `ip -j` document the answer to `link show` (links without addresses)? */
export function isLinkDoc(doc: unknown[]): boolean {
  const first = doc[0] as Record<string, unknown> | undefined;
  return !!first && typeof first === 'object' && 'ifname' in first && !('addr_info' in first);
}

/**
 * Place the documents of one namespace's batch (NAMESPACE_BATCH's answers, in any order and with any of
 * them missing: a failed line prints nothing) by their shape.
 */
export function classifyBatch(docs: unknown[][]): RawBatch {
  const out: RawBatch = { links: [], addrs: [], routes: [], nsids: [] };
  let seenLinks = false;
  for (const doc of docs) {
    const first = doc[0] as Record<string, unknown> | undefined;
    if (!first) continue; // an empty list: nothing to place
    if ('addr_info' in first) out.addrs = doc;
    else if ('ifname' in first && !seenLinks) {
      out.links = doc;
      seenLinks = true;
    } else if ('dst' in first) out.routes = doc;
    else if ('nsid' in first) out.nsids = doc;
    else if ('name' in first) out.nsids = parseNetnsList(doc); // `netns list`: the named ones with an nsid
  }
  return out;
}

/** Split the stdout of `ip -j -d -force -batch -` (one JSON document per line) into the four answers. */
export function splitBatch(stdout: string): RawBatch {
  return classifyBatch(
    stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => parseJsonDoc(l)),
  );
}

export function parseNamespace(nsId: string, raw: RawBatch): ParsedNamespace {
  const links = raw.links.map((l) => parseLink(nsId, l));
  const addrs = parseAddresses(raw.addrs);
  for (const p of links) p.link.addresses = addrs.get(p.link.ifindex) ?? [];
  const devIds = new Map(links.map((p) => [p.link.name, p.link.id] as const));
  return { links, routes: parseRoutes(nsId, raw.routes, devIds), nsids: parseNsids(raw.nsids) };
}
