// One action on many selected links → one draft item the planner accepts as one plan.
import { describe, expect, it } from 'vitest';
import { multiEdits } from '../../components/edit/multi';
import { indexHost } from '../../components/host/lookup';
import { planEdits } from '../../server/edits/plan';
import { Edit } from '../../shared/edits/schema';
import { fixtureSnapshot, link, BLUE, ROOT, SELF_PID } from './edit-fixture';

const snap = fixtureSnapshot();
snap.links.push(
  link(ROOT, 30, 'mv0', { kind: 'macvlan', parentId: `${ROOT}/5` }),
  link(ROOT, 31, 'd1', { kind: 'dummy' }),
);
const ix = indexHost(snap);
const byName = (ns: string, n: string) => snap.links.find((l) => l.nsId === ns && l.name === n)!;
const plan = (edits: Edit[]) =>
  planEdits(
    edits.map((e) => Edit.parse(e)),
    snap,
    { selfPid: SELF_PID },
  );

describe('multiEdits', () => {
  it('delete: both ends of a veth are one deletion, a child of a deleted parent goes with it, loopback stays', () => {
    const sel = [
      byName(BLUE, 'vblue'),
      byName(ROOT, 'vroot'),
      byName(ROOT, 'mv0'),
      byName(ROOT, 'd1'),
      byName(ROOT, 'lo'),
    ];
    const item = multiEdits(sel, { type: 'delete' }, ix, snap.links);
    expect(item.edits).toEqual([
      { op: 'link.del', ns: BLUE, dev: 'vblue' },
      { op: 'link.del', dev: 'mv0' },
      { op: 'link.del', dev: 'd1' },
    ]);
    expect(() => plan(item.edits)).not.toThrow();
  });

  it('up/down and move give one edit per link, in one plan', () => {
    const sel = [byName(ROOT, 'd1'), byName(ROOT, 'mv0')];
    const down = multiEdits(sel, { type: 'down' }, ix, snap.links);
    expect(down.title).toBe('take down d1, mv0');
    expect(plan(down.edits).steps.map((s) => s.argv.join(' '))).toEqual([
      'ip link set dev d1 down',
      'ip link set dev mv0 down',
    ]);
    const move = multiEdits(sel, { type: 'move', nsId: BLUE }, ix, snap.links);
    expect(move.edits).toEqual([
      { op: 'link.set', dev: 'd1', netns: BLUE },
      { op: 'link.set', dev: 'mv0', netns: BLUE },
    ]);
    expect(plan(move.edits).steps.some((s) => s.argv.join(' ') === 'ip link set dev d1 netns blue')).toBe(true);
  });
});
