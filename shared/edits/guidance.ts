// Pure: refusals the kernel will give that can be seen before Apply. The planner turns them into plan
// warnings; the forms use the same rules to leave such parents out of their lists. No imports but types,
// so the client can use it.
//
// The kernel's rules (drivers/net/macvlan.c, drivers/net/ipvlan/ipvlan_main.c):
// - macvlan and ipvlan ports need an Ethernet lower device that is not loopback (EINVAL otherwise);
// - a device has one rx_handler: macvlan and ipvlan children cannot share a parent (EBUSY);
// - an ipvlan device is marked IFF_NO_RX_HANDLER: it cannot be a macvlan's parent (EBUSY).
//   (ipvlan on ipvlan and macvlan on macvlan are fine: the kernel uses the lower device's parent.)

export type ChildFamily = 'macvlan' | 'ipvlan';

export function familyOf(kind: string): ChildFamily | null {
  if (kind === 'macvlan' || kind === 'macvtap') return 'macvlan';
  if (kind === 'ipvlan' || kind === 'ipvtap') return 'ipvlan';
  return null;
}

export interface ParentFacts {
  name: string;
  kind: string;
  /** link/ether, link/sit, link/loopback, … (null: not known, e.g. created by this plan) */
  linkType: string | null;
  /** kinds of the links that have it as parent now */
  childKinds: string[];
}

/** Why the kernel will refuse a `kind` child on this parent, in words for the user; null when it will not. */
export function parentRefusal(kind: string, p: ParentFacts): string | null {
  const fam = familyOf(kind);
  if (!fam) return null;
  if (p.kind === 'loopback' || p.linkType === 'loopback')
    return `${p.name} is a loopback device: the kernel refuses a ${kind} on it (Invalid argument)`;
  if (p.linkType !== null && p.linkType !== 'ether')
    return `${p.name} is not an Ethernet device (link/${p.linkType}): the kernel refuses a ${kind} on it (Invalid argument)`;
  if (fam === 'macvlan' && familyOf(p.kind) === 'ipvlan')
    return `${p.name} is an ${p.kind}: the kernel refuses a ${kind} on it (Device or resource busy); use its parent, or an ipvlan`;
  const other = p.childKinds.filter((k) => familyOf(k) !== null && familyOf(k) !== fam);
  if (other.length)
    return `${p.name} already has ${[...new Set(other)].join('/')} children: macvlan and ipvlan cannot share a parent, the kernel refuses (Device or resource busy)`;
  return null;
}

export interface L3Facts {
  name: string;
  mode: string | null;
  nsLabel: string;
  /** its addresses (cidr) */
  addresses: string[];
  /** the namespace has a default route, or a route other than the connected ones through this link */
  routed: boolean;
}

/** An L3 (or L3S) ipvlan answers "Network is unreachable" for other subnets until its namespace has a route. */
export function l3RouteHint(l: L3Facts): string | null {
  if (l.mode !== 'l3' && l.mode !== 'l3s') return null;
  if (!l.addresses.length || l.routed) return null;
  return `${l.name} is an ipvlan in ${l.mode} mode: ${l.nsLabel} reaches only ${l.addresses.join(', ')}'s subnet until it has a route to the others, e.g. "default dev ${l.name}" (the kernel answers "Network is unreachable")`;
}
