// Pure: the runtime networks on the host (Docker networks, CNI networks) with what is in them — the
// namespaces whose owner is attached (with the addresses the runtime gave) and the devices it owns.
import type { HostSnapshot, Link, Namespace, OwnerRuntime } from '@/shared/host/types';
import { linkMatches, namespaceMatches } from '../graph/search';

export interface NetworkRow {
  key: string;
  runtime: OwnerRuntime;
  name: string;
  id: string | null;
  driver: string;
  subnets: string[];
  gateway: string[];
  members: { ns: Namespace; ips: string[] }[];
  devices: Link[];
}

const keyOf = (runtime: string, name: string) => `${runtime}:${name}`;

export function networkRows(snap: HostSnapshot, search = ''): NetworkRow[] {
  const rows = new Map<string, NetworkRow>();
  const row = (runtime: OwnerRuntime, name: string, driver: string): NetworkRow => {
    const k = keyOf(runtime, name);
    let r = rows.get(k);
    if (!r)
      rows.set(
        k,
        (r = { key: k, runtime, name, id: null, driver, subnets: [], gateway: [], members: [], devices: [] }),
      );
    return r;
  };
  for (const l of snap.links) {
    const n = l.network;
    if (!n) continue;
    const r = row(n.runtime, n.name, n.driver);
    r.id ??= n.id ?? null;
    for (const s of n.subnets ?? []) if (!r.subnets.includes(s)) r.subnets.push(s);
    for (const g of n.gateway ?? []) if (!r.gateway.includes(g)) r.gateway.push(g);
    r.devices.push(l);
  }
  for (const ns of snap.namespaces) {
    const o = ns.owner;
    if (!o?.networks) continue;
    // a pod's networks are Kubernetes' (CNI), a container's its runtime's
    const runtime: OwnerRuntime = o.runtime;
    for (const n of o.networks) {
      const r = row(runtime, n.name, n.driver);
      r.id ??= n.id ?? null;
      if (r.driver === 'unknown' || r.driver === 'cni') r.driver = n.driver;
      r.members.push({ ns, ips: n.ips });
    }
  }
  const words = search.trim().toLowerCase();
  const nsById = new Map(snap.namespaces.map((n) => [n.id, n]));
  const out = [...rows.values()].filter((r) => {
    if (!words) return true;
    const hay = [r.name, r.driver, r.runtime, ...r.subnets].join(' ').toLowerCase();
    return (
      words.split(/\s+/).every((w) => hay.includes(w)) ||
      r.members.some((m) => namespaceMatches(search, m.ns)) ||
      r.devices.some((l) => linkMatches(search, l, nsById.get(l.nsId)))
    );
  });
  return out.sort((a, b) => a.runtime.localeCompare(b.runtime) || a.name.localeCompare(b.name));
}
