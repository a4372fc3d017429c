// The fleet overview's picture, pure: nodes on a circle, and between two nodes one line per kind (vxlan tunnel,
// host-gw route) carrying how many of them there are; tunnels to no node of the fleet are counted apart.
import type { Overlay } from '@/shared/fleet/types';

export interface OverviewBox {
  name: string;
  up: boolean;
  x: number;
  y: number;
}

export interface OverviewLine {
  a: string;
  b: string;
  kind: 'tunnel' | 'route';
  count: number;
  /** both directions seen */
  both: boolean;
}

export function layoutOverview(
  o: Overlay,
  size = 520,
): { boxes: OverviewBox[]; lines: OverviewLine[]; dangling: number } {
  const n = o.nodes.length;
  const r = n > 1 ? size / 2 - 70 : 0;
  const boxes = o.nodes.map((node, i) => {
    const t = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
    return { name: node.name, up: node.up, x: size / 2 + r * Math.cos(t), y: size / 2 + r * Math.sin(t) };
  });
  const lines = new Map<string, OverviewLine & { dirs: Set<string> }>();
  const add = (from: string, to: string, kind: OverviewLine['kind']) => {
    if (from === to) return;
    const [a, b] = from < to ? [from, to] : [to, from];
    const key = `${kind}|${a}|${b}`;
    const l = lines.get(key) ?? { a, b, kind, count: 0, both: false, dirs: new Set<string>() };
    l.count++;
    l.dirs.add(from);
    l.both = l.dirs.size === 2;
    lines.set(key, l);
  };
  let dangling = 0;
  for (const t of o.tunnels) {
    if (t.to) add(t.from, t.to, 'tunnel');
    else dangling++;
  }
  for (const rt of o.routes) add(rt.node, rt.toNode, 'route');
  return { boxes, lines: [...lines.values()].map(({ dirs: _dirs, ...l }) => l), dangling };
}
