// Pure: the view options that make an object visible (expand its namespace, lift filters hiding it),
// used when the user jumps to a peer or parent that the current view hides.
import type { HostSnapshot } from '@/shared/host/types';
import { isFallbackDevice, kindClassOf } from './kinds';
import type { ViewOptions } from './model';
import { groupNamespaces } from './groups';

export function revealIn(
  view: ViewOptions,
  snap: HostSnapshot,
  ref: { type: 'namespace' | 'link'; id: string },
): ViewOptions {
  const link = ref.type === 'link' ? snap.links.find((l) => l.id === ref.id) : undefined;
  const nsId = link ? link.nsId : ref.id;
  let next = view;
  if (next.namespaces && !next.namespaces.includes(nsId)) next = { ...next, namespaces: [...next.namespaces, nsId] };
  // the groups it is drawn inside of, when closed (a big host): its namespace's, and for the host's end of
  // a veth, the peer's (grouped as buildGraph groups: the namespaces the filter shows)
  if (next.grouping !== false) {
    const shown = next.namespaces;
    const grouping = groupNamespaces({
      ...snap,
      namespaces: shown ? snap.namespaces.filter((n) => shown.includes(n.id)) : snap.namespaces,
    });
    const peer = link?.peerId ? snap.links.find((l) => l.id === link.peerId) : undefined;
    for (const id of [nsId, peer?.nsId]) {
      const key = id && grouping.groupOf.get(id);
      if (key && !(next.openGroups ?? []).includes(key))
        next = { ...next, openGroups: [...(next.openGroups ?? []), key] };
    }
  }
  if (link) {
    if (next.collapsed.includes(nsId)) next = { ...next, collapsed: next.collapsed.filter((c) => c !== nsId) };
    const kc = kindClassOf(link);
    if ((kc === 'loopback' || isFallbackDevice(link)) && !next.showLoopback) next = { ...next, showLoopback: true };
    if (next.kinds && !next.kinds.includes(kc)) next = { ...next, kinds: [...next.kinds, kc] };
  }
  return next;
}
