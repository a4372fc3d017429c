// Drafts: items in order, removed and moved; export/import checked by the server's schema; drawn on the graph.
import { describe, expect, it } from 'vitest';
import {
  draftEdits,
  draftItem,
  exportDraft,
  importDraft,
  itemOfEdit,
  moveItem,
  removeItem,
} from '../../components/edit/draft';
import { overlayDraft, draftLinkNodeId, draftNsNodeId } from '../../components/graph/draft';
import { buildGraph, linkNodeId, nsNodeId } from '../../components/graph/model';
import type { Edit } from '../../shared/edits/schema';
import { inodes, labSnapshot, linkIn } from './graph-fixture';

const a = draftItem('namespace net1', [{ op: 'netns.add', name: 'net1' }]);
const b = draftItem('ipvlan ipv1', [
  {
    op: 'link.add',
    kind: 'ipvlan',
    name: 'ipv1',
    parent: 'eth1',
    mode: 'l3',
    netns: 'net1',
    addresses: ['10.10.1.10/24'],
    up: true,
  },
  { op: 'route.add', ns: 'net1', dst: 'default', dev: 'ipv1' },
]);
const c = draftItem('delete d0', [{ op: 'link.del', dev: 'd0' }]);

describe('draft', () => {
  it('its edits in item order; an edit index names its item', () => {
    const d = [a, b, c];
    expect(draftEdits(d).map((e) => e.op)).toEqual(['netns.add', 'link.add', 'route.add', 'link.del']);
    expect(itemOfEdit(d, 0)?.title).toBe('namespace net1');
    expect(itemOfEdit(d, 2)?.title).toBe('ipvlan ipv1');
    expect(itemOfEdit(d, 3)?.title).toBe('delete d0');
    expect(itemOfEdit(d, 4)).toBeNull();
  });

  it('remove and move', () => {
    expect(removeItem([a, b, c], b.id)).toEqual([a, c]);
    expect(moveItem([a, b, c], c.id, -1)).toEqual([a, c, b]);
    expect(moveItem([a, b, c], a.id, -1)).toEqual([a, b, c]);
    expect(moveItem([a, b, c], c.id, 1)).toEqual([a, b, c]);
  });

  it('exports and imports as JSON, keeping titles and edits', () => {
    const back = importDraft(exportDraft([a, b]));
    expect(back.map((i) => [i.title, i.edits])).toEqual([
      [a.title, a.edits],
      [b.title, b.edits],
    ]);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['not a draft', '{"items": []}', /linkscapeDraft/],
    [
      'a bad edit names item and field',
      JSON.stringify({
        linkscapeDraft: 1,
        items: [
          { title: 'x', edits: [{ op: 'link.add', kind: 'macvlan', name: 'way-too-long-name', parent: 'eth0' }] },
        ],
      }),
      /items\.0\.edits\.0\.name: interface name/,
    ],
    [
      'an unknown op',
      JSON.stringify({ linkscapeDraft: 1, items: [{ title: 'x', edits: [{ op: 'shell', cmd: 'rm -rf /' }] }] }),
      /items\.0\.edits\.0/,
    ],
  ])('refuses %s', (_, text, err) => {
    expect(() => importDraft(text)).toThrow(err);
  });
});

describe('a draft drawn on the graph', () => {
  const snap = labSnapshot();
  const base = buildGraph(snap);
  const node = (m: ReturnType<typeof buildGraph>, id: string) => m.nodes.find((n) => n.id === id);

  it('ghosts a new namespace and what goes into it, with an edge to the existing parent', () => {
    const m = overlayDraft(base, snap, draftEdits([a, b]));
    expect(node(m, draftNsNodeId('net1'))?.classes).toContain('draft-new');
    const g = node(m, draftLinkNodeId(draftNsNodeId('net1'), 'ipv1'));
    expect(g).toMatchObject({ parent: draftNsNodeId('net1'), kindClass: 'ipvlan' });
    expect(g?.classes).toContain('draft-new');
    expect(g?.label).toContain('10.10.1.10/24');
    const eth1 = linkNodeId(linkIn(snap, 'root', 'eth1').id);
    expect(m.edges.find((e) => e.source === g?.id && e.target === eth1)?.classes).toEqual([
      'edge',
      'e-parent',
      'draft-new',
    ]);
    // the route marks its namespace (a new one: nothing to mark), the host is untouched
    expect(base.nodes.some((n) => n.classes.includes('draft-new'))).toBe(false);
  });

  it('marks what it deletes or changes; a veth pair is two ghosts and a peer edge', () => {
    const edits: Edit[] = [
      ...c.edits,
      { op: 'addr.add', ns: 'red', dev: 've-r', cidr: '10.9.9.9/24' },
      { op: 'link.add', kind: 'veth', name: 'vp0', netns: 'red', peer: { name: 'vp1', netns: 'blue' } },
    ];
    const m = overlayDraft(base, snap, edits);
    expect(node(m, linkNodeId(linkIn(snap, 'root', 'd0').id))?.classes).toContain('draft-deleted');
    expect(node(m, linkNodeId(linkIn(snap, 'red', 've-r').id))?.classes).toContain('draft-changed');
    const v0 = draftLinkNodeId(nsNodeId(inodes.red), 'vp0');
    const v1 = draftLinkNodeId(nsNodeId(inodes.blue), 'vp1');
    expect(node(m, v0)?.parent).toBe(nsNodeId(inodes.red));
    expect(m.edges.some((e) => e.type === 'peer' && e.source === v0 && e.target === v1)).toBe(true);
    // a ghost attached later in the draft stays a ghost, not a "changed" node
    const attached = overlayDraft(base, snap, [...edits, { op: 'link.set', ns: 'red', dev: 'vp0', master: 've-r' }]);
    expect(node(attached, v0)?.classes).not.toContain('draft-changed');
  });
});
