// link.add: one `ip link add` (straight into the target namespace when asked), then addresses and up there.
// Names always follow `name`/`link`/`dev` keywords: a bare name like "d" would be read as a keyword
// ("dynamic") by ip's parser.
import { PARENT_KINDS, type LinkAddEdit } from '../../../shared/edits/schema';
import type { OpPlanner, PlanContext } from '../plan';
import { canonicalCidr, type LinkState, type NsState } from '../model';
import { familyOf, parentRefusal } from '../../../shared/edits/guidance';

/** A link this plan creates, as the model will know it (also the lo of a new namespace). */
export function newLink(ns: NsState, name: string, kind: string, extra: Partial<LinkState> = {}): LinkState {
  return {
    ns,
    name,
    kind,
    id: null,
    physical: false,
    up: false,
    promisc: false,
    mtu: null,
    minMtu: null,
    maxMtu: null,
    mac: null,
    mode: null,
    linkType: 'ether', // every kind link.add makes is Ethernet-like
    master: null,
    parent: null,
    peer: null,
    addresses: [],
    created: true,
    ...extra,
  };
}

function checkFree(ctx: PlanContext, ns: NsState, name: string, field: (string | number)[]): void {
  if (ctx.model.link(ns, name)) ctx.fail(field, `an interface named ${name} already exists in namespace ${ns.label}`);
}

/** kind-specific words after `type KIND` */
function typeArgs(e: LinkAddEdit, ctx: PlanContext, ns: NsState, peerNs: NsState | null): string[] {
  switch (e.kind) {
    case 'macvlan':
    case 'macvtap':
      return [
        ...(e.mode ? ['mode', e.mode] : []),
        ...(e.nopromisc ? ['nopromisc'] : []),
        ...(e.macaddrs?.length ? ['macaddr', 'set', ...e.macaddrs] : []),
      ];
    case 'ipvlan':
    case 'ipvtap':
      return [...(e.mode ? ['mode', e.mode] : []), ...(e.flag ? [e.flag] : [])];
    case 'veth':
      return [
        'peer',
        'name',
        e.peer.name,
        ...(e.peer.mac ? ['address', e.peer.mac] : []),
        ...(e.mtu ? ['mtu', String(e.mtu)] : []),
        ...(peerNs && peerNs !== ns ? ['netns', ctx.netns(peerNs)] : []),
      ];
    case 'vlan':
      return ['protocol', e.protocol ?? '802.1Q', 'id', String(e.id)];
    case 'vxlan':
      return [
        'id',
        String(e.vni),
        ...(e.remote ? ['remote', e.remote] : []),
        ...(e.group ? ['group', e.group] : []),
        ...(e.local ? ['local', e.local] : []),
        ...(e.dev ? ['dev', e.dev] : []),
        'dstport',
        String(e.dstport ?? 4789),
      ];
    case 'bridge':
    case 'dummy':
      return [];
  }
}

function addressesAndUp(
  ctx: PlanContext,
  link: LinkState,
  addresses: string[] | undefined,
  up: boolean | undefined,
): void {
  for (const cidr of addresses ?? []) {
    const c = canonicalCidr(cidr);
    if (link.addresses.some((a) => a.cidr === c)) continue;
    ctx.step(
      ctx.ip(link.ns, ['addr', 'add', cidr, 'dev', link.name]),
      ctx.ip(link.ns, ['addr', 'del', cidr, 'dev', link.name]),
      `add address ${cidr} to ${link.name} in ${link.ns.label}`,
    );
    link.addresses.push({ cidr: c, scope: 'global', broadcast: null });
  }
  if (up) {
    ctx.step(
      ctx.ip(link.ns, ['link', 'set', 'dev', link.name, 'up']),
      ctx.ip(link.ns, ['link', 'set', 'dev', link.name, 'down']),
      `bring ${link.name} up in ${link.ns.label}`,
    );
    link.up = true;
  }
}

export const planLinkAdd: OpPlanner<LinkAddEdit> = (e, ctx) => {
  const support = ctx.opts.kinds?.[e.kind];
  if (support && support.supported === false) {
    ctx.fail(
      ['kind'],
      `${e.kind} is not supported by this kernel${ctx.opts.kernel ? ` (${ctx.opts.kernel})` : ''}: ${support.reason ?? 'probe failed'}`,
    );
  }
  const ns = ctx.ns(e.ns, 'ns');
  const target = e.netns !== undefined ? ctx.ns(e.netns, 'netns') : ns;

  let parent: LinkState | null = null;
  if ('parent' in e && PARENT_KINDS.includes(e.kind)) {
    parent = ctx.link(ns, e.parent, 'parent');
    if (e.mtu && parent.mtu && e.mtu > parent.mtu)
      ctx.fail(['mtu'], `MTU ${e.mtu} is above the parent ${parent.name}'s MTU ${parent.mtu}`);
  }
  if (parent) {
    // macvlan on a macvlan (ipvlan on an ipvlan) is made on the lower device: that is whose children count
    const port =
      familyOf(parent.kind) !== null && familyOf(parent.kind) === familyOf(e.kind) && parent.parent
        ? parent.parent
        : parent;
    const refusal = parentRefusal(e.kind, {
      name: port.name,
      kind: port === parent ? parent.kind : port.kind,
      linkType: port.linkType,
      childKinds: ctx.model.childrenOf(port).map((c) => c.kind),
    });
    if (refusal) ctx.warn(`the kernel will refuse this: ${refusal}`);
  }
  if (e.kind === 'vxlan' && e.dev) ctx.link(ns, e.dev, 'dev');
  checkFree(ctx, target, e.name, ['name']);

  let peerNs: NsState | null = null;
  if (e.kind === 'veth') {
    peerNs = e.peer.netns !== undefined ? ctx.ns(e.peer.netns, 'peer.netns') : ns;
    if (peerNs === target && e.peer.name === e.name)
      ctx.fail(['peer', 'name'], 'both ends of a veth pair in one namespace need different names');
    checkFree(ctx, peerNs, e.peer.name, ['peer', 'name']);
  }

  if ((e.kind === 'ipvlan' || e.kind === 'ipvtap') && parent) {
    // mode and flag belong to the parent: a new child with another mode switches its siblings
    const want = `${e.mode ?? 'l3'} ${e.flag ?? 'bridge'}`;
    // the snapshot says "l3 bridge", or just "l3" when iproute2 prints no flag (bridge is the default)
    const norm = (m: string) => (m.includes(' ') ? m : `${m} bridge`);
    const differ = ctx.model
      .childrenOf(parent)
      .filter((c) => (c.kind === 'ipvlan' || c.kind === 'ipvtap') && c.mode && norm(c.mode) !== want);
    if (differ.length) {
      ctx.warn(
        `ipvlan mode is per parent: creating ${e.name} as "${want}" switches ${differ.map((c) => `${c.name} (${c.mode})`).join(', ')} on ${parent.name} to it`,
      );
    }
  }

  const argv = [
    'link',
    'add',
    ...(parent ? ['link', parent.name] : []),
    'name',
    e.name,
    ...(e.mac ? ['address', e.mac] : []),
    ...(e.mtu ? ['mtu', String(e.mtu)] : []),
    ...(target !== ns ? ['netns', ctx.netns(target)] : []),
    'type',
    e.kind,
    ...typeArgs(e, ctx, ns, peerNs),
  ];
  const where = target !== ns ? ` into ${target.label}` : ` in ${ns.label}`;
  const what =
    e.kind === 'veth'
      ? `veth pair ${e.name}${where} ↔ ${e.peer.name} in ${peerNs!.label}`
      : `${e.kind}${'mode' in e && e.mode ? ` ${e.mode}` : ''} ${e.name}${parent ? ` on ${parent.name}` : ''}${where}`;
  ctx.step(ctx.ip(ns, argv), ctx.ip(target, ['link', 'del', 'dev', e.name]), `create ${what}`);

  const ipvlan = e.kind === 'ipvlan' || e.kind === 'ipvtap';
  const mode = ipvlan ? `${e.mode ?? 'l3'} ${e.flag ?? 'bridge'}` : 'mode' in e && e.mode ? e.mode : null;
  const link = newLink(target, e.name, e.kind, { parent, mtu: e.mtu ?? parent?.mtu ?? null, mac: e.mac ?? null, mode });
  ctx.model.links.push(link);
  if (e.kind === 'veth') {
    const peer = newLink(peerNs!, e.peer.name, 'veth', { peer: link, mtu: e.mtu ?? null, mac: e.peer.mac ?? null });
    link.peer = peer;
    ctx.model.links.push(peer);
  }
  addressesAndUp(ctx, link, e.addresses, e.up);
  if (e.kind === 'veth') addressesAndUp(ctx, link.peer!, e.peer.addresses, e.peer.up);
};
