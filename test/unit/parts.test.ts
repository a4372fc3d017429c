// A big snapshot on the wire (shared/host/parts.ts): split into parts and joined again it is the same
// snapshot; a small one goes whole; parts lost or out of order are refused, not joined into a wrong host.
import { describe, expect, it } from 'vitest';
import { SnapshotJoiner, splitSnapshot, type WireEvent } from '../../shared/host/parts';
import type { HostSnapshot, Link, Namespace, Route } from '../../shared/host/types';

function host(n: number): HostSnapshot {
  const namespaces = Array.from({ length: n }, (_, i) => ({ id: `ns${i}`, label: `n${i}` }) as unknown as Namespace);
  const links = namespaces.flatMap((ns, i) => [0, 1, 2].map((k) => ({ id: `ns${i}/${k}`, nsId: ns.id }) as Link));
  const routes = namespaces.map((ns) => ({ nsId: ns.id, dst: '10.0.0.0/24' }) as Route);
  return { takenAt: 't', hostname: 'h', root: true, hidden: ['x'], namespaces, links, routes, warnings: [] };
}

const wire = (s: HostSnapshot, per: number) => [...splitSnapshot('ep-4', s, per)];

describe('snapshot parts', () => {
  it('a big snapshot goes in parts of at most the size asked, and joins to the same snapshot', () => {
    const s = host(50); // 250 items
    const sent = wire(s, 40);
    const parts = sent.filter((x) => x.event.type === 'snapshot-part');
    expect(parts.length).toBe(7);
    expect(parts.map((p) => p.id)).toEqual(parts.map((_, k) => `ep-4.p${k}`));
    for (const p of parts) {
      const e = p.event as Extract<WireEvent, { type: 'snapshot-part' }>;
      expect(e.namespaces.length + e.links.length + e.routes.length).toBeLessThanOrEqual(40);
    }
    expect(sent.at(-1)!.id).toBe('ep-4');
    const j = new SnapshotJoiner();
    const got = sent.map((x) => j.take(x.event));
    expect(got.slice(0, -1).every((x) => x === null)).toBe(true);
    expect(got.at(-1)).toEqual({ type: 'snapshot', snapshot: s });
  });

  it('a small snapshot goes whole, and other events pass through', () => {
    const s = host(3);
    expect(wire(s, 40)).toEqual([{ id: 'ep-4', event: { type: 'snapshot', snapshot: s } }]);
    const j = new SnapshotJoiner();
    const p = { type: 'progress', progress: { done: 1, total: 2 } } as WireEvent;
    expect(j.take(p)).toBe(p);
  });

  it('refuses a snapshot whose parts did not all come, or came out of order', () => {
    const sent = wire(host(50), 40);
    const lost = new SnapshotJoiner();
    expect(() => sent.filter((_, k) => k !== 2).forEach((x) => lost.take(x.event))).toThrow(/out of order/);
    const cut = new SnapshotJoiner();
    cut.take(sent[0].event);
    expect(() => cut.take(sent.at(-1)!.event)).toThrow(/1 of its 7 parts came/);
    // a new snapshot's parts start over: the stale ones of a cut-off send are dropped
    const again = new SnapshotJoiner();
    again.take(sent[0].event);
    const other = [...splitSnapshot('ep-9', host(50), 40)];
    const got = other.map((x) => again.take(x.event));
    expect(got.at(-1)).toEqual({ type: 'snapshot', snapshot: host(50) });
  });
});
