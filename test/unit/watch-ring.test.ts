// The watcher's "recent changes" ring: numbering, what it keeps, and what a resuming subscriber gets.
import { describe, expect, it } from 'vitest';
import { EventRing } from '../../server/host/watch/ring';
import type { WatchEvent } from '../../shared/host/types';

/** a distinguishable event (the ring never looks inside) */
const ev = (n: number) => ({ type: 'progress', progress: { done: n, total: 100 } }) as WatchEvent;
const dones = (items: { event: WatchEvent }[] | null) =>
  items?.map((i) => (i.event.type === 'progress' ? i.event.progress.done : -1)) ?? null;

describe('EventRing', () => {
  it('numbers events from 1, with ids of its epoch that end in the number', () => {
    const r = new EventRing(10);
    expect(r.seq).toBe(0);
    const a = r.push(ev(1));
    const b = r.push(ev(2));
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(a.id).toBe(`${r.epoch}-1`);
    expect(b.id).toBe(r.idOf(2));
    expect(b.event).toEqual(ev(2));
    expect(r.seq).toBe(2);
  });

  it('since an id of its own: the events after it, oldest first; none when it is the newest', () => {
    const r = new EventRing(10);
    for (let i = 1; i <= 5; i++) r.push(ev(i));
    expect(dones(r.since(r.idOf(2)))).toEqual([3, 4, 5]);
    expect(dones(r.since(r.idOf(0)))).toEqual([1, 2, 3, 4, 5]);
    expect(r.since(r.idOf(5))).toEqual([]);
  });

  it('keeps only the last `size` events: an id older than the oldest kept one cannot be resumed', () => {
    const r = new EventRing(3);
    for (let i = 1; i <= 6; i++) r.push(ev(i));
    // events 4..6 kept: resuming after 3 needs exactly those, after 2 would need 3 (dropped)
    expect(dones(r.since(r.idOf(3)))).toEqual([4, 5, 6]);
    expect(r.since(r.idOf(2))).toBeNull();
    expect(r.since(r.idOf(0))).toBeNull();
  });

  it('cannot resume from no id, another epoch, a number not given yet, or a malformed id', () => {
    const r = new EventRing(10);
    r.push(ev(1));
    const other = new EventRing(10);
    other.push(ev(1));
    expect(other.epoch).not.toBe(r.epoch);
    expect(r.since(null)).toBeNull();
    expect(r.since(other.idOf(0))).toBeNull();
    expect(r.since(r.idOf(7))).toBeNull();
    expect(r.since('progress')).toBeNull();
    expect(r.since(`${r.epoch}-x`)).toBeNull();
  });

  it('an empty ring resumes only its own id 0 (no events missed)', () => {
    const r = new EventRing(10);
    expect(r.since(r.idOf(0))).toEqual([]);
    expect(r.since(r.idOf(1))).toBeNull();
  });
});
