// The overview's picture (components/fleet/overview.ts): one line per pair of nodes and kind, counted, with
// both directions noted; tunnels to no node of the fleet counted apart, not drawn.
import { describe, expect, it } from 'vitest';
import { layoutOverview } from '@/components/fleet/overview';
import { computeOverlay } from '@/server/fleet/overlay';
import { nodeFdb, nodeName, nodeSnapshot } from '../fleet/fixture';

describe('fleet overview layout', () => {
  it('three nodes: boxes on a circle, a tunnel and a route line per pair, counted both ways', () => {
    const n = 3;
    const views = Array.from({ length: n }, (_, i) => {
      const s = nodeSnapshot(i, n);
      return { name: nodeName(i), up: i !== 2, snapshot: s, fdb: nodeFdb(s, i, n), extraAddresses: [] };
    });
    const { boxes, lines, dangling } = layoutOverview(computeOverlay(views), 520);
    expect(boxes.map((b) => [b.name, b.up])).toEqual([
      ['node-0', true],
      ['node-1', true],
      ['node-2', false],
    ]);
    const dist = boxes.map((b) => Math.hypot(b.x - 260, b.y - 260));
    for (const d of dist) expect(d).toBeCloseTo(dist[0], 6);
    expect(lines).toHaveLength(6);
    const t01 = lines.find((l) => l.kind === 'tunnel' && l.a === 'node-0' && l.b === 'node-1')!;
    // node-0 → node-1 by remote, node-1 → node-0 by FDB
    expect(t01).toMatchObject({ count: 2, both: true });
    expect(lines.filter((l) => l.kind === 'route').every((l) => l.count === 2 && l.both)).toBe(true);
    expect(dangling).toBe(0);
  });

  it('a tunnel to an address outside the fleet is counted, not drawn', () => {
    const s = nodeSnapshot(0, 2);
    const o = computeOverlay([{ name: 'node-0', up: true, snapshot: s, fdb: [], extraAddresses: [] }]);
    const { lines, dangling } = layoutOverview(o);
    expect(lines).toEqual([]);
    expect(dangling).toBe(1);
  });
});
