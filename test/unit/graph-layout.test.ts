import { describe, expect, it } from 'vitest';
import { buildGraph, DEFAULT_VIEW, linkNodeId, nsNodeId } from '../../components/graph/model';
import { CELL_H, layoutGraph, type Box } from '../../components/graph/layout';
import { placeNew } from '../../components/graph/place';
import { bigHost, inodes, labSnapshot, linkIn } from './graph-fixture';

const snap = labSnapshot();
const L = (ns: string, name: string) => linkNodeId(linkIn(snap, ns, name).id);
const inside = (p: { x: number; y: number }, b: Box) => p.x > b.x && p.x < b.x + b.w && p.y > b.y && p.y < b.y + b.h;
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('layout', () => {
  it('is deterministic, gives every link its own spot inside its namespace box, boxes apart, root first', () => {
    const m = buildGraph(snap);
    const a = layoutGraph(m);
    const b = layoutGraph(buildGraph(labSnapshot()));
    expect([...a.positions]).toEqual([...b.positions]);
    const spots = new Set<string>();
    for (const n of m.nodes.filter((x) => x.type === 'link')) {
      const p = a.positions.get(n.id)!;
      expect(inside(p, a.boxes.get(n.parent!)!), n.id).toBe(true);
      spots.add(`${p.x},${p.y}`);
    }
    expect(spots.size).toBe(m.nodes.filter((x) => x.type === 'link').length);
    const boxes = [...a.boxes.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j])).toBe(false);
    expect(a.boxes.get(nsNodeId(inodes.root))).toMatchObject({ x: 0, y: 0 });
  });

  it.each([
    ['root', 'mv-pass', 'root', 'd0'],
    ['root', 'ipv-l2', 'root', 'eth1'],
    ['root', 'vx42', 'root', 'eth1'],
    ['root', 've-a', 'root', 'br0'],
  ])('%s/%s sits in a row below %s/%s', (a, an, b, bn) => {
    const { positions } = layoutGraph(buildGraph(snap));
    expect(positions.get(L(a, an))!.y).toBeGreaterThan(positions.get(L(b, bn))!.y);
  });

  // its speed is the render bench's (npm run bench -- render), not a test's
  it('lays out 500 namespaces without overlapping boxes, roughly square', () => {
    const m = buildGraph(bigHost(500), { ...DEFAULT_VIEW, grouping: false });
    const { boxes, positions } = layoutGraph(m);
    expect(positions.size).toBe(m.nodes.length);
    const list = [...boxes.values()].sort((p, q) => p.y - q.y || p.x - q.x);
    for (let i = 1; i < list.length; i++) expect(overlap(list[i - 1], list[i])).toBe(false);
    const w = Math.max(...list.map((b) => b.x + b.w));
    const h = Math.max(...list.map((b) => b.y + b.h));
    expect(w / h).toBeGreaterThan(0.5);
    expect(w / h).toBeLessThan(4);
  });
});

describe('placing what appears in a graph on screen', () => {
  const before = buildGraph(snap);
  const known = layoutGraph(before).positions;

  it('on first render uses the full layout', () => {
    const m = buildGraph(snap);
    const fresh = layoutGraph(m);
    expect(placeNew(m, new Map(), fresh)).toEqual(
      new Map([...fresh.positions].filter(([id]) => m.nodes.find((n) => n.id === id)!.type !== 'namespace')),
    );
  });

  it('returns nothing for nodes already on screen', () => {
    expect(placeNew(before, known, layoutGraph(before)).size).toBe(0);
  });

  it('puts a new child below its parent, on a free spot, and leaves the others alone', () => {
    const s = labSnapshot();
    const eth1 = linkIn(s, 'root', 'eth1');
    s.links.push({
      ...eth1,
      id: `${eth1.nsId}/99`,
      ifindex: 99,
      name: 'mv-new',
      kind: 'macvlan',
      mode: 'bridge',
      parentId: eth1.id,
      sriov: null,
      addresses: [],
    });
    const m = buildGraph(s);
    const placed = placeNew(m, known, layoutGraph(m));
    expect([...placed.keys()]).toEqual([linkNodeId(`${eth1.nsId}/99`)]);
    const p = placed.get(linkNodeId(`${eth1.nsId}/99`))!;
    expect(p.y).toBeGreaterThan(known.get(linkNodeId(eth1.id))!.y + CELL_H / 2);
    for (const q of known.values()) expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThan(CELL_H / 2);
  });

  it('puts a new namespace below everything, in its own shape', () => {
    const s = labSnapshot();
    s.namespaces.push({ ...s.namespaces[1], id: '77', name: 'new', label: 'new' });
    s.links.push(
      { ...linkIn(s, 'red', 've-r'), id: '77/5', nsId: '77', ifindex: 5, name: 'x0', peerId: null },
      { ...linkIn(s, 'red', 've-r'), id: '77/6', nsId: '77', ifindex: 6, name: 'x1', peerId: null },
    );
    const m = buildGraph(s);
    const placed = placeNew(m, known, layoutGraph(m));
    expect([...placed.keys()].sort()).toEqual([linkNodeId('77/5'), linkNodeId('77/6')]);
    const bottom = Math.max(...[...known.values()].map((q) => q.y));
    for (const p of placed.values()) expect(p.y).toBeGreaterThan(bottom);
    const [a, b] = [...placed.values()];
    expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(CELL_H / 2);
  });

  it('expands a collapsed namespace around where its single node was', () => {
    const collapsed = buildGraph(snap, { ...DEFAULT_VIEW, collapsed: [inodes.green] });
    const at = { x: 5000, y: 7000 };
    const was = new Map([...layoutGraph(collapsed).positions, [nsNodeId(inodes.green), at]]);
    const expanded = buildGraph(snap);
    const placed = placeNew(expanded, was, layoutGraph(expanded));
    const green = expanded.nodes.filter((n) => n.parent === nsNodeId(inodes.green)).map((n) => n.id);
    expect([...placed.keys()].sort()).toEqual(green.sort());
    for (const p of placed.values()) expect(Math.hypot(p.x - at.x, p.y - at.y)).toBeLessThan(400);
  });
});
