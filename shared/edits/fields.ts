// Field rules for every edit: each returns null when the value is fine, else a sentence naming the rule
// broken; and the zod field schemas built from them. Imports only zod: client forms use them too.
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
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(v))
    return 'MAC address must be six hex bytes separated by colons, e.g. 02:00:00:00:00:01';
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
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return `::ffff:${b.slice(12).join('.')}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((p.bytes[i] << 8) | p.bytes[i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
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
  if (v.length > 45 || !parseIp(v))
    return 'must be an IPv4 or IPv6 address, e.g. 192.168.10.1 or fd00::1 (no prefix, no zone)';
  return null;
}

/** An interface address: address/prefix (host bits allowed, as in `ip addr add 10.0.0.1/24`). */
export function cidrProblem(v: string): string | null {
  if (v.length > 49 || !parseCidr(v))
    return 'must be an address with a prefix length, e.g. 192.168.10.2/24 or fd00::2/64';
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

export const ruled = (rule: (v: string) => string | null, description: string) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const p = rule(v);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .describe(description);

export const IfName = ruled(ifNameProblem, 'interface name: 1–15 bytes of ASCII letters, digits, _ . -');
export const NsName = ruled(newNsNameProblem, 'name of a new namespace under /var/run/netns');
export const NsRef = ruled(
  nsRefProblem,
  'namespace id (digits, from host.snapshot) or name; omitted = the host namespace',
);
export const Mac = ruled((v) => macProblem(v, true), 'unicast MAC address, e.g. 02:00:00:00:00:01');
export const IpAddr = ruled(ipProblem, 'IPv4 or IPv6 address');
export const Cidr = ruled(cidrProblem, 'address/prefix, e.g. 192.168.10.2/24');
export const RouteDst = ruled(routeDstProblem, '"default", a prefix, or an address');
export const Mtu = z
  .number()
  .int('MTU must be a whole number')
  .min(68, 'MTU must be at least 68 (the IPv4 minimum)')
  .max(65536, 'MTU must be at most 65536')
  .describe("MTU in bytes; must also lie within the link's own min/max");
export const RouteTable = z
  .union([
    z.literal('main'),
    z.literal('local'),
    z.number().int().min(1, 'table must be 1–4294967295').max(4294967295, 'table must be 1–4294967295'),
  ])
  .describe('routing table: main (default), local, or a number');
