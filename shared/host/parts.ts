// Pure: a big snapshot on the wire. host.watch and fleet.watch send a snapshot of more than PART_ITEMS
// namespaces, links and routes as parts: `snapshot-part` events of at most PART_ITEMS items each, then
// the `snapshot` event with the rest of it (hostname, hidden, warnings, …) and `parts`, the count sent
// before it. The server yields to other requests between parts, so encoding 10 MB of JSON never holds
// it for longer than one part takes (a few ms); the client joins them (SnapshotJoiner) and sees one
// snapshot as before. Every part carries a tracked id of its own (`<snapshot id>.p<k>`), which no ring
// knows: a client that drops mid-snapshot resumes with a fresh one. The page imports this file.
import type { HostSnapshot, Link, Namespace, Route, WatchEvent } from './types';

/** namespaces, links and routes per part (about 150 KB of JSON) */
export const PART_ITEMS = 400;

export interface SnapshotPartEvent {
  type: 'snapshot-part';
  /** the id of the snapshot event it belongs to, and its place among that snapshot's parts */
  of: string;
  index: number;
  namespaces: Namespace[];
  links: Link[];
  routes: Route[];
}

/** the snapshot event, as sent after its parts: `parts` of them came first, under `of` */
export type WireSnapshotEvent = Extract<WatchEvent, { type: 'snapshot' }> & { parts?: number; of?: string };

/** what host.watch and fleet.watch send */
export type WireEvent = Exclude<WatchEvent, { type: 'snapshot' }> | WireSnapshotEvent | SnapshotPartEvent;

/** A snapshot event as wire events with their ids: itself when small, else its parts and then the rest. */
export function* splitSnapshot(
  id: string,
  snapshot: HostSnapshot,
  perPart = PART_ITEMS,
): Generator<{ id: string; event: WireEvent }> {
  const total = snapshot.namespaces.length + snapshot.links.length + snapshot.routes.length;
  if (total <= perPart) {
    yield { id, event: { type: 'snapshot', snapshot } };
    return;
  }
  const lists = ['namespaces', 'links', 'routes'] as const;
  let index = 0;
  let part: SnapshotPartEvent = { type: 'snapshot-part', of: id, index, namespaces: [], links: [], routes: [] };
  let size = 0;
  for (const key of lists) {
    const list = snapshot[key] as unknown[];
    for (let at = 0; at < list.length;) {
      const take = Math.min(perPart - size, list.length - at);
      (part[key] as unknown[]).push(...list.slice(at, at + take));
      at += take;
      size += take;
      if (size === perPart) {
        yield { id: `${id}.p${index}`, event: part };
        index++;
        part = { type: 'snapshot-part', of: id, index, namespaces: [], links: [], routes: [] };
        size = 0;
      }
    }
  }
  if (size) {
    yield { id: `${id}.p${index}`, event: part };
    index++;
  }
  yield {
    id,
    event: { type: 'snapshot', snapshot: { ...snapshot, namespaces: [], links: [], routes: [] }, parts: index, of: id },
  };
}

/**
 * The client's side: give it every event as it arrives; it answers the events to act on — a snapshot
 * whole again once its last part came, anything else as it is — and null while parts are still coming.
 * A snapshot whose parts did not all arrive, in order, throws (the feed is broken: reconnect).
 */
export class SnapshotJoiner {
  private of: string | null = null;
  private parts: SnapshotPartEvent[] = [];

  take(e: WireEvent): WatchEvent | null {
    if (e.type === 'snapshot-part') {
      if (e.of !== this.of) {
        this.of = e.of;
        this.parts = [];
      }
      if (e.index !== this.parts.length) throw new Error(`snapshot ${e.of}: part ${e.index} came out of order`);
      this.parts.push(e);
      return null;
    }
    if (e.type !== 'snapshot' || !e.parts)
      return e.type === 'snapshot' ? { type: 'snapshot', snapshot: e.snapshot } : e;
    const parts = e.of === this.of ? this.parts : [];
    this.of = null;
    this.parts = [];
    if (parts.length !== e.parts) throw new Error(`snapshot ${e.of}: ${parts.length} of its ${e.parts} parts came`);
    const ns: Namespace[] = [];
    const links: Link[] = [];
    const routes: Route[] = [];
    for (const p of [...parts, e.snapshot]) {
      for (const n of p.namespaces) ns.push(n);
      for (const l of p.links) links.push(l);
      for (const r of p.routes) routes.push(r);
    }
    return { type: 'snapshot', snapshot: { ...e.snapshot, namespaces: ns, links, routes } };
  }
}
