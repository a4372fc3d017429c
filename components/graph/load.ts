// Pure scheduling of a big graph's first drawing: the order its new elements go in, and a loop that
// adds them a small group at a time, a few milliseconds per task, so input (a drag that pans) and the
// drawing of frames get the main thread between slices. Knows no drawing library.

/** what the order needs of an element definition (cytoscape's shape) */
export interface ElementDef {
  data: { id?: string; parent?: string; source?: string; target?: string };
}

/**
 * The new nodes and edges in the order to add them: nodes in the model's order, but a compound parent
 * always before its children; each edge right after the later of its two ends (an edge whose ends are
 * both drawn already comes first), so what is on screen is connected as it grows and no slice is all
 * edges. Nothing is dropped: a node whose parent is neither drawn nor new, and an edge with an end that
 * is neither, go last (as cytoscape would get them in one add).
 */
export function loadOrder<T extends ElementDef>(nodes: T[], edges: T[], drawn: (id: string) => boolean): T[] {
  const newIds = new Set(nodes.map((n) => n.data.id!));
  const at = new Map<string, number>();
  const ordered: T[] = [];
  const waiting = new Map<string, T[]>();
  const orphans: T[] = [];
  const emit = (n: T) => {
    at.set(n.data.id!, ordered.length);
    ordered.push(n);
    const kids = waiting.get(n.data.id!);
    if (!kids) return;
    waiting.delete(n.data.id!);
    for (const k of kids) emit(k);
  };
  for (const n of nodes) {
    const parent = n.data.parent;
    if (!parent || drawn(parent) || at.has(parent)) emit(n);
    else if (newIds.has(parent)) waiting.set(parent, [...(waiting.get(parent) ?? []), n]);
    else orphans.push(n);
  }
  // a parent cycle (should not happen) leaves nodes waiting: they go with the orphans
  for (const kids of waiting.values()) orphans.push(...kids);

  const first: T[] = [];
  const after = new Map<number, T[]>();
  const stray: T[] = [];
  const indexOf = (id: string | undefined) => (id === undefined ? undefined : at.has(id) ? at.get(id)! : drawn(id) ? -1 : undefined);
  for (const e of edges) {
    const a = indexOf(e.data.source);
    const b = indexOf(e.data.target);
    if (a === undefined || b === undefined) stray.push(e);
    else if (Math.max(a, b) < 0) first.push(e);
    else {
      const k = Math.max(a, b);
      after.set(k, [...(after.get(k) ?? []), e]);
    }
  }
  const out: T[] = [...first];
  ordered.forEach((n, i) => {
    out.push(n);
    const es = after.get(i);
    if (es) out.push(...es);
  });
  out.push(...orphans, ...stray);
  return out;
}

export interface DripOptions<T> {
  /** adds one group to the drawing (in one batch) */
  add: (group: T[]) => void;
  /** elements per group: the unit of work between two looks at the clock */
  group: number;
  /** time one task may spend adding groups before it yields */
  budgetMs: number;
  now: () => number;
  /** runs f in a later task; returns a cancel */
  later: (f: () => void) => () => void;
  /** after each task: how many elements are still waiting */
  onSlice?: (left: number) => void;
}

export interface Drip {
  /** elements not added yet */
  left: () => number;
  cancel: () => void;
}

/** Adds `queue` in order: groups while a task's budget lasts (at least one group per task), then yields. */
export function drip<T>(queue: readonly T[], o: DripOptions<T>): Drip {
  let next = 0;
  let cancelLater: (() => void) | null = null;
  let cancelled = false;
  const task = () => {
    cancelLater = null;
    if (cancelled) return;
    const start = o.now();
    do {
      o.add(queue.slice(next, next + o.group));
      next = Math.min(queue.length, next + o.group);
    } while (next < queue.length && o.now() - start < o.budgetMs);
    o.onSlice?.(queue.length - next);
    if (next < queue.length) cancelLater = o.later(task);
  };
  if (queue.length) cancelLater = o.later(task);
  return {
    left: () => queue.length - next,
    cancel: () => {
      cancelled = true;
      cancelLater?.();
      cancelLater = null;
    },
  };
}
