// link.add (every kind) / link.del / link.set: their schemas and what they do, for the UI (planners:
// ./link-add.ts, ./link.ts).
import { z } from 'zod';
import { Cidr, familyOfIp, IfName, IpAddr, isMulticast, Mac, Mtu, NsRef } from '../fields';
import type { OpSpec } from './spec';

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
      if (v.macaddrs?.length && v.mode !== 'source')
        ctx.addIssue({ code: 'custom', path: ['macaddrs'], message: 'a MAC list needs mode source' });
      if (v.nopromisc && v.mode !== 'passthru')
        ctx.addIssue({ code: 'custom', path: ['nopromisc'], message: 'nopromisc needs mode passthru' });
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
    id: z
      .number()
      .int('VLAN id must be a whole number')
      .min(1, 'VLAN id must be 1–4094')
      .max(4094, 'VLAN id must be 1–4094'),
    protocol: z.enum(VLAN_PROTOCOLS, 'protocol must be 802.1Q or 802.1ad').optional(),
  })
  .strict();
export const LinkAddVxlan = z
  .object({
    ...linkAddCommon,
    kind: z.literal('vxlan'),
    vni: z
      .number()
      .int('VNI must be a whole number')
      .min(0, 'VNI must be 0–16777215 (< 2^24)')
      .max(16777215, 'VNI must be 0–16777215 (< 2^24)'),
    remote: IpAddr.optional(),
    group: IpAddr.optional(),
    local: IpAddr.optional(),
    /** the underlay device (same namespace as `ns`) */
    dev: IfName.optional(),
    dstport: z.number().int().min(1, 'dstport must be 1–65535').max(65535, 'dstport must be 1–65535').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.remote && v.group)
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'give remote or group, not both' });
    if (v.group && !isMulticast(v.group))
      ctx.addIssue({ code: 'custom', path: ['group'], message: `group ${v.group} is not a multicast address` });
    if (v.remote && isMulticast(v.remote))
      ctx.addIssue({ code: 'custom', path: ['remote'], message: 'remote must be unicast (use group for multicast)' });
    const fams = (['remote', 'group', 'local'] as const).filter((k) => v[k] && familyOfIp(v[k]));
    const first = fams[0];
    for (const k of fams) {
      if (familyOfIp(v[k]!) !== familyOfIp(v[first]!))
        ctx.addIssue({ code: 'custom', path: [k], message: `${k} and ${first} must be the same address family` });
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

export const LINK_KINDS = [
  'macvlan',
  'macvtap',
  'ipvlan',
  'ipvtap',
  'veth',
  'bridge',
  'vlan',
  'vxlan',
  'dummy',
] as const;
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
    if (!changes.some((k) => v[k] !== undefined))
      ctx.addIssue({ code: 'custom', path: ['dev'], message: `nothing to change: give one of ${changes.join(', ')}` });
    if (v.name !== undefined && v.name === v.dev)
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'the new name is the current name' });
  });

export const LINK_ADD: OpSpec<typeof LinkAdd> = {
  schema: LinkAdd,
  info: {
    title: 'Create link',
    description:
      'ip link add … type KIND, optionally straight into another namespace (netns), then addresses and up there.',
    undo: 'ip link del (in the namespace it ended up in)',
    guarded: null,
  },
  nsRefs: (e) => [e.ns, e.netns, e.kind === 'veth' ? e.peer.netns : undefined],
};

export const LINK_DEL: OpSpec<typeof LinkDel> = {
  schema: LinkDel,
  info: {
    title: 'Delete link',
    description: 'ip link del dev NAME',
    undo: 'cannot be undone',
    guarded: "physical NICs, the host default route's link, host links linkscape did not create",
  },
  nsRefs: (e) => [e.ns],
};

export const LINK_SET: OpSpec<typeof LinkSet> = {
  schema: LinkSet,
  info: {
    title: 'Change link',
    description:
      'up/down, mtu, address (MAC), promisc, rename, master/nomaster, move to another namespace (addresses are removed by the kernel on a move; the plan says so).',
    undo: 'each change set back to the value in the snapshot',
    guarded:
      "down/move/enslave of physical NICs or the host default route's link; down/move of host links linkscape did not create",
  },
  nsRefs: (e) => [e.ns, e.netns],
};
