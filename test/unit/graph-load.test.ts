import { describe, expect, it } from 'vitest';
import { buildGraph, DEFAULT_VIEW } from '../../components/graph/model';
import { layoutGraph } from '../../components/graph/layout';
import { drip, loadOrder, type ElementDef } from '../../components/graph/load';
import { drawnBounds, fitViewport } from '../../components/graph/fit';
import { NODE_SIZE, NS_PADDING } from '../../components/graph/style';
import { bigHost } from './graph-fixture';

const node = (id: string, parent?: string): ElementDef => ({ data: parent ? { id, parent } : { id } });
const edge = (id: string, source: string, target: string): ElementDef => ({ data: { id, source, target } });
const ids = (xs: ElementDef[]) => xs.map((x) => x.data.id);

/** the checks a cytoscape add would make, one element at a time */
function addableInOrder(order: ElementDef[], drawn: Set<string>): string | null {
  const have = new Set(drawn);
  for (const e of order) {
    const d = e.data;
    if (d.parent && !have.has(d.parent)) return `${d.id} before its parent ${d.parent}`;
    if (d.source && (!have.has(d.source) || !have.has(d.target!))) return `${d.id} before its ends`;
    have.add(d.id!);
  }
  return null;
}

describe('loadOrder', () => {
  it('puts a parent before its children, keeps the model order otherwise, and the edges after the nodes', () => {
    const nodes = [node('a1', 'A'), node('A'), node('b1', 'B'), node('B'), node('a2', 'A')];
    const edges = [edge('e1', 'a1', 'b1'), edge('e0', 'x', 'y'), edge('e2', 'a1', 'a2')];
    const order = loadOrder(nodes, edges, (id) => id === 'x' || id === 'y');
    // a1 waits for A, b1 for B; a2 keeps its place after them
    expect(ids(order)).toEqual(['A', 'a1', 'B', 'b1', 'a2', 'e1', 'e0', 'e2']);
    expect(addableInOrder(order, new Set(['x', 'y']))).toBeNull();
  });

  it('keeps elements it cannot place (parent or end nowhere) at the end rather than dropping them', () => {
    const order = loadOrder([node('c', 'gone'), node('d')], [edge('e', 'd', 'nowhere')], () => false);
    expect(ids(order)).toEqual(['d', 'c', 'e']);
    expect(addableInOrder(order, new Set())).toBe('c before its parent gone');
  });

  it('orders a 200-namespace model so every element can be added as it comes, none lost or doubled', () => {
    const model = buildGraph(bigHost(200), { ...DEFAULT_VIEW, grouping: false });
    const nodes = model.nodes.map((n) => node(n.id, n.parent ?? undefined));
    const edges = model.edges.map((e) => edge(e.id, e.source, e.target));
    const order = loadOrder(nodes, edges, () => false);
    expect(addableInOrder(order, new Set())).toBeNull();
    expect(order.length).toBe(nodes.length + edges.length);
    expect(new Set(ids(order)).size).toBe(order.length);
    // every node before any edge
    expect(order.findIndex((e) => e.data.source)).toBe(nodes.length);
  });
});

describe('drip', () => {
  /** a fake clock that each add advances by `cost` ms, and a task queue run by hand */
  function harness(cost: number) {
    let t = 0;
    const tasks: (() => void)[] = [];
    const added: number[][] = [];
    const slices: number[] = [];
    return {
      added,
      slices,
      tasks,
      opts: {
        add: (g: number[]) => {
          added.push(g);
          t += cost;
        },
        now: () => t,
        later: (f: () => void) => {
          tasks.push(f);
          return () => tasks.splice(tasks.indexOf(f), 1);
        },
        onSlice: (left: number) => slices.push(left),
      },
    };
  }
  const queue = Array.from({ length: 95 }, (_, i) => i);

  it('adds everything in order, in groups, a budget per task, yielding between tasks', () => {
    const h = harness(4);
    const d = drip(queue, { ...h.opts, group: 10, budgetMs: 9 });
    expect(h.added).toEqual([]); // nothing in the caller's task
    let tasks = 0;
    while (h.tasks.length) {
      h.tasks.shift()!();
      tasks++;
    }
    expect(h.added.flat()).toEqual(queue);
    expect(h.added.every((g) => g.length <= 10)).toBe(true);
    // 4 ms a group, 9 ms a task: three groups (12 ms) per task, then a yield
    expect(tasks).toBe(4);
    expect(h.slices).toEqual([65, 35, 5, 0]);
    expect(d.left()).toBe(0);
  });

  it('always makes progress: one group per task even when a group costs more than the budget', () => {
    const h = harness(50);
    drip(queue, { ...h.opts, group: 40, budgetMs: 10 });
    while (h.tasks.length) h.tasks.shift()!();
    expect(h.added.map((g) => g.length)).toEqual([40, 40, 15]);
  });

  it('stops when cancelled, leaving the rest', () => {
    const h = harness(4);
    const d = drip(queue, { ...h.opts, group: 10, budgetMs: 9 });
    h.tasks.shift()!();
    d.cancel();
    expect(h.tasks).toEqual([]);
    expect(h.added.flat().length).toBe(30);
    expect(d.left()).toBe(65);
  });
});

describe('fit of a planned graph', () => {
  const model = buildGraph(bigHost(20));
  const { positions, boxes } = layoutGraph(model);

  it('covers every link node whole, and stays within the layout boxes but for the labels above them', () => {
    const b = drawnBounds(model.nodes, (id) => positions.get(id))!;
    for (const n of model.nodes.filter((x) => x.type === 'link')) {
      const p = positions.get(n.id)!;
      expect(b.x1).toBeLessThanOrEqual(p.x - NODE_SIZE.link.w / 2 - NS_PADDING);
      expect(b.x2).toBeGreaterThanOrEqual(p.x + NODE_SIZE.link.w / 2 + NS_PADDING);
      expect(b.y2).toBeGreaterThanOrEqual(p.y + NODE_SIZE.link.h / 2 + NS_PADDING);
    }
    const xs = [...boxes.values()];
    expect(b.x1).toBeGreaterThanOrEqual(Math.min(...xs.map((x) => x.x)));
    expect(b.x2).toBeLessThanOrEqual(Math.max(...xs.map((x) => x.x + x.w)));
    expect(b.y2).toBeLessThanOrEqual(Math.max(...xs.map((x) => x.y + x.h)));
  });

  it('leaves out nodes without a position and sizes a lone link by the node size', () => {
    const one = model.nodes.find((n) => n.type === 'link')!;
    const b = drawnBounds(model.nodes, (id) => (id === one.id ? { x: 100, y: 200 } : undefined))!;
    expect(b.x1).toBe(100 - NODE_SIZE.link.w / 2 - NS_PADDING);
    expect(b.x2).toBe(100 + NODE_SIZE.link.w / 2 + NS_PADDING);
    expect(b.y2).toBe(200 + NODE_SIZE.link.h / 2 + NS_PADDING);
    expect(drawnBounds(model.nodes, () => undefined)).toBeNull();
  });

  it('centres the bounds with the padding on the tighter side, within the zoom limits', () => {
    const v = fitViewport({ x1: 0, y1: 0, x2: 1000, y2: 200 }, 560, 400, 30, 0.03, 1.25);
    expect(v.zoom).toBeCloseTo(0.5);
    // rendered = graph × zoom + pan: the bounds' centre lands in the view's centre
    expect(500 * v.zoom + v.pan.x).toBeCloseTo(280);
    expect(100 * v.zoom + v.pan.y).toBeCloseTo(200);
    expect(fitViewport({ x1: 0, y1: 0, x2: 10, y2: 10 }, 560, 400, 30, 0.03, 1.25).zoom).toBe(1.25);
    expect(fitViewport({ x1: 0, y1: 0, x2: 1e6, y2: 10 }, 560, 400, 30, 0.03, 1.25).zoom).toBe(0.03);
  });
});
