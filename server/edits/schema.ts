// The edit contract: one zod schema per op, discriminated by `op`. Imports only zod, so client forms
// can import it (field rules, schemas, descriptions) without pulling in anything that runs on the host.
//
// Adding an op (e.g. SR-IOV VF edits): add its schema here (or in a sibling zod-only file) and to
// EDIT_SCHEMAS / OP_INFO, then a planner in server/edits/ops/ — the planner table is typed so that
// TypeScript refuses to build until every op has one.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Field rules. Each returns null when the value is fine, else a sentence naming the rule broken.

const ASCII_NAME = /^[A-Za-z0-9_.-]+$/;
const WHITESPACE = /\s/;

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Linux interface names (dev_valid_name) narrowed to a charset that is safe in argv and in `ip`'s parser. */
export function ifNameProblem(v: string): string | null {
  if (v.length === 0) return 'interface name must be 1–15 bytes (it is empty)';
  if (byteLength(v) > 15) return `interface name must be at most 15 bytes (IFNAMSIZ), got ${byteLength(v)}`;
  if (v.includes('\0')) return 'interface name may not contain NUL';
  if (v.includes('/')) return "interface name may not contain '/'";
  if (WHITESPACE.test(v)) return 'interface name may not contain whitespace';
  if (v.includes(':')) return "interface name may not contain ':' (that is alias syntax)";
  if (v === '.' || v === '..') return "interface name may not be '.' or '..'";
  if (v.startsWith('-')) return "interface name may not start with '-' (ip would read it as an option)";
  if (!ASCII_NAME.test(v)) return "interface name may use only ASCII letters, digits, '_', '.' and '-'";
  return null;
}

/** Names under /var/run/netns. */
export function nsNameProblem(v: string): string | null {
  if (v.length === 0) return 'namespace name must not be empty';
  if (v.length > 64) return `namespace name must be at most 64 characters, got ${v.length}`;
  if (v.includes('\0')) return 'namespace name may not contain NUL';
  if (v.includes('/')) return "namespace name may not contain '/'";
  if (WHITESPACE.test(v)) return 'namespace name may not contain whitespace';
  if (v === '.' || v === '..') return "namespace name may not be '.' or '..'";
  if (v.startsWith('-')) return "namespace name may not start with '-' (ip would read it as an option)";
  if (!ASCII_NAME.test(v)) return "namespace name may use only ASCII letters, digits, '_', '.' and '-'";
  return null;
}

/** A new namespace's name: additionally not all digits, because all-digit references mean namespace ids. */
export function newNsNameProblem(v: string): string | null {
  const p = nsNameProblem(v);
  if (p) return p;
  if (/^\d+$/.test(v)) return 'namespace name may not be all digits (all-digit references are namespace ids)';
  return null;
}

/**
 * A reference to a namespace: all digits = the namespace id (its inode, as in HostSnapshot), which works
 * for unnamed ones too; anything else = the name of a named namespace (one that exists, or that this
 * plan creates). Omitted = the host's (the server's own) namespace.
 */
export function nsRefProblem(v: string): string | null {
  if (/^\d+$/.test(v)) return v.length > 20 ? 'namespace id is too long' : null;
  const p = nsNameProblem(v);
  return p ? `namespace reference must be a namespace id (digits) or a name: ${p}` : null;
}

export function macProblem(v: string, unicast = true): string | null {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(v)) return 'MAC address must be six hex bytes separated by colons, e.g. 02:00:00:00:00:01';
  const first = parseInt(v.slice(0, 2), 16);
  if (unicast && first & 1) return 'MAC address must be unicast (the lowest bit of the first byte must be 0)';
  if (/^(00:){5}00$/.test(v)) return 'MAC address may not be all zeros';
  return null;
}

export type IpFamily = 'inet' | 'inet6';
export interface ParsedIp {
  family: IpFamily;
  /** 4 or 16 bytes */
  bytes: number[];
}

function parseIpv4(s: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const out: number[] = [];
  for (const part of m.slice(1)) {
    // no leading zeros: iproute2 reads "010" as octal
    if (part.length > 1 && part.startsWith('0')) return null;
    const n = Number(part);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIpv6(s: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i];
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 && head.length !== 8) return null;
  if (halves.length === 2 && head.length + tail.length > 7) return null;
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

export function parseIp(s: string): ParsedIp | null {
  const v4 = parseIpv4(s);
  if (v4) return { family: 'inet', bytes: v4 };
  const v6 = s.includes(':') ? parseIpv6(s) : null;
  return v6 ? { family: 'inet6', bytes: v6 } : null;
}

/** Canonical text (RFC 5952 for IPv6), as the kernel's tools print it. */
export function formatIp(p: ParsedIp): string {
  if (p.family === 'inet') return p.bytes.join('.');
  const b = p.bytes;
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${b.slice(12).join('.')}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((p.bytes[i] << 8) | p.bytes[i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

export interface ParsedCidr {
  ip: ParsedIp;
  len: number;
}

export function parseCidr(s: string): ParsedCidr | null {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return null;
  const ip = parseIp(m[1]);
  if (!ip) return null;
  if (m[2].length > 1 && m[2].startsWith('0')) return null;
  const len = Number(m[2]);
  if (len > (ip.family === 'inet' ? 32 : 128)) return null;
  return { ip, len };
}

function hostBitsZero(c: ParsedCidr): boolean {
  for (let bit = c.len; bit < c.ip.bytes.length * 8; bit++) {
    if (c.ip.bytes[bit >> 3] & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

export function ipProblem(v: string): string | null {
  if (v.length > 45 || !parseIp(v)) return 'must be an IPv4 or IPv6 address, e.g. 192.168.10.1 or fd00::1 (no prefix, no zone)';
  return null;
}

/** An interface address: address/prefix (host bits allowed, as in `ip addr add 10.0.0.1/24`). */
export function cidrProblem(v: string): string | null {
  if (v.length > 49 || !parseCidr(v)) return 'must be an address with a prefix length, e.g. 192.168.10.2/24 or fd00::2/64';
  return null;
}

/** A route destination: "default", a network prefix (host bits zero) or a bare address (a host route). */
export function routeDstProblem(v: string): string | null {
  if (v === 'default') return null;
  if (v.length <= 45 && parseIp(v)) return null;
  const c = v.length <= 49 ? parseCidr(v) : null;
  if (!c) return 'must be "default", a prefix such as 10.1.0.0/16, or an address';
  if (!hostBitsZero(c)) return `prefix ${v} has host bits set (did you mean ${formatIp(maskIp(c))}/${c.len}?)`;
  return null;
}

function maskIp(c: ParsedCidr): ParsedIp {
  const bytes = c.ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, c.len - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { family: c.ip.family, bytes };
}

/** "default" | canonical "a.b.c.d/len" with /32 and /128 written bare, as `ip -j route` prints them. */
export function canonicalDst(v: string): string {
  if (v === 'default') return v;
  const ip = parseIp(v);
  if (ip) return formatIp(ip);
  const c = parseCidr(v);
  if (!c) return v;
  const full = c.ip.family === 'inet' ? 32 : 128;
  return c.len === full ? formatIp(c.ip) : `${formatIp(c.ip)}/${c.len}`;
}

export function familyOfIp(v: string): IpFamily | null {
  return parseIp(v)?.family ?? parseCidr(v)?.ip.family ?? null;
}

export function isMulticast(v: string): boolean {
  const p = parseIp(v);
  if (!p) return false;
  return p.family === 'inet' ? p.bytes[0] >= 224 && p.bytes[0] <= 239 : p.bytes[0] === 0xff;
}

// ---------------------------------------------------------------------------------------------
// zod field schemas

const ruled = (rule: (v: string) => string | null, description: string) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const p = rule(v);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .describe(description);

export const IfName = ruled(ifNameProblem, 'interface name: 1–15 bytes of ASCII letters, digits, _ . -');
export const NsName = ruled(newNsNameProblem, 'name of a new namespace under /var/run/netns');
export const NsRef = ruled(nsRefProblem, 'namespace id (digits, from host.snapshot) or name; omitted = the host namespace');
export const Mac = ruled((v) => macProblem(v, true), 'unicast MAC address, e.g. 02:00:00:00:00:01');
export const IpAddr = ruled(ipProblem, 'IPv4 or IPv6 address');
export const Cidr = ruled(cidrProblem, 'address/prefix, e.g. 192.168.10.2/24');
export const RouteDst = ruled(routeDstProblem, '"default", a prefix, or an address');
export const Mtu = z
  .number()
  .int('MTU must be a whole number')
  .min(68, 'MTU must be at least 68 (the IPv4 minimum)')
  .max(65536, 'MTU must be at most 65536')
  .describe('MTU in bytes; must also lie within the link\'s own min/max');
export const RouteTable = z
  .union([z.literal('main'), z.literal('local'), z.number().int().min(1, 'table must be 1–4294967295').max(4294967295, 'table must be 1–4294967295')])
  .describe('routing table: main (default), local, or a number');

// ---------------------------------------------------------------------------------------------
// ops

export const NetnsAdd = z
  .object({
    op: z.literal('netns.add'),
    name: NsName,
    /** bring lo up inside (default true), as every walkthrough does first */
    lo: z.boolean().optional(),
  })
  .strict();

export const NetnsDel = z.object({ op: z.literal('netns.del'), ns: NsRef }).strict();

const linkAddCommon = {
  op: z.literal('link.add'),
  /** where the command runs: the namespace of the parent / underlay (default: host) */
  ns: NsRef.optional(),
  name: IfName,
  /** create the link straight into this namespace */
  netns: NsRef.optional(),
  mtu: Mtu.optional(),
  mac: Mac.optional(),
  addresses: z.array(Cidr).max(32, 'at most 32 addresses per edit').optional(),
  up: z.boolean().optional(),
};

export const MACVLAN_MODES = ['private', 'vepa', 'bridge', 'passthru', 'source'] as const;
export const IPVLAN_MODES = ['l2', 'l3', 'l3s'] as const;
export const IPVLAN_FLAGS = ['bridge', 'private', 'vepa'] as const;
export const VLAN_PROTOCOLS = ['802.1Q', '802.1ad'] as const;

const macvlanLike = <K extends 'macvlan' | 'macvtap'>(kind: K) =>
  z
    .object({
      ...linkAddCommon,
      kind: z.literal(kind),
      parent: IfName,
      mode: z.enum(MACVLAN_MODES, 'mode must be one of private, vepa, bridge, passthru, source').optional(),
      /** source mode only: the allowed source MACs */
      macaddrs: z.array(Mac).max(256, 'at most 256 MACs').optional(),
      /** passthru mode only */
      nopromisc: z.boolean().optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.macaddrs?.length && v.mode !== 'source') ctx.addIssue({ code: 'custom', path: ['macaddrs'], message: 'a MAC list needs mode source' });
      if (v.nopromisc && v.mode !== 'passthru') ctx.addIssue({ code: 'custom', path: ['nopromisc'], message: 'nopromisc needs mode passthru' });
    });

const ipvlanLike = <K extends 'ipvlan' | 'ipvtap'>(kind: K) =>
  z
    .object({
      ...linkAddCommon,
      kind: z.literal(kind),
      parent: IfName,
      mode: z.enum(IPVLAN_MODES, 'mode must be one of l2, l3, l3s').optional(),
      flag: z.enum(IPVLAN_FLAGS, 'flag must be one of bridge, private, vepa').optional(),
    })
    .strict();

export const LinkAddMacvlan = macvlanLike('macvlan');
export const LinkAddMacvtap = macvlanLike('macvtap');
export const LinkAddIpvlan = ipvlanLike('ipvlan');
export const LinkAddIpvtap = ipvlanLike('ipvtap');

export const VethPeer = z
  .object({
    name: IfName,
    /** the peer's namespace (default: `ns`, where the command runs — as ip does) */
    netns: NsRef.optional(),
    mac: Mac.optional(),
    addresses: z.array(Cidr).max(32, 'at most 32 addresses per edit').optional(),
    up: z.boolean().optional(),
  })
  .strict();

export const LinkAddVeth = z.object({ ...linkAddCommon, kind: z.literal('veth'), peer: VethPeer }).strict();
export const LinkAddBridge = z.object({ ...linkAddCommon, kind: z.literal('bridge') }).strict();
export const LinkAddDummy = z.object({ ...linkAddCommon, kind: z.literal('dummy') }).strict();
export const LinkAddVlan = z
  .object({
    ...linkAddCommon,
    kind: z.literal('vlan'),
    parent: IfName,
    id: z.number().int('VLAN id must be a whole number').min(1, 'VLAN id must be 1–4094').max(4094, 'VLAN id must be 1–4094'),
    protocol: z.enum(VLAN_PROTOCOLS, 'protocol must be 802.1Q or 802.1ad').optional(),
  })
  .strict();
export const LinkAddVxlan = z
  .object({
    ...linkAddCommon,
    kind: z.literal('vxlan'),
    vni: z.number().int('VNI must be a whole number').min(0, 'VNI must be 0–16777215 (< 2^24)').max(16777215, 'VNI must be 0–16777215 (< 2^24)'),
    remote: IpAddr.optional(),
    group: IpAddr.optional(),
    local: IpAddr.optional(),
    /** the underlay device (same namespace as `ns`) */
    dev: IfName.optional(),
    dstport: z.number().int().min(1, 'dstport must be 1–65535').max(65535, 'dstport must be 1–65535').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.remote && v.group) ctx.addIssue({ code: 'custom', path: ['group'], message: 'give remote or group, not both' });
    if (v.group && !isMulticast(v.group)) ctx.addIssue({ code: 'custom', path: ['group'], message: `group ${v.group} is not a multicast address` });
    if (v.remote && isMulticast(v.remote)) ctx.addIssue({ code: 'custom', path: ['remote'], message: 'remote must be unicast (use group for multicast)' });
    const fams = (['remote', 'group', 'local'] as const).filter((k) => v[k] && familyOfIp(v[k]));
    const first = fams[0];
    for (const k of fams) {
      if (familyOfIp(v[k]!) !== familyOfIp(v[first]!)) ctx.addIssue({ code: 'custom', path: [k], message: `${k} and ${first} must be the same address family` });
    }
  });

export const LinkAdd = z.discriminatedUnion('kind', [
  LinkAddMacvlan,
  LinkAddMacvtap,
  LinkAddIpvlan,
  LinkAddIpvtap,
  LinkAddVeth,
  LinkAddBridge,
  LinkAddVlan,
  LinkAddVxlan,
  LinkAddDummy,
]);

export const LINK_KINDS = ['macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'veth', 'bridge', 'vlan', 'vxlan', 'dummy'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];
/** kinds that are children of a lower device named by `parent` */
export const PARENT_KINDS: readonly LinkKind[] = ['macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'vlan'];

export const LinkDel = z.object({ op: z.literal('link.del'), ns: NsRef.optional(), dev: IfName }).strict();

export const LinkSet = z
  .object({
    op: z.literal('link.set'),
    ns: NsRef.optional(),
    dev: IfName,
    up: z.boolean().optional(),
    mtu: Mtu.optional(),
    mac: Mac.optional(),
    promisc: z.boolean().optional(),
    /** rename */
    name: IfName.optional(),
    /** attach to this bridge/bond (in the link's namespace, after any move); null = detach (nomaster) */
    master: IfName.nullable().optional(),
    /** move to this namespace */
    netns: NsRef.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const changes = ['up', 'mtu', 'mac', 'promisc', 'name', 'master', 'netns'] as const;
    if (!changes.some((k) => v[k] !== undefined)) ctx.addIssue({ code: 'custom', path: ['dev'], message: `nothing to change: give one of ${changes.join(', ')}` });
    if (v.name !== undefined && v.name === v.dev) ctx.addIssue({ code: 'custom', path: ['name'], message: 'the new name is the current name' });
  });

export const AddrAdd = z.object({ op: z.literal('addr.add'), ns: NsRef.optional(), dev: IfName, cidr: Cidr }).strict();
export const AddrDel = z.object({ op: z.literal('addr.del'), ns: NsRef.optional(), dev: IfName, cidr: Cidr }).strict();

const routeFields = {
  ns: NsRef.optional(),
  dst: RouteDst,
  via: IpAddr.optional(),
  dev: IfName.optional(),
  table: RouteTable.optional(),
  metric: z.number().int().min(0, 'metric must be 0–4294967295').max(4294967295, 'metric must be 0–4294967295').optional(),
  /** only needed for `default` without a gateway: which family's default route (default inet) */
  family: z.enum(['inet', 'inet6'], 'family must be inet or inet6').optional(),
};

function routeRefine(requireNexthop: boolean) {
  return (v: { dst: string; via?: string; dev?: string; family?: IpFamily }, ctx: z.RefinementCtx) => {
    if (requireNexthop && !v.via && !v.dev) ctx.addIssue({ code: 'custom', path: ['via'], message: 'a route needs a gateway (via) or a device (dev), or both' });
    const dstFam = v.dst === 'default' ? null : familyOfIp(v.dst);
    const viaFam = v.via ? familyOfIp(v.via) : null;
    // an IPv6 gateway for IPv4 routes is legal (RFC 5549); the reverse is not
    if (dstFam === 'inet6' && viaFam === 'inet') ctx.addIssue({ code: 'custom', path: ['via'], message: 'an IPv6 route cannot use an IPv4 gateway' });
    if (v.family && dstFam && v.family !== dstFam) ctx.addIssue({ code: 'custom', path: ['family'], message: `family ${v.family} does not match dst ${v.dst}` });
  };
}

export const RouteAdd = z.object({ op: z.literal('route.add'), ...routeFields }).strict().superRefine(routeRefine(true));
export const RouteDel = z.object({ op: z.literal('route.del'), ...routeFields }).strict().superRefine(routeRefine(false));

// SR-IOV (issue 5). The PF is named like any link (ns + dev); its VFs by index.

/** The PCI SR-IOV capability counts VFs in 16 bits. */
export const MAX_NUMVFS = 65535;
export const VF_LINK_STATES = ['auto', 'enable', 'disable'] as const;

/** A VF's MAC: unicast, or all zeros, which is how a VF's MAC is cleared (and how `ip` shows "not set"). */
export function vfMacProblem(v: string): string | null {
  if (/^(00:){5}00$/.test(v)) return null;
  const p = macProblem(v, true);
  return p ? `${p} (00:00:00:00:00:00 clears a VF's MAC)` : null;
}
export const VfMac = ruled(vfMacProblem, 'unicast MAC address, or 00:00:00:00:00:00 to clear the VF\'s MAC');

const TxRate = z
  .number()
  .int('a TX rate must be a whole number of Mb/s')
  .min(0, 'a TX rate must be 0–4294967295 Mb/s (0 = no limit)')
  .max(4294967295, 'a TX rate must be 0–4294967295 Mb/s (0 = no limit)')
  .describe('Mb/s; 0 = no limit');

export const SriovNumVfs = z
  .object({
    op: z.literal('sriov.numvfs'),
    ns: NsRef.optional(),
    /** the PF */
    dev: IfName,
    numVfs: z
      .number()
      .int('numVfs must be a whole number')
      .min(0, `numVfs must be 0–${MAX_NUMVFS}`)
      .max(MAX_NUMVFS, `numVfs must be 0–${MAX_NUMVFS}`)
      .describe("VFs to enable (written to the PF device's sriov_numvfs); 0 removes them all"),
  })
  .strict();

export const VfVlan = z
  .object({
    /** 0 removes the VF's VLAN */
    id: z.number().int('VLAN id must be a whole number').min(0, 'VLAN id must be 0–4095 (0 removes the VLAN)').max(4095, 'VLAN id must be 0–4095 (0 removes the VLAN)'),
    qos: z.number().int('QoS must be a whole number').min(0, 'QoS (802.1p priority) must be 0–7').max(7, 'QoS (802.1p priority) must be 0–7').optional(),
    proto: z.enum(VLAN_PROTOCOLS, 'proto must be 802.1Q or 802.1ad').optional(),
  })
  .strict();

export const SriovVf = z
  .object({
    op: z.literal('sriov.vf'),
    ns: NsRef.optional(),
    /** the PF */
    dev: IfName,
    /** the VF's index on that PF */
    vf: z.number().int('vf must be a whole number').min(0, `vf must be 0–${MAX_NUMVFS - 1}`).max(MAX_NUMVFS - 1, `vf must be 0–${MAX_NUMVFS - 1}`),
    mac: VfMac.optional(),
    vlan: VfVlan.optional(),
    maxTxRate: TxRate.optional(),
    minTxRate: TxRate.optional(),
    spoofchk: z.boolean().optional(),
    trust: z.boolean().optional(),
    state: z.enum(VF_LINK_STATES, 'state must be auto, enable or disable').optional(),
    queryRss: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const changes = ['mac', 'vlan', 'maxTxRate', 'minTxRate', 'spoofchk', 'trust', 'state', 'queryRss'] as const;
    if (!changes.some((k) => v[k] !== undefined)) ctx.addIssue({ code: 'custom', path: ['vf'], message: `nothing to change: give one of ${changes.join(', ')}` });
    if (v.maxTxRate && v.minTxRate && v.minTxRate > v.maxTxRate)
      ctx.addIssue({ code: 'custom', path: ['minTxRate'], message: `minTxRate ${v.minTxRate} must not exceed maxTxRate ${v.maxTxRate} (0 = no limit)` });
  });

/** Every op, by name. SR-IOV (issue 5) adds its own here. */
export const EDIT_SCHEMAS = {
  'netns.add': NetnsAdd,
  'netns.del': NetnsDel,
  'link.add': LinkAdd,
  'link.del': LinkDel,
  'link.set': LinkSet,
  'addr.add': AddrAdd,
  'addr.del': AddrDel,
  'route.add': RouteAdd,
  'route.del': RouteDel,
  'sriov.numvfs': SriovNumVfs,
  'sriov.vf': SriovVf,
} as const;

export const Edit = z.discriminatedUnion('op', [NetnsAdd, NetnsDel, LinkAdd, LinkDel, LinkSet, AddrAdd, AddrDel, RouteAdd, RouteDel, SriovNumVfs, SriovVf]);
export type Edit = z.infer<typeof Edit>;
export type EditOp = Edit['op'];
export type EditOf<K extends EditOp> = Extract<Edit, { op: K }>;
export type LinkAddEdit = EditOf<'link.add'>;

export const ApplyInput = z
  .object({
    edits: z.array(Edit).min(1, 'give at least one edit').max(200, 'at most 200 edits at once'),
    /** return the plan, run nothing */
    dryRun: z.boolean().optional(),
    /** confirm steps the lock-out guard holds back (the UI makes the user type the link's name) */
    force: z.boolean().optional(),
    /** confirm or revert: the plan stays only if edit.confirm({id}) comes within `seconds` */
    checkpoint: z.object({ seconds: z.number().int().min(5, 'checkpoint.seconds must be 5–600').max(600, 'checkpoint.seconds must be 5–600') }).strict().optional(),
  })
  .strict();
export const CheckpointInput = z.object({ id: z.string().min(1).max(64) }).strict();
export type ApplyInput = z.infer<typeof ApplyInput>;

export const AuditInput = z.object({ limit: z.number().int().min(1).max(1000).optional() }).optional();
/** undo/redo: `id` (from edit.history) makes it refuse when that change is no longer the next one */
export const HistoryStepInput = z.object({ id: z.number().int().positive().optional() }).strict().optional();

export const PingInput = z
  .object({
    /** namespace id or name; omitted = the host's */
    nsId: NsRef.optional(),
    target: IpAddr,
    count: z.number().int().min(1, 'count must be 1–10').max(10, 'count must be 1–10').optional(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// What each op does, for the UI (menus, help text). `guarded` says when the lock-out guard applies.

export interface OpInfo {
  op: EditOp;
  title: string;
  description: string;
  undo: string;
  guarded: string | null;
}

export const OP_INFO: Record<EditOp, OpInfo> = {
  'netns.add': { op: 'netns.add', title: 'Create namespace', description: 'ip netns add NAME, then lo up inside (unless lo: false).', undo: 'ip netns del NAME', guarded: null },
  'netns.del': {
    op: 'netns.del',
    title: 'Delete namespace',
    description: 'ip netns del NAME (named namespaces only). Virtual links inside are destroyed; physical NICs return to the host.',
    undo: 'cannot be undone',
    guarded: null,
  },
  'link.add': {
    op: 'link.add',
    title: 'Create link',
    description: 'ip link add … type KIND, optionally straight into another namespace (netns), then addresses and up there.',
    undo: 'ip link del (in the namespace it ended up in)',
    guarded: null,
  },
  'link.del': { op: 'link.del', title: 'Delete link', description: 'ip link del dev NAME', undo: 'cannot be undone', guarded: 'physical NICs, the host default route\'s link, host links linkscape did not create' },
  'link.set': {
    op: 'link.set',
    title: 'Change link',
    description: 'up/down, mtu, address (MAC), promisc, rename, master/nomaster, move to another namespace (addresses are removed by the kernel on a move; the plan says so).',
    undo: 'each change set back to the value in the snapshot',
    guarded: 'down/move/enslave of physical NICs or the host default route\'s link; down/move of host links linkscape did not create',
  },
  'addr.add': { op: 'addr.add', title: 'Add address', description: 'ip addr add CIDR dev NAME', undo: 'ip addr del', guarded: null },
  'addr.del': { op: 'addr.del', title: 'Remove address', description: 'ip addr del CIDR dev NAME', undo: 'ip addr add', guarded: 'addresses of the link carrying the host default route' },
  'route.add': { op: 'route.add', title: 'Add route', description: 'ip route add DST [via GW] [dev NAME] [table T] [metric M]', undo: 'ip route del', guarded: null },
  'route.del': { op: 'route.del', title: 'Remove route', description: 'ip route del DST …', undo: 'ip route add (rebuilt from the snapshot)', guarded: 'the host namespace\'s default route' },
  'sriov.numvfs': {
    op: 'sriov.numvfs',
    title: 'Set number of VFs',
    description:
      "writes the PF device's sriov_numvfs (sysfs; the script shows echo N > …/sriov_numvfs). From one non-zero count to another the kernel needs 0 first (EBUSY otherwise): the plan writes 0, which removes the existing VFs and everything set on them. Refused above sriov_totalvfs when the device reports it.",
    undo: "the old count written back (through 0); the removed VFs' settings are not restored (most drivers reset them)",
    guarded: 'removing VFs whose netdevs exist (they vanish with the VFs)',
  },
  'sriov.vf': {
    op: 'sriov.vf',
    title: 'Change VF',
    description: 'ip link set dev PF vf N mac … | vlan ID qos Q proto P | max_tx_rate/min_tx_rate (Mb/s) | spoofchk | trust | state | query_rss — one command per setting',
    undo: "each setting back to the VF's value in the snapshot",
    guarded: "MAC, VLAN or state disable of a VF whose netdev carries the host's default route",
  },
};

/** Each op with its JSON Schema (zod 4's own), for forms that are generated rather than written. */
export function describeOps(): (OpInfo & { jsonSchema: unknown })[] {
  return (Object.keys(EDIT_SCHEMAS) as EditOp[]).map((op) => ({ ...OP_INFO[op], jsonSchema: z.toJSONSchema(EDIT_SCHEMAS[op], { unrepresentable: 'any' }) }));
}
