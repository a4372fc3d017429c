// Pure: one action on many links → the edits of one draft item (one plan for all of them).
import type { Edit } from '@/shared/edits/schema';
import type { Link } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { nsRef } from './values';

export type MultiAction = { type: 'delete' } | { type: 'up' } | { type: 'down' } | { type: 'move'; nsId: string };

/** links that go when `l` is deleted: its veth peer and its children, down the tree */
function goesWith(l: Link, ix: HostLookup, all: Link[]): Set<string> {
  const out = new Set<string>();
  const visit = (x: Link) => {
    if (out.has(x.id)) return;
    out.add(x.id);
    if (x.peerId && ix.linkById.get(x.peerId)) visit(ix.linkById.get(x.peerId)!);
    for (const c of all) if (c.parentId === x.id) visit(c);
  };
  visit(l);
  return out;
}

export function multiEdits(
  links: Link[],
  action: MultiAction,
  ix: HostLookup,
  all: Link[],
): { title: string; edits: Edit[] } {
  const ref = (l: Link) => nsRef(ix.nsById.get(l.nsId));
  const at = (l: Link) => (ref(l) === undefined ? {} : { ns: ref(l) });
  const names = links.map((l) => l.name).join(', ');
  switch (action.type) {
    case 'delete': {
      // a link that goes anyway with another selected one (its veth peer, a child of a deleted parent) is not deleted twice
      const kept: Link[] = [];
      for (const l of links) {
        if (l.kind === 'loopback') continue;
        if (kept.some((k) => goesWith(k, ix, all).has(l.id))) continue;
        for (let i = kept.length - 1; i >= 0; i--) if (goesWith(l, ix, all).has(kept[i].id)) kept.splice(i, 1);
        kept.push(l);
      }
      return { title: `delete ${names}`, edits: kept.map((l): Edit => ({ op: 'link.del', ...at(l), dev: l.name })) };
    }
    case 'up':
    case 'down':
      return {
        title: `${action.type === 'up' ? 'bring up' : 'take down'} ${names}`,
        edits: links.map((l): Edit => ({ op: 'link.set', ...at(l), dev: l.name, up: action.type === 'up' })),
      };
    case 'move': {
      const to = ix.nsById.get(action.nsId);
      const moving = links.filter((l) => l.nsId !== action.nsId && l.kind !== 'loopback');
      return {
        title: `move ${moving.map((l) => l.name).join(', ')} to ${to?.label ?? action.nsId}`,
        edits: moving.map((l): Edit => ({ op: 'link.set', ...at(l), dev: l.name, netns: action.nsId })),
      };
    }
  }
}
