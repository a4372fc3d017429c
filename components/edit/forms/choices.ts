// Pure: select options drawn from the snapshot (namespaces, links in one, bridges) and lookups that
// turn a chosen id back into what an edit names, refusing when the object is gone from the host.
import type { Link, Namespace } from '@/shared/host/types';
import { compareLinks, sortedNamespaces } from '../../host/order';
import type { Choice } from '../Field';
import { nsRef } from '../values';
import { familyOf, parentRefusal } from '@/shared/edits/guidance';
import type { FormHost } from './types';

export function nsLabel(ns: Namespace): string {
  return ns.root && !/\bhost\b/.test(ns.label) ? `${ns.label} (host)` : ns.label;
}

export function nsChoices(host: FormHost, opts: { first?: Choice; named?: boolean } = {}): Choice[] {
  const list = sortedNamespaces(host.snapshot.namespaces).map((n) => ({
    value: n.id,
    label: nsLabel(n),
    disabled: n.error ? `unreadable: ${n.error}` : null,
  }));
  return opts.first ? [opts.first, ...list] : list;
}

export function linksIn(host: FormHost, nsId: string, keep: (l: Link) => boolean = () => true): Link[] {
  return [...(host.ix.linksByNs.get(nsId) ?? [])].filter(keep).sort(compareLinks);
}

export function linkChoices(host: FormHost, nsId: string, keep?: (l: Link) => boolean, first?: Choice): Choice[] {
  const list = linksIn(host, nsId, keep).map((l) => ({
    value: l.name,
    label: `${l.name} (${l.kind}${l.up ? '' : ', down'})`,
  }));
  return first ? [first, ...list] : list;
}

/** Why the kernel refuses a `kind` child on this link (guidance.ts), from the snapshot; null when it accepts. */
export function parentProblem(host: FormHost, kind: string, l: Link): string | null {
  const lower = l.parentId ? host.ix.linkById.get(l.parentId) : undefined;
  // macvlan on a macvlan (ipvlan on an ipvlan) is made on the lower device
  const port = lower && familyOf(l.kind) !== null && familyOf(l.kind) === familyOf(kind) ? lower : l;
  const childKinds = host.snapshot.links.filter((c) => c.parentId === port.id).map((c) => c.kind);
  return parentRefusal(kind, { name: port.name, kind: port.kind, linkType: port.linkType, childKinds });
}

/** Parents to offer for a `kind` child: never loopback or a non-Ethernet device; a busy one shown disabled, with why. */
export function parentChoices(host: FormHost, nsId: string, kind: string, first?: Choice): Choice[] {
  const list = linksIn(host, nsId, (l) => l.kind !== 'loopback')
    .map((l) => ({ l, why: parentProblem(host, kind, l) }))
    .filter(({ l, why }) => !why || (l.linkType === 'ether' && familyOf(kind) !== null))
    .map(({ l, why }) => ({ value: l.name, label: `${l.name} (${l.kind}${l.up ? '' : ', down'})`, disabled: why }));
  return first ? [first, ...list] : list;
}

/** the namespace an edit names by this id; throws when it is gone */
export function nsOf(host: FormHost, id: string): Namespace {
  const ns = host.ix.nsById.get(id);
  if (!ns) throw new Error(`namespace ${id} is no longer on the host`);
  return ns;
}

export function refOf(host: FormHost, id: string): string | undefined {
  return nsRef(nsOf(host, id));
}

/** a namespace as a move/create target: always by id, since omitting it would mean "stay" (the host's too) */
export function targetOf(host: FormHost, id: string): string {
  return nsOf(host, id).id;
}

/** the link by id; throws when it is gone */
export function linkOf(host: FormHost, id: string): Link {
  const l = host.ix.linkById.get(id);
  if (!l) throw new Error(`link ${id} is no longer on the host`);
  return l;
}

export function rootNs(host: FormHost): Namespace {
  return host.snapshot.namespaces.find((n) => n.root) ?? host.snapshot.namespaces[0];
}
