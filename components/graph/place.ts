// Pure: where to put nodes that appear in a graph already on screen. Nodes that exist keep their
// place; a new link goes beside the device it hangs off or at the bottom of its namespace's box; a new
// namespace goes below everything, laid out like the full layout would. Nothing jumps.
import type { GraphModel, GraphNode } from './model';
import { CELL_H, CELL_W, type Layout, type Point } from './layout';

const key = (c: number, r: number) => `${c},${r}`;
const cellOf = (p: Point) => [Math.round(p.x / CELL_W), Math.round(p.y / CELL_H)] as const;

interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function grow(b: Bounds | undefined, p: Point): Bounds {
  return b
    ? { x1: Math.min(b.x1, p.x), y1: Math.min(b.y1, p.y), x2: Math.max(b.x2, p.x), y2: Math.max(b.y2, p.y) }
    : { x1: p.x, y1: p.y, x2: p.x, y2: p.y };
}

/**
 * Positions for the model's nodes that `known` lacks (links, and namespaces drawn as one node).
 * `fresh` is the full layout of the same model, used for the shape of new namespaces.
 */
export function placeNew(model: GraphModel, known: ReadonlyMap<string, Point>, fresh: Layout): Map<string, Point> {
  const out = new Map<string, Point>();
  const compound = new Set(model.nodes.map((n) => n.parent));
  const drawn = model.nodes.filter((n) => n.type === 'link' || !compound.has(n.id));
  // the namespace (or group) box a drawn node belongs to
  const boxOf = (n: GraphNode) => (n.type === 'link' || n.type === 'vf' ? n.parent! : n.id);
  const missing = drawn.filter((n) => !known.has(n.id));
  if (!missing.length) return out;
  if (!drawn.some((n) => known.has(n.id))) {
    for (const n of missing) out.set(n.id, fresh.positions.get(n.id) ?? { x: 0, y: 0 });
    return out;
  }

  const pos = (id: string) => out.get(id) ?? known.get(id);
  // cells taken by a node, and cells inside another namespace's box
  const taken = new Set<string>();
  const owner = new Map<string, string>();
  const bounds = new Map<string, Bounds>();
  let all: Bounds | undefined;
  const parentOf = new Map(model.nodes.map((n) => [n.id, n.parent]));
  for (const n of drawn) {
    const p = known.get(n.id);
    if (!p) continue;
    const [c, r] = cellOf(p);
    taken.add(key(c, r));
    const ns = boxOf(n);
    bounds.set(ns, grow(bounds.get(ns), p));
    all = grow(all, p);
  }
  for (const [ns, b] of bounds) {
    const [c1, r1] = cellOf({ x: b.x1, y: b.y1 });
    const [c2, r2] = cellOf({ x: b.x2, y: b.y2 });
    for (let c = c1; c <= c2; c++) for (let r = r1; r <= r2; r++) if (!owner.has(key(c, r))) owner.set(key(c, r), ns);
  }
  const free = (c: number, r: number, ns: string) => !taken.has(key(c, r)) && (owner.get(key(c, r)) ?? ns) === ns;
  const take = (id: string, ns: string, c: number, r: number) => {
    taken.add(key(c, r));
    owner.set(key(c, r), ns);
    const p = { x: c * CELL_W, y: r * CELL_H };
    out.set(id, p);
    bounds.set(ns, grow(bounds.get(ns), p));
  };
  const near = (id: string, ns: string, start: Point): boolean => {
    const [c0, r0] = cellOf(start);
    for (let r = r0; r < r0 + 40; r++) {
      for (let c = c0; c < c0 + 40; c++) {
        if (free(c, r, ns)) {
          take(id, ns, c, r);
          return true;
        }
      }
    }
    return false;
  };

  // the device each link hangs off (same rule as the layout)
  const upOf = new Map<string, string>();
  for (const e of model.edges) if (e.type === 'parent') upOf.set(e.source, e.target);
  for (const e of model.edges) if (e.type === 'master' && !upOf.has(e.source)) upOf.set(e.source, e.target);
  for (const e of model.edges) if (e.type === 'vfnode' && !upOf.has(e.target)) upOf.set(e.target, e.source);

  // new namespaces go on a shelf below everything known
  const shelfLeft = all!.x1;
  const shelfMax = Math.max(all!.x2 - all!.x1, CELL_W * 12);
  let shelfX = shelfLeft;
  let shelfY = all!.y2 + CELL_H * 2;
  let shelfH = 0;
  const byNs = new Map<string, GraphNode[]>();
  for (const n of missing) {
    const ns = boxOf(n);
    const list = byNs.get(ns) ?? [];
    list.push(n);
    byNs.set(ns, list);
  }
  for (const [ns, list] of byNs) {
    const settled = bounds.get(ns);
    if (settled) {
      for (const n of list) {
        const up = upOf.get(n.id);
        const anchor = up ? pos(up) : undefined;
        const sameNs = up !== undefined && parentOf.get(up) === ns;
        const start =
          anchor && sameNs
            ? { x: anchor.x, y: anchor.y + CELL_H }
            : { x: settled.x1, y: (bounds.get(ns) ?? settled).y2 + CELL_H };
        if (!near(n.id, ns, start)) out.set(n.id, start);
      }
      continue;
    }
    // a namespace with nothing on screen yet: its fresh box, centred where the namespace was drawn
    // as one node (expanding it), else moved onto the shelf (a group opening or closing is laid out afresh)
    const box = fresh.boxes.get(ns);
    const w = box?.w ?? CELL_W;
    const h = box?.h ?? CELL_H;
    const was = known.get(ns);
    if (was) {
      for (const n of list) {
        const p = fresh.positions.get(n.id) ?? { x: 0, y: 0 };
        out.set(n.id, box ? { x: was.x + p.x - box.x - w / 2, y: was.y + p.y - box.y - h / 2 } : was);
      }
      continue;
    }
    if (shelfX > shelfLeft && shelfX + w > shelfLeft + shelfMax) {
      shelfX = shelfLeft;
      shelfY += shelfH + CELL_H;
      shelfH = 0;
    }
    for (const n of list) {
      const p = fresh.positions.get(n.id) ?? { x: 0, y: 0 };
      const rel = box ? { x: p.x - box.x, y: p.y - box.y } : { x: 0, y: 0 };
      out.set(n.id, { x: shelfX + rel.x, y: shelfY + rel.y });
    }
    shelfX += w + CELL_W / 2;
    shelfH = Math.max(shelfH, h);
  }
  return out;
}
