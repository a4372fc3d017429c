// The graph of a big host drawn with its namespaces grouped (components/graph/groups.ts wired into
// model.ts, layout.ts, fit.ts, reveal.ts): closed groups are one summary node, an open group is a frame
// around its namespaces, a search opens the groups its matches are in, a jump opens the group of its target.
import { describe, expect, it } from 'vitest';
import {
  buildGraph,
  DEFAULT_VIEW,
  groupNodeId,
  linkNodeId,
  nsNodeId,
  SEARCH_OPEN_MAX,
  type ViewOptions,
} from '../../components/graph/model';
import { GROUP_THRESHOLD } from '../../components/graph/groups';
import { layoutGraph, type Box } from '../../components/graph/layout';
import { drawnBounds } from '../../components/graph/fit';
import { revealIn } from '../../components/graph/reveal';
import { bigHost } from './graph-fixture';

const view = (v: Partial<ViewOptions> = {}): ViewOptions => ({ ...DEFAULT_VIEW, ...v });
const G = groupNodeId('prefix:ns');
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: Box, b: Box) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;

describe('a big host drawn grouped', () => {
  const snap = bigHost(200);

  it('at the threshold nothing is grouped; past it the namespaces of one prefix are one summary node', () => {
    const small = buildGraph(bigHost(GROUP_THRESHOLD - 1));
    expect(small.nodes.some((n) => n.type === 'group')).toBe(false);
    const m = buildGraph(snap);
    const groups = m.nodes.filter((n) => n.type === 'group');
    expect(groups.map((n) => [n.id, n.classes.includes('group-closed')])).toEqual([[G, true]]);
    expect(groups[0].label.split('\n')[0]).toBe('200 namespaces ns*');
    // no member namespace and none of their links is drawn
    expect(m.nodes.filter((n) => n.type === 'namespace').map((n) => n.id)).toEqual([nsNodeId('1')]);
    expect(m.nodes.some((n) => n.id === linkNodeId('1000/2'))).toBe(false);
  });

  it("folds the host's ends of the members' veths into the group, and says so on the host", () => {
    const m = buildGraph(snap);
    expect(m.nodes.some((n) => n.id === linkNodeId('1/100'))).toBe(false);
    expect(m.nodes.some((n) => n.id === linkNodeId('1/2'))).toBe(true); // eth0 stays
    const host = m.nodes.find((n) => n.id === nsNodeId('1'))!;
    expect(host.label).toContain('+200 links in groups');
    // the veth pairs run inside the group: no edge is left dangling or drawn to itself
    const ids = new Set(m.nodes.map((n) => n.id));
    for (const e of m.edges) expect(ids.has(e.source) && ids.has(e.target) && e.source !== e.target).toBe(true);
  });

  it('grouping off draws every namespace, as before', () => {
    const m = buildGraph(snap, view({ grouping: false }));
    expect(m.nodes.filter((n) => n.type === 'namespace')).toHaveLength(201);
    expect(m.nodes.some((n) => n.type === 'group')).toBe(false);
  });

  it('an open group is a frame around its namespaces, laid out without overlaps', () => {
    const m = buildGraph(snap, view({ openGroups: ['prefix:ns'] }));
    const g = m.nodes.find((n) => n.id === G)!;
    expect(g.classes).toContain('group-open');
    const members = m.nodes.filter((n) => n.type === 'namespace' && !n.id.endsWith(':1'));
    expect(members).toHaveLength(200);
    expect(members.every((n) => n.parent === G)).toBe(true);
    expect(m.nodes.some((n) => n.id === linkNodeId('1/100'))).toBe(true); // unfolded again
    const { boxes, positions } = layoutGraph(m);
    expect(positions.size).toBe(m.nodes.length);
    const frame = boxes.get(G)!;
    const inner = members.map((n) => boxes.get(n.id)!);
    for (const b of inner) expect(inside(b, frame)).toBe(true);
    const sorted = [...inner].sort((p, q) => p.y - q.y || p.x - q.x);
    for (let i = 1; i < sorted.length; i++) expect(overlap(sorted[i - 1], sorted[i])).toBe(false);
    expect(overlap(boxes.get(nsNodeId('1'))!, frame)).toBe(false);
  });

  it('the planned extent of a closed group counts its card', () => {
    const m = buildGraph(snap);
    const pos = layoutGraph(m).positions;
    const b = drawnBounds(m.nodes, (id) => pos.get(id))!;
    const p = pos.get(G)!;
    expect(b.x2).toBeGreaterThanOrEqual(p.x + 100);
    expect(b.y2).toBeGreaterThanOrEqual(p.y + 30);
  });

  it('a search opens the group its matches are in and marks them', () => {
    const m = buildGraph(snap, view({ search: 'ns17' }));
    // ns17, ns170..ns179: 11 namespaces, under the cap
    expect(m.nodes.find((n) => n.id === G)!.classes).toContain('group-open');
    expect(m.matches).toContain(nsNodeId('1017'));
    expect(m.matches).toContain(nsNodeId('1170'));
    expect(m.nodes.find((n) => n.id === nsNodeId('1005'))!.classes).toContain('dim');
  });

  it('a search matching more than SEARCH_OPEN_MAX namespaces marks the closed group instead', () => {
    expect(SEARCH_OPEN_MAX).toBeLessThan(200);
    const m = buildGraph(snap, view({ search: 'mv0' }));
    const g = m.nodes.find((n) => n.id === G)!;
    expect(g.classes).toContain('group-closed');
    expect(g.classes).toContain('match');
    expect(g.label).toContain('200 matches inside');
    expect(m.matches).toEqual([G]);
  });

  it("a jump to a member, or to the host's end of a member's veth, opens its group", () => {
    expect(revealIn(view(), snap, { type: 'namespace', id: '1042' }).openGroups).toEqual(['prefix:ns']);
    expect(revealIn(view(), snap, { type: 'link', id: '1/142' }).openGroups).toEqual(['prefix:ns']);
    expect(revealIn(view(), snap, { type: 'link', id: '1/2' }).openGroups).toEqual([]);
    expect(revealIn(view({ grouping: false }), snap, { type: 'namespace', id: '1042' }).openGroups).toEqual([]);
  });
});
