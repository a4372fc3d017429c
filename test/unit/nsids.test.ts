// nsids asked of the kernel from the host's namespace (server/host/nsids.ts): which questions the
// links call for, the batch that asks them, how the answers place themselves, and the resolver using them.
import { describe, expect, it } from 'vitest';
import { parseNamespace, type ParsedNamespace } from '../../server/ip/parse';
import { MAX_NSID_CANDIDATES, nsidQuestions, resolveHost } from '../../server/host/resolve';
import { askNsids, parseAnswers, questionBatch, rootNsidMap } from '../../server/host/nsids';
import type { Namespace } from '../../shared/host/types';

type RawIn = Record<string, unknown>;
let nextMac = 1;
const mac = () => `02:00:00:00:01:${(nextMac++).toString(16).padStart(2, '0')}`;
const nic = (ifindex: number, ifname: string, extra: RawIn = {}): RawIn => ({
  ifindex,
  ifname,
  flags: ['UP'],
  link_type: 'ether',
  address: mac(),
  ...extra,
});
const veth = (ifindex: number, ifname: string, lower: RawIn): RawIn =>
  nic(ifindex, ifname, { linkinfo: { info_kind: 'veth' }, ...lower });
const lo = nic(1, 'lo', { link_type: 'loopback', flags: ['LOOPBACK', 'UP'] });

interface Spec {
  id: string;
  root?: boolean;
  name?: string;
  links: RawIn[];
  nsids?: { nsid: number; name?: string }[];
}
function build(spec: Spec[]) {
  const namespaces: Namespace[] = spec.map((s) => ({
    id: s.id,
    name: s.name ?? null,
    root: !!s.root,
    source: s.root ? 'root' : 'named',
    pids: [],
    comms: [],
    label: s.name ?? s.id,
    path: s.root ? null : `/var/run/netns/${s.name}`,
    error: null,
    owner: null,
  }));
  const parsed = new Map<string, ParsedNamespace>();
  for (const s of spec)
    parsed.set(s.id, parseNamespace(s.id, { links: s.links, addrs: [], routes: [], nsids: s.nsids ?? [] }));
  return { namespaces, parsed };
}

// Two namespaces B and C look the same from A: each has a veth at ifindex 5 whose peer is ifindex 5
// elsewhere. Only the kernel can say which one A's nsid 7 is. The host numbers A 1, B 2, C 3.
const ambiguous = () =>
  build([
    {
      id: 'R',
      root: true,
      links: [lo],
      nsids: [
        { nsid: 1, name: 'a' },
        { nsid: 2, name: 'b' },
        { nsid: 3, name: 'c' },
      ],
    },
    { id: 'A', name: 'a', links: [lo, veth(5, 'a0', { link_index: 5, link_netnsid: 7 })] },
    { id: 'B', name: 'b', links: [lo, veth(5, 'b0', { link_index: 5, link_netnsid: 0 })] },
    { id: 'C', name: 'c', links: [lo, veth(5, 'c0', { link_index: 5, link_netnsid: 0 })] },
  ]);

describe('nsid questions', () => {
  it('the root map comes from the names of the host namespace list-id', () => {
    const { namespaces, parsed } = ambiguous();
    expect([...rootNsidMap(namespaces, parsed.get('R')!)]).toEqual([
      [1, 'A'],
      [2, 'B'],
      [3, 'C'],
    ]);
  });

  it('asks about every candidate the links allow, and nothing already placed', () => {
    const { namespaces, parsed } = ambiguous();
    const root = rootNsidMap(namespaces, parsed.get('R')!);
    const qs = nsidQuestions(namespaces, parsed, root);
    const ofA = qs.filter((q) => q.x === 'A');
    expect(ofA.map((q) => [q.tx, q.k, q.y, q.ty])).toEqual([
      [1, 7, 'B', 2],
      [1, 7, 'C', 3],
    ]);
    // B's nsid 0: A fits (its veth 5 points back at 5); C's veth is not at A's ifindex... it is: so A and C for B
    expect(
      qs
        .filter((q) => q.x === 'B')
        .map((q) => q.y)
        .sort(),
    ).toEqual(['A', 'C']);
    // placed already: not asked again
    const known = new Map([['A', new Map([[7, 'B']])]]);
    expect(nsidQuestions(namespaces, parsed, root, known).some((q) => q.x === 'A')).toBe(false);
  });

  it('a namespace the host has no nsid for is neither asked about nor asked', () => {
    const { namespaces, parsed } = ambiguous();
    const root = new Map([
      [1, 'A'],
      [2, 'B'],
    ]); // C unnumbered
    const qs = nsidQuestions(namespaces, parsed, root);
    expect(qs.some((q) => q.x === 'C' || q.y === 'C')).toBe(false);
  });

  it('too many candidates are left to inference', () => {
    const many = Array.from({ length: MAX_NSID_CANDIDATES + 1 }, (_, i) => ({
      id: `N${i}`,
      name: `n${i}`,
      links: [lo, veth(5, `n${i}`, { link_index: 5, link_netnsid: 0 })],
    }));
    const { namespaces, parsed } = build([
      {
        id: 'R',
        root: true,
        links: [lo],
        nsids: [{ nsid: 100, name: 'a' }, ...many.map((m, i) => ({ nsid: i, name: m.name }))],
      },
      { id: 'A', name: 'a', links: [lo, veth(5, 'a0', { link_index: 5, link_netnsid: 7 })] },
      ...many,
    ]);
    const qs = nsidQuestions(namespaces, parsed, rootNsidMap(namespaces, parsed.get('R')!));
    expect(qs.some((q) => q.x === 'A')).toBe(false);
  });

  it('the batch marks each namespace before its questions', () => {
    const { namespaces, parsed } = ambiguous();
    const qs = nsidQuestions(namespaces, parsed, rootNsidMap(namespaces, parsed.get('R')!)).filter((q) => q.x === 'A');
    expect(questionBatch(qs)).toBe(
      'netns list-id nsid 1\nnetns list-id target-nsid 1 nsid 2\nnetns list-id target-nsid 1 nsid 3\n',
    );
  });
});

describe('nsid answers', () => {
  const { namespaces, parsed } = ambiguous();
  const qs = nsidQuestions(namespaces, parsed, rootNsidMap(namespaces, parsed.get('R')!)).filter((q) => q.x === 'A');

  it('the kernel answer that matches the nsid the links name places it', () => {
    // as ip prints it: the marker without current-nsid; A numbers B 7, C 8
    const out = '[{"nsid":1,"name":"a"}]\n[{"nsid":7,"current-nsid":2,"name":"b"}]\n[{"nsid":8,"current-nsid":3}]\n';
    expect([...parseAnswers(out, qs)]).toEqual([['A', new Map([[7, 'B']])]]);
  });

  it('an unassigned nsid, a failed line or a cut-off line places nothing', () => {
    expect(parseAnswers('[{"nsid":1}]\n[{"current-nsid":2}]\n[{"nsid":8,"current-nsid":3}]\n', qs).size).toBe(0);
    // the marker failed (namespace gone): the answers after it belong to no namespace
    expect(parseAnswers('[{"nsid":7,"current-nsid":2}]\n', qs).size).toBe(0);
    expect(parseAnswers('[{"nsid":1}]\n[{"nsid":7,"curr', qs).size).toBe(0);
  });

  it('answers belong to the marker before them', () => {
    // a marker for namespace 4 (not A) followed by an answer that would fit A's question
    expect(parseAnswers('[{"nsid":1}]\n[{"nsid":4}]\n[{"nsid":7,"current-nsid":2}]\n', qs).size).toBe(0);
  });

  it('the resolver uses the answers where inference cannot decide', () => {
    expect(resolveHost(namespaces, parsed).links.find((l) => l.name === 'a0')!.peerId).toBeNull();
    const exact = parseAnswers('[{"nsid":1}]\n[{"nsid":7,"current-nsid":2}]\n[{"nsid":8,"current-nsid":3}]\n', qs);
    const r = resolveHost(namespaces, parsed, exact);
    expect(r.links.find((l) => l.name === 'a0')!.peerId).toBe('B/5');
    expect(r.nsidMaps.A).toEqual({ 7: 'B' });
  });
});

describe('a hub: each veth pair asked once, about the side asked about least', () => {
  // H has a veth to each of S1..S3 (its nsids 11..13 for them); each S has one to H (its nsid 0)
  const star = () =>
    build([
      {
        id: 'R',
        root: true,
        links: [lo],
        nsids: [
          { nsid: 1, name: 'h' },
          { nsid: 2, name: 's1' },
          { nsid: 3, name: 's2' },
          { nsid: 4, name: 's3' },
        ],
      },
      {
        id: 'H',
        name: 'h',
        links: [lo, ...[1, 2, 3].map((i) => veth(10 + i, `h${i}`, { link_index: 2, link_netnsid: 10 + i }))],
      },
      ...[1, 2, 3].map((i) => ({
        id: `S${i}`,
        name: `s${i}`,
        links: [lo, veth(2, 'veth0', { link_index: 10 + i, link_netnsid: 0 })],
      })),
    ]);

  it('asks the hub about each spoke, never each spoke about the hub', () => {
    const { namespaces, parsed } = star();
    const qs = nsidQuestions(namespaces, parsed, rootNsidMap(namespaces, parsed.get('R')!));
    expect(qs).toHaveLength(6);
    expect(questionBatch(qs)).toBe(
      'netns list-id nsid 1\nnetns list-id target-nsid 1 nsid 2\nnetns list-id target-nsid 1 nsid 3\nnetns list-id target-nsid 1 nsid 4\n',
    );
  });

  it("the hub's answers place the spokes' nsids too (a veth's peer is its peer's peer)", () => {
    const { namespaces, parsed } = star();
    const qs = nsidQuestions(namespaces, parsed, rootNsidMap(namespaces, parsed.get('R')!));
    const out =
      '[{"nsid":1}]\n[{"nsid":11,"current-nsid":2}]\n[{"nsid":12,"current-nsid":3}]\n[{"nsid":99,"current-nsid":4}]\n';
    const got = parseAnswers(out, qs);
    expect(got.get('H')).toEqual(
      new Map([
        [11, 'S1'],
        [12, 'S2'],
      ]),
    );
    expect(got.get('S1')).toEqual(new Map([[0, 'H']]));
    expect(got.get('S2')).toEqual(new Map([[0, 'H']]));
    expect(got.has('S3')).toBe(false); // the kernel said otherwise: nothing placed
  });
});

describe('askNsids', () => {
  it('keeps what is known while both ends are present, and asks nothing when nothing new is named', async () => {
    const { namespaces, parsed } = ambiguous();
    const calls: string[][] = [];
    const run = async (argv: string[]) => {
      calls.push(argv);
      return { argv, stdout: '', stderr: '', exitCode: 0 };
    };
    const known = new Map([
      ['A', new Map([[7, 'B']])],
      ['B', new Map([[0, 'A']])],
      ['C', new Map([[0, 'GONE']])],
      ['GONE', new Map([[1, 'A']])],
    ]);
    const out = await askNsids(run, namespaces, parsed, known, new Set(['A']));
    expect([...out]).toEqual([
      ['A', new Map([[7, 'B']])],
      ['B', new Map([[0, 'A']])],
    ]);
    expect(calls).toEqual([]);
  });
});
