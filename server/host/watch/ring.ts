// "Recent changes": the numbered events of one watcher run, the last `size` of them kept so a
// subscriber that reconnects with the id of the last event it saw gets only what it missed.
import type { WatchEvent } from '../../../shared/host/types';

/** One event as the subscription delivers it: `id` is what a client passes back as lastEventId. */
export interface WatchItem {
  id: string;
  seq: number;
  event: WatchEvent;
}

export class EventRing {
  /** new for every run: an id from an earlier run (or another server) never matches */
  readonly epoch = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  private last = 0;
  private items: WatchItem[] = [];

  constructor(private readonly size: number) {}

  /** the number of the newest event (0: none yet) */
  get seq(): number {
    return this.last;
  }

  idOf(seq: number): string {
    return `${this.epoch}-${seq}`;
  }

  /** Numbers the event, keeps it (dropping the oldest beyond `size`) and returns it as delivered. */
  push(event: WatchEvent): WatchItem {
    const item: WatchItem = { id: this.idOf(++this.last), seq: this.last, event };
    this.items.push(item);
    if (this.items.length > this.size) this.items.splice(0, this.items.length - this.size);
    return item;
  }

  /**
   * The events after `lastEventId`, oldest first ([] when it is the newest), or null when they cannot
   * be told: no id, an id of another run, one not yet given, or one older than what is kept. Then
   * the subscriber needs the whole state instead.
   */
  since(lastEventId: string | null): WatchItem[] | null {
    const m = lastEventId ? /^(.+)-(\d+)$/.exec(lastEventId) : null;
    if (!m || m[1] !== this.epoch) return null;
    const seq = Number(m[2]);
    if (seq === this.last) return [];
    const oldest = this.items[0]?.seq ?? this.last + 1;
    if (seq < this.last && seq >= oldest - 1) return this.items.filter((e) => e.seq > seq);
    return null;
  }
}
