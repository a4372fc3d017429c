// Pure search: does a link or namespace match what the user typed? Name, IP (or a CIDR containing it),
// MAC (any separator, any case), namespace label, the runtime network a device is in; a namespace's
// owner: container or pod name and id, Kubernetes namespace, image, its containers and networks.
// Several words must all match.
import type { Link, Namespace } from '@/shared/host/types';

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(s: string): bigint | null {
  if (!/^[0-9a-f:.]+$/i.test(s) || !s.includes(':')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h ? h.split(':') : []);
  let head = groups(halves[0]);
  let tail = halves.length === 2 ? groups(halves[1]) : [];
  const expand = (g: string[]) => {
    const last = g[g.length - 1];
    if (last?.includes('.')) {
      const v4 = parseV4(last);
      if (v4 === null) return null;
      return [...g.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    }
    return g;
  };
  const h = expand(head);
  const t = expand(tail);
  if (!h || !t) return null;
  head = h;
  tail = t;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

interface Net {
  v6: boolean;
  base: bigint;
  bits: number;
}

/** "10.1.0.0/16" or "fd00::/8" → a network; a plain address is a /32 or /128. */
export function parseNet(text: string): Net | null {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined) return null;
  const v4 = parseV4(addr);
  const v6 = v4 === null ? parseV6(addr) : null;
  const value = v4 ?? v6;
  if (value === null) return null;
  const max = v4 !== null ? 32 : 128;
  const bits = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 0 && bits <= max)) return null;
  const shift = BigInt(max - bits);
  return { v6: v4 === null, base: (value >> shift) << shift, bits };
}

function contains(net: Net, addr: Net): boolean {
  if (net.v6 !== addr.v6) return false;
  const max = net.v6 ? 128 : 32;
  const shift = BigInt(max - net.bits);
  return (addr.base >> shift) << shift === net.base;
}

const macDigits = (s: string) => s.toLowerCase().replace(/[^0-9a-f]/g, '');

function termMatchesLink(term: string, link: Link): boolean {
  const t = term.toLowerCase();
  if (link.name.toLowerCase().includes(t)) return true;
  if (link.altnames.some((a) => a.toLowerCase().includes(t))) return true;
  if (link.addresses.some((a) => a.cidr.toLowerCase().includes(t))) return true;
  if (link.network && link.network.name.toLowerCase().includes(t)) return true;
  const net = /[./:]/.test(t) ? parseNet(t) : null;
  if (
    net &&
    link.addresses.some((a) => {
      const n = parseNet(a.cidr.split('/')[0]);
      return n !== null && contains(net, n);
    })
  )
    return true;
  const hex = macDigits(t);
  const looksMac = /^[0-9a-f]{2}([:-]?[0-9a-f]{2})+$/i.test(t);
  if (looksMac && hex.length >= 4) {
    if (link.mac && macDigits(link.mac).includes(hex)) return true;
    if (link.sriov?.vfs.some((vf) => vf.mac && !/^0+$/.test(macDigits(vf.mac)) && macDigits(vf.mac).includes(hex)))
      return true;
  }
  return false;
}

const terms = (text: string) => text.trim().split(/\s+/).filter(Boolean);

/** the words a namespace's owner can be found by */
export function ownerTerms(ns: Namespace): string[] {
  const o = ns.owner;
  if (!o) return [];
  const out = [o.name, o.runtime, o.kind, o.namespace, o.image, o.namespace ? `${o.namespace}/${o.name}` : undefined];
  if (o.runtime !== 'process') out.push(o.id.slice(0, 12));
  for (const c of o.containers ?? []) out.push(c.name, c.image, c.id.slice(0, 12));
  for (const n of o.networks ?? []) out.push(n.name, ...n.ips);
  return out.filter((x): x is string => !!x).map((x) => x.toLowerCase());
}

const nsHas = (ns: Namespace | undefined, t: string) => {
  if (!ns) return false;
  const w = t.toLowerCase();
  return (
    ns.label.toLowerCase().includes(w) ||
    (ns.name ?? '').toLowerCase().includes(w) ||
    ownerTerms(ns).some((x) => x.includes(w))
  );
};

/** every word matches the link or its namespace, and at least one matches the link itself ("red ve") */
export function linkMatches(text: string, link: Link, ns: Namespace | undefined): boolean {
  const list = terms(text);
  const own = list.map((t) => termMatchesLink(t, link));
  return own.some(Boolean) && list.every((t, i) => own[i] || nsHas(ns, t));
}

export function namespaceMatches(text: string, ns: Namespace): boolean {
  const list = terms(text);
  return list.length > 0 && list.every((t) => nsHas(ns, t));
}
