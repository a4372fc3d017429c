// Pure scheduling of a big graph's first drawing: the order its new elements go in, and a loop that
// adds them a small group at a time, a few milliseconds per task, so input (a drag that pans) and the
// drawing of frames get the main thread between slices. Knows no drawing library.

/** what the order needs of an element definition (cytoscape's shape) */
export interface ElementDef {
  data: { id?: string; parent?: string; source?: string; target?: string };
}

/**
 * The new nodes and edges in the order to add them: nodes in the model's order, but a compound parent
 * always before its children; then the edges. Edges go last because cytoscape recomputes an edge's
 * route whenever an end's namespace box grows, and boxes grow until their last link is in (with edges
 * interleaved, a profile of a 200-namespace load spent most of its time re-routing edges). Nothing is
 * dropped: a node whose parent is neither drawn nor new, and an edge with an end that is neither, go
 * at the very end (as cytoscape would get them in one add).
 */
export function loadOrder<T extends ElementDef>(nodes: T[], edges: T[], drawn: (id: string) => boolean): T[] {
  const newIds = new Set(nodes.map((n) => n.data.id!));
  const placed = new Set<string>();
  const ordered: T[] = [];
  const waiting = new Map<string, T[]>();
  const orphans: T[] = [];
  const emit = (n: T) => {
    placed.add(n.data.id!);
    ordered.push(n);
    const kids = waiting.get(n.data.id!);
    if (!kids) return;
    waiting.delete(n.data.id!);
    for (const k of kids) emit(k);
  };
  for (const n of nodes) {
    const parent = n.data.parent;
    if (!parent || drawn(parent) || placed.has(parent)) emit(n);
    else if (newIds.has(parent)) waiting.set(parent, [...(waiting.get(parent) ?? []), n]);
    else orphans.push(n);
  }
  // a parent cycle (should not happen) leaves nodes waiting: they go with the orphans
  for (const kids of waiting.values()) orphans.push(...kids);
  const there = (id: string | undefined) => id !== undefined && (placed.has(id) || drawn(id));
  const routed = edges.filter((e) => there(e.data.source) && there(e.data.target));
  const stray = edges.filter((e) => !(there(e.data.source) && there(e.data.target)));
  return [...ordered, ...routed, ...orphans, ...stray];
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
