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

export function layoutGraph(model: GraphModel): Layout {
  const positions = new Map<string, Point>();
  const boxes = new Map<string, Box>();
  const byNs = new Map<string, GraphNode[]>();
  const nsNodes: GraphNode[] = [];
  for (const n of model.nodes) {
    if (n.type === 'namespace') nsNodes.push(n);
    else if (n.parent) {
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

  // measure every namespace box, with its links' offsets from the box's top-left corner
  const local = new Map<string, { w: number; h: number; offsets: [string, Point][] }>();
  let area = 0;
  let widest = 0;
  for (const ns of nsNodes) {
    const links = byNs.get(ns.id) ?? [];
    if (!links.length) {
      local.set(ns.id, { w: SOLO_W, h: SOLO_H, offsets: [] });
    } else {
      const rows = wrap(rowsOf(links, upOf), links.length);
      const cols = Math.max(...rows.map((r) => r.length));
      const offsets: [string, Point][] = [];
      rows.forEach((row, y) =>
        row.forEach((n, x) => offsets.push([n.id, { x: PAD + CELL_W * (x + 0.5), y: PAD * 1.6 + CELL_H * (y + 0.5) }])),
      );
      local.set(ns.id, { w: cols * CELL_W + PAD * 2, h: rows.length * CELL_H + PAD * 2.6, offsets });
    }
    const b = local.get(ns.id)!;
    area += (b.w + GAP) * (b.h + GAP);
    widest = Math.max(widest, b.w);
  }

  // shelf packing, in model order (root first)
  const shelfW = Math.max(widest, Math.sqrt(area) * 1.5);
  let x = 0;
  let y = 0;
  let shelfH = 0;
  for (const ns of nsNodes) {
    const b = local.get(ns.id)!;
    if (x > 0 && x + b.w > shelfW) {
      x = 0;
      y += shelfH + GAP;
      shelfH = 0;
    }
    boxes.set(ns.id, { x, y, w: b.w, h: b.h });
    positions.set(ns.id, { x: x + b.w / 2, y: y + b.h / 2 });
    for (const [id, p] of b.offsets) positions.set(id, { x: x + p.x, y: y + p.y });
    x += b.w + GAP;
    shelfH = Math.max(shelfH, b.h);
  }
  return { positions, boxes };
}
