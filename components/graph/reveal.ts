// Pure: the view options that make an object visible (expand its namespace, lift filters hiding it),
// used when the user jumps to a peer or parent that the current view hides.
import type { HostSnapshot } from '@/shared/host/types';
import { isFallbackDevice, kindClassOf } from './kinds';
import type { ViewOptions } from './model';

export function revealIn(
  view: ViewOptions,
  snap: HostSnapshot,
  ref: { type: 'namespace' | 'link'; id: string },
): ViewOptions {
  const link = ref.type === 'link' ? snap.links.find((l) => l.id === ref.id) : undefined;
  const nsId = link ? link.nsId : ref.id;
  let next = view;
  if (next.namespaces && !next.namespaces.includes(nsId)) next = { ...next, namespaces: [...next.namespaces, nsId] };
  if (link) {
    if (next.collapsed.includes(nsId)) next = { ...next, collapsed: next.collapsed.filter((c) => c !== nsId) };
    const kc = kindClassOf(link);
    if ((kc === 'loopback' || isFallbackDevice(link)) && !next.showLoopback) next = { ...next, showLoopback: true };
    if (next.kinds && !next.kinds.includes(kc)) next = { ...next, kinds: [...next.kinds, kc] };
  }
  return next;
}
