// Pure: the viewport that shows a whole graph, from the positions its nodes are drawn at. A graph that
// is still being drawn a slice at a time is fitted with this: asking the drawing for its bounding box
// would compute every drawn element's style at once (a long task) and fit only what is drawn so far.
import type { GraphNode } from './model';
import type { Point } from './layout';
import { NODE_SIZE, NS_FONT, NS_PADDING } from './style';

export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Viewport {
  zoom: number;
  pan: Point;
}

/** cytoscape's default line height for labels */
const LINE = 1.2;

function add(b: Bounds | undefined, x1: number, y1: number, x2: number, y2: number): Bounds {
  return b
    ? { x1: Math.min(b.x1, x1), y1: Math.min(b.y1, y1), x2: Math.max(b.x2, x2), y2: Math.max(b.y2, y2) }
    : { x1, y1, x2, y2 };
}

/** height of a namespace's label drawn above its box */
const labelAbove = (n: GraphNode) => n.label.split('\n').length * NS_FONT * LINE + 4;

/**
 * The model's drawn extent in graph coordinates: each node's box around its position, a namespace
 * drawn around its links (padding, label on top). Nodes without a position are left out; null if none has one.
 */
export function drawnBounds(nodes: GraphNode[], positionOf: (id: string) => Point | undefined): Bounds | null {
  const inner = new Map<string, Bounds>();
  let all: Bounds | undefined;
  for (const n of nodes) {
    if (!n.parent || n.type === 'namespace') continue;
    const p = positionOf(n.id);
    if (!p) continue;
    const s = n.type === 'vf' ? NODE_SIZE.vf : NODE_SIZE.link;
    inner.set(n.parent, add(inner.get(n.parent), p.x - s.w / 2, p.y - s.h / 2, p.x + s.w / 2, p.y + s.h / 2));
  }
  for (const n of nodes) {
    if (n.type === 'group' && !n.classes.includes('group-open')) {
      const p = positionOf(n.id);
      const s = NODE_SIZE.group;
      if (p) all = add(all, p.x - s.w / 2, p.y - s.h / 2, p.x + s.w / 2, p.y + s.h / 2);
      continue;
    }
    // an open group is drawn around its namespaces (their bounds hold it, but for its label)
    if (n.type !== 'namespace') continue;
    const b = inner.get(n.id);
    if (b) {
      all = add(all, b.x1 - NS_PADDING, b.y1 - NS_PADDING - labelAbove(n), b.x2 + NS_PADDING, b.y2 + NS_PADDING);
      continue;
    }
    const p = positionOf(n.id);
    if (!p) continue;
    const collapsed = n.classes.includes('collapsed');
    const s = collapsed ? NODE_SIZE.collapsed : NODE_SIZE.empty;
    // a collapsed namespace's label is inside it; an empty one's sits on top
    all = add(all, p.x - s.w / 2, p.y - s.h / 2 - (collapsed ? 0 : labelAbove(n)), p.x + s.w / 2, p.y + s.h / 2);
  }
  return all ?? null;
}

/** the zoom and pan that centre `b` in a width × height view with `padding` around it, as cytoscape's fit does */
export function fitViewport(
  b: Bounds,
  width: number,
  height: number,
  padding: number,
  minZoom: number,
  maxZoom: number,
): Viewport {
  const w = Math.max(b.x2 - b.x1, 1);
  const h = Math.max(b.y2 - b.y1, 1);
  const fit = Math.min((width - 2 * padding) / w, (height - 2 * padding) / h);
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  return { zoom, pan: { x: (width - zoom * (b.x1 + b.x2)) / 2, y: (height - zoom * (b.y1 + b.y2)) / 2 } };
}
