// Pure, deterministic layout for any number of namespaces: each namespace is a box of link rows
// (a link below the device it hangs off), boxes packed in shelves, root namespace first.
// O(nodes + edges); the drawing side uses it as a 'preset' layout.
import type { GraphModel, GraphNode } from './model';

export const CELL_W = 150;
export const CELL_H = 78;
/** room around a box's links, and between boxes */
const PAD = 28;
const GAP = 56;
/** a collapsed namespace or an empty one */
const SOLO_W = 180;
const SOLO_H = 70;
/** a closed group of namespaces (one summary node), and the room around an open one's namespaces */
const GROUP_W = 300;
const GROUP_H = 96;
const GROUP_PAD = 36;

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  /** centre of every link node and of every namespace node (a compound one's box centre) */
  positions: Map<string, Point>;
  boxes: Map<string, Box>;
}

/** Rows of one namespace's link nodes: roots first, each child in the row below its parent or master. */
export function rowsOf(links: GraphNode[], upOf: Map<string, string>): GraphNode[][] {
  const ids = new Set(links.map((n) => n.id));
  const children = new Map<string, GraphNode[]>();
  const roots: GraphNode[] = [];
  for (const n of links) {
    const up = upOf.get(n.id);
    if (up && ids.has(up) && up !== n.id) {
      const list = children.get(up) ?? [];
      list.push(n);
      children.set(up, list);
    } else roots.push(n);
  }
  const rows: GraphNode[][] = [];
  const placed = new Set<string>();
  let level = roots;
  while (level.length) {
    const row = level.filter((n) => !placed.has(n.id));
    row.forEach((n) => placed.add(n.id));
    if (row.length) rows.push(row);
    level = row.flatMap((n) => children.get(n.id) ?? []);
  }
  // a cycle (should not happen) leaves nodes unplaced: give them a last row
  const rest = links.filter((n) => !placed.has(n.id));
  if (rest.length) rows.push(rest);
  return rows;
}

/** wrap long rows so a namespace with hundreds of links stays roughly square */
function wrap(rows: GraphNode[][], total: number): GraphNode[][] {
  const cols = Math.max(4, Math.ceil(Math.sqrt(total * 2)));
  return rows.flatMap((r) => {
    const out: GraphNode[][] = [];
    for (let i = 0; i < r.length; i += cols) out.push(r.slice(i, i + cols));
    return out;
  });
}

/** a box measured on its own: its size, and where what is inside it goes, from its top-left corner */
interface Local {
  w: number;
  h: number;
  /** inner nodes' centres */
  offsets: [string, Point][];
  /** inner boxes (a group's namespaces) */
  inner: [string, Box][];
}

/** shelf packing, in the given order: each item's top-left corner, and the extent of them all */
function shelves(items: [string, Local][]): { w: number; h: number; at: Map<string, Point> } {
  let area = 0;
  let widest = 0;
  for (const [, b] of items) {
    area += (b.w + GAP) * (b.h + GAP);
    widest = Math.max(widest, b.w);
  }
  const shelfW = Math.max(widest, Math.sqrt(area) * 1.5);
  const at = new Map<string, Point>();
  let x = 0;
  let y = 0;
  let shelfH = 0;
  let right = 0;
  for (const [id, b] of items) {
    if (x > 0 && x + b.w > shelfW) {
      x = 0;
      y += shelfH + GAP;
      shelfH = 0;
    }
    at.set(id, { x, y });
    right = Math.max(right, x + b.w);
    x += b.w + GAP;
    shelfH = Math.max(shelfH, b.h);
  }
  return { w: right, h: y + shelfH, at };
}

export function layoutGraph(model: GraphModel): Layout {
  const positions = new Map<string, Point>();
  const boxes = new Map<string, Box>();
  const byNs = new Map<string, GraphNode[]>();
  const membersOf = new Map<string, GraphNode[]>();
  const top: GraphNode[] = [];
  for (const n of model.nodes) {
    if (n.type === 'namespace' || n.type === 'group') {
      if (n.parent) {
        const list = membersOf.get(n.parent) ?? [];
        list.push(n);
        membersOf.set(n.parent, list);
      } else top.push(n);
    } else if (n.parent) {
      const list = byNs.get(n.parent) ?? [];
      list.push(n);
      byNs.set(n.parent, list);
    }
  }
  // the device a link hangs off, inside its own namespace: its parent, else its master
  const upOf = new Map<string, string>();
  for (const e of model.edges) {
    if (e.type === 'parent' && !upOf.has(e.source)) upOf.set(e.source, e.target);
  }
  for (const e of model.edges) {
    if (e.type === 'master' && !upOf.has(e.source)) upOf.set(e.source, e.target);
    if ((e.type === 'vf' || e.type === 'vfnode') && !upOf.has(e.target)) upOf.set(e.target, e.source);
  }

  // a namespace box, with its links' offsets from the box's top-left corner
  const measureNs = (ns: GraphNode): Local => {
    const links = byNs.get(ns.id) ?? [];
    if (!links.length) return { w: SOLO_W, h: SOLO_H, offsets: [], inner: [] };
    const rows = wrap(rowsOf(links, upOf), links.length);
    const cols = Math.max(...rows.map((r) => r.length));
    const offsets: [string, Point][] = [];
    rows.forEach((row, y) =>
      row.forEach((n, x) => offsets.push([n.id, { x: PAD + CELL_W * (x + 0.5), y: PAD * 1.6 + CELL_H * (y + 0.5) }])),
    );
    return { w: cols * CELL_W + PAD * 2, h: rows.length * CELL_H + PAD * 2.6, offsets, inner: [] };
  };
  // a group: one summary node when closed; open, its namespaces packed inside it
  const measureGroup = (g: GraphNode): Local => {
    const members = membersOf.get(g.id) ?? [];
    if (!members.length) return { w: GROUP_W, h: GROUP_H, offsets: [], inner: [] };
    const measured: [string, Local][] = members.map((m) => [m.id, measureNs(m)]);
    const packed = shelves(measured);
    const offsets: [string, Point][] = [];
    const inner: [string, Box][] = [];
    for (const [id, b] of measured) {
      const at = packed.at.get(id)!;
      const x = GROUP_PAD + at.x;
      const y = GROUP_PAD * 1.6 + at.y;
      inner.push([id, { x, y, w: b.w, h: b.h }]);
      offsets.push([id, { x: x + b.w / 2, y: y + b.h / 2 }]);
      for (const [lid, p] of b.offsets) offsets.push([lid, { x: x + p.x, y: y + p.y }]);
    }
    return { w: packed.w + GROUP_PAD * 2, h: packed.h + GROUP_PAD * 2.6, offsets, inner };
  };

  // shelf packing of the top level, in model order (root first)
  const measured: [string, Local][] = top.map((n) => [n.id, n.type === 'group' ? measureGroup(n) : measureNs(n)]);
  const packed = shelves(measured);
  for (const [id, b] of measured) {
    const { x, y } = packed.at.get(id)!;
    boxes.set(id, { x, y, w: b.w, h: b.h });
    positions.set(id, { x: x + b.w / 2, y: y + b.h / 2 });
    for (const [iid, p] of b.offsets) positions.set(iid, { x: x + p.x, y: y + p.y });
    for (const [iid, ib] of b.inner) boxes.set(iid, { ...ib, x: x + ib.x, y: y + ib.y });
  }
  return { positions, boxes };
}
