// Which addresses are a node's own: its root namespace's addresses (not loopback, not link-local), plus any
// the cluster tells (a Kubernetes node's InternalIP). Pure.
import type { HostSnapshot } from '../../shared/host/types';

export function addressOf(cidr: string): string {
  const i = cidr.indexOf('/');
  return (i < 0 ? cidr : cidr.slice(0, i)).toLowerCase();
}

function isLocalOnly(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('fe80:');
}

const cache = new WeakMap<HostSnapshot, string[]>();

export function nodeAddresses(snapshot: HostSnapshot | null, extra: string[] = []): string[] {
  const own = snapshot ? (cache.get(snapshot) ?? rootAddresses(snapshot)) : [];
  if (snapshot) cache.set(snapshot, own);
  return extra.length ? [...new Set([...extra.map((a) => a.toLowerCase()), ...own])] : own;
}

function rootAddresses(snapshot: HostSnapshot): string[] {
  const out = new Set<string>();
  {
    const root = new Set(snapshot.namespaces.filter((n) => n.root).map((n) => n.id));
    for (const l of snapshot.links) {
      if (!root.has(l.nsId)) continue;
      for (const a of l.addresses) {
        const ip = addressOf(a.cidr);
        if (!isLocalOnly(ip)) out.add(ip);
      }
    }
  }
  return [...out];
}
