// Kind classes and edge types the graph, legend, filters and table share. Pure, no drawing library.
import type { Link } from '@/shared/host/types';

export const KIND_CLASSES = [
  'physical',
  'pf',
  'vf',
  'loopback',
  'veth',
  'macvlan',
  'macvtap',
  'ipvlan',
  'ipvtap',
  'vlan',
  'vxlan',
  'bridge',
  'bond',
  'dummy',
  'tun',
  'other',
] as const;
export type KindClass = (typeof KIND_CLASSES)[number];

export const KIND_LABELS: Record<KindClass, string> = {
  physical: 'physical NIC',
  pf: 'SR-IOV PF',
  vf: 'SR-IOV VF',
  loopback: 'loopback',
  veth: 'veth',
  macvlan: 'macvlan',
  macvtap: 'macvtap',
  ipvlan: 'ipvlan',
  ipvtap: 'ipvtap',
  vlan: 'vlan',
  vxlan: 'vxlan',
  bridge: 'bridge',
  bond: 'bond',
  dummy: 'dummy',
  tun: 'tun/tap',
  other: 'other',
};

export const KIND_COLORS: Record<KindClass, string> = {
  physical: '#4c9aff',
  pf: '#2f6fd6',
  vf: '#86c5ff',
  loopback: '#6b7280',
  veth: '#f0a040',
  macvlan: '#3fc380',
  macvtap: '#2a8f5e',
  ipvlan: '#b580f5',
  ipvtap: '#8756c4',
  vlan: '#e2d45a',
  vxlan: '#ee6d9b',
  bridge: '#e5574a',
  bond: '#d4895a',
  dummy: '#8b9bb2',
  tun: '#4fd0d0',
  other: '#a3a3a3',
};

const DIRECT = new Set<string>(KIND_CLASSES);

/** The drawing class of a link: its kind, except that a PF is any link with SR-IOV facts. */
export function kindClassOf(link: Pick<Link, 'kind' | 'sriov'>): KindClass {
  if (link.sriov) return 'pf';
  if (DIRECT.has(link.kind) && link.kind !== 'pf' && link.kind !== 'other') return link.kind as KindClass;
  return 'other';
}

/** The tunnel devices the kernel makes in every namespace when a tunnel module loads, by kind and name
 * exactly as it creates them (a user's `sit0` of another kind, or a `sit1`, is not one of them). */
export const FALLBACK_DEVICES: Record<string, string> = {
  sit0: 'sit',
  tunl0: 'ipip',
  gre0: 'gre',
  gretap0: 'gretap',
  erspan0: 'erspan',
  ip6tnl0: 'ip6tnl',
  ip6gre0: 'ip6gre',
  ip_vti0: 'vti',
  ip6_vti0: 'vti6',
  ip6erspan0: 'ip6erspan',
};

export function isFallbackDevice(link: Pick<Link, 'kind' | 'name'>): boolean {
  return Object.hasOwn(FALLBACK_DEVICES, link.name) && FALLBACK_DEVICES[link.name] === link.kind;
}

/** Order of link kinds inside a namespace box: the devices others hang off come first. */
export const KIND_ORDER: Record<KindClass, number> = {
  physical: 0,
  pf: 0,
  vf: 1,
  bond: 2,
  bridge: 3,
  vxlan: 4,
  vlan: 5,
  veth: 6,
  macvlan: 7,
  macvtap: 7,
  ipvlan: 8,
  ipvtap: 8,
  dummy: 9,
  tun: 10,
  other: 11,
  loopback: 12,
};

export const EDGE_TYPES = ['parent', 'peer', 'master', 'vf', 'vfnode'] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

export const EDGE_LABELS: Record<EdgeType, string> = {
  parent: 'child → parent (lower device)',
  peer: 'veth peer',
  master: 'port → bridge/bond',
  vf: 'PF → VF netdev',
  vfnode: 'PF → VF without a netdev',
};

export const EDGE_COLORS: Record<EdgeType, string> = {
  parent: '#9aa5b1',
  peer: '#f0a040',
  master: '#e5574a',
  vf: '#4c9aff',
  vfnode: '#86c5ff',
};

/** operstate as a small set of display states */
export function operClass(operstate: string): 'up' | 'down' | 'unknown' | 'lowerdown' | 'dormant' {
  switch (operstate.toUpperCase()) {
    case 'UP':
      return 'up';
    case 'DOWN':
      return 'down';
    case 'LOWERLAYERDOWN':
      return 'lowerdown';
    case 'DORMANT':
    case 'TESTING':
      return 'dormant';
    default:
      return 'unknown';
  }
}
