// host.watch and fleet.watch: a watch event as the subscription yields it. A big snapshot goes in parts
// (shared/host/parts.ts), with a turn of the event loop between them, so that other requests are
// answered while it is encoded and sent. LINKSCAPE_PART_ITEMS sets the part size (the tests make it small).
import 'server-only';
import { tracked } from '@trpc/server';
import { PART_ITEMS, splitSnapshot, type WireEvent } from '../../shared/host/parts';
import type { WatchEvent } from '../../shared/host/types';

/** items per part: PART_ITEMS, or LINKSCAPE_PART_ITEMS (the tests make it small) */
export const partItems = (): number => {
  const n = Number.parseInt(process.env.LINKSCAPE_PART_ITEMS ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : PART_ITEMS;
};

/** let the event loop run other requests' I/O before going on */
export const turn = () => new Promise<void>((r) => setImmediate(r));

export async function* onWire(id: string, event: WatchEvent) {
  if (event.type !== 'snapshot') {
    yield tracked(id, event as WireEvent);
    return;
  }
  let first = true;
  for (const p of splitSnapshot(id, event.snapshot, partItems())) {
    if (!first) await turn();
    first = false;
    yield tracked(p.id, p.event);
  }
}
