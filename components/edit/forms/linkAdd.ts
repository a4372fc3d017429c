// Pure: the "create link" form's values → one link.add edit, every kind. What the user left empty is
// left out; what they typed goes as typed, for the server's validation to judge.
import type { Edit, LinkKind } from '@/shared/edits/schema';
import { PARENT_KINDS } from '@/shared/edits/schema';
import { list, num, opt } from '../values';
import { refOf, targetOf } from './choices';
import type { FormHost } from './types';

export interface LinkAddValues {
  kind: LinkKind;
  /** where the command runs: the parent's / underlay's namespace, or this end's (veth), or the link's */
  ns: string;
  parent: string;
  /** '' = the same namespace as ns */
  netns: string;
  name: string;
  mtu: string;
  mac: string;
  addresses: string;
  up: boolean;
  macvlanMode: string;
  macaddrs: string;
  nopromisc: boolean;
  ipvlanMode: string;
  flag: string;
  vlanId: string;
  protocol: string;
  vni: string;
  remote: string;
  group: string;
  local: string;
  dev: string;
  dstport: string;
  peerName: string;
  peerNetns: string;
  peerAddresses: string;
  peerUp: boolean;
}

export function initialLinkAdd(p: Partial<LinkAddValues> & { ns: string }): LinkAddValues {
  return {
    kind: 'veth',
    parent: '',
    netns: '',
    name: '',
    mtu: '',
    mac: '',
    addresses: '',
    up: true,
    macvlanMode: 'bridge',
    macaddrs: '',
    nopromisc: false,
    ipvlanMode: 'l3',
    flag: '',
    vlanId: '',
    protocol: '802.1Q',
    vni: '',
    remote: '',
    group: '',
    local: '',
    dev: '',
    dstport: '4789',
    peerName: '',
    peerNetns: '',
    peerAddresses: '',
    peerUp: true,
    ...p,
  };
}

export const hasParent = (k: LinkKind) => PARENT_KINDS.includes(k);
/** kinds that can be made in one namespace and land in another (netns on ip link add) */
export const canTarget = (k: LinkKind) => hasParent(k) || k === 'vxlan';

// Numbers the user typed that are not numbers go through as strings; the server names the field.
const n = (s: string) => num(s) as number | undefined;

export function linkAddEdit(v: LinkAddValues, host: FormHost): Edit {
  const common = {
    op: 'link.add' as const,
    ns: refOf(host, v.ns),
    name: v.name.trim(),
    ...(canTarget(v.kind) && v.netns && v.netns !== v.ns ? { netns: targetOf(host, v.netns) } : {}),
    mtu: n(v.mtu),
    mac: opt(v.mac),
    addresses: list(v.addresses),
    up: v.up || undefined,
  };
  const e = ((): Edit => {
    switch (v.kind) {
      case 'macvlan':
      case 'macvtap':
        return {
          ...common,
          kind: v.kind,
          parent: v.parent,
          mode: opt(v.macvlanMode) as 'bridge' | undefined,
          macaddrs: v.macvlanMode === 'source' ? list(v.macaddrs) : undefined,
          nopromisc: v.macvlanMode === 'passthru' && v.nopromisc ? true : undefined,
        };
      case 'ipvlan':
      case 'ipvtap':
        return {
          ...common,
          kind: v.kind,
          parent: v.parent,
          mode: opt(v.ipvlanMode) as 'l3' | undefined,
          flag: opt(v.flag) as 'bridge' | undefined,
        };
      case 'vlan':
        return {
          ...common,
          kind: 'vlan',
          parent: v.parent,
          id: n(v.vlanId) as number,
          protocol: opt(v.protocol) as '802.1Q' | undefined,
        };
      case 'vxlan':
        return {
          ...common,
          kind: 'vxlan',
          vni: n(v.vni) as number,
          remote: opt(v.remote),
          group: opt(v.group),
          local: opt(v.local),
          dev: opt(v.dev),
          dstport: n(v.dstport),
        };
      case 'veth':
        return {
          ...common,
          kind: 'veth',
          peer: {
            name: v.peerName.trim(),
            ...(v.peerNetns && v.peerNetns !== v.ns ? { netns: targetOf(host, v.peerNetns) } : {}),
            addresses: list(v.peerAddresses),
            up: v.peerUp || undefined,
          },
        };
      case 'bridge':
      case 'dummy':
        return { ...common, kind: v.kind };
    }
  })();
  return dropUndefined(e);
}

/** JSON drops undefined anyway; dropping it here keeps previews and tests exact */
function dropUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) {
    if (val === undefined) continue;
    out[k] = val !== null && typeof val === 'object' && !Array.isArray(val) ? dropUndefined(val as object) : val;
  }
  return out as T;
}
