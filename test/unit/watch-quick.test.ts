// The watcher's quick assemble (server/host/watch/quick.ts) against the full one, on the captured lab VM
// host: after a change in one namespace it must give exactly what assembleHost gives from scratch, its
// diff must carry the page from the old snapshot to that one, and it must step aside (null) where it
// cannot know (the host's own namespace, nsids only inference places, SR-IOV).
import { describe, expect, it } from 'vitest';
import type { ParsedNamespace } from '../../server/ip/parse';
import { assembleHost, type Assembled } from '../../server/host/read';
import { NO_OWNERS } from '../../server/host/owners';
import { quickAssemble, unresolvedByLink, type Unresolved } from '../../server/host/watch/quick';
import { applyDiff, canonicalize, diffNamespaces } from '../../shared/host/diff';
import type { HostSnapshot, Namespace } from '../../shared/host/types';
import { CAPTURE_INODES as INO, loadCaptures, type CaptureLabel } from '../fixtures/captures';

const NO_SYSFS = '/nonexistent-sysfs';

/** the captured host without its SR-IOV PF (eth2), which sends every change the full way */
function host(withPf = false): { namespaces: Namespace[]; parsed: Map<string, ParsedNamespace> } {
  const { namespaces, parsed } = loadCaptures();
  if (!withPf) {
    const root = parsed.get(INO.root)!;
    parsed.set(INO.root, { ...root, links: root.links.filter((l) => l.link.name !== 'eth2') });
  }
  return { namespaces, parsed };
}

type Exact = Map<string, Map<number, string>>;

const full = (namespaces: Namespace[], parsed: Map<string, ParsedNamespace>, exact?: Exact) =>
  assembleHost(namespaces, parsed, [], NO_SYSFS, NO_OWNERS, exact);

/** every namespace's nsids as a first full assemble placed them: what the kernel answers the watcher (nsids.ts) */
const answered = (a: Assembled): Exact =>
  new Map(
    Object.entries(a.nsidMaps).map(([ns, m]) => [ns, new Map(Object.entries(m).map(([k, v]) => [Number(k), v]))]),
  );

/** a copy of the parses with one namespace's parse changed by `edit` */
function changed(
  parsed: Map<string, ParsedNamespace>,
  label: CaptureLabel,
  edit: (p: ParsedNamespace) => void,
): Map<string, ParsedNamespace> {
  const next = new Map(parsed);
  const p = structuredClone(parsed.get(INO[label])!);
  edit(p);
  next.set(INO[label], p);
  return next;
}

const sans = (s: HostSnapshot) => ({ ...s, takenAt: '' });

interface State {
  snapshot: HostSnapshot;
  parsed: Map<string, ParsedNamespace>;
  unresolved: Unresolved;
  exact: Exact;
}

async function start(): Promise<State> {
  const { namespaces, parsed } = host();
  const exact = answered(await full(namespaces, parsed));
  const a = await full(namespaces, parsed, exact);
  return { snapshot: a.snapshot, parsed, unresolved: unresolvedByLink(a.unresolved), exact };
}

/** quick from `from` to `parsed` (these re-read) must equal the full assemble, and its diff must get there */
async function quickStep(from: State, parsed: Map<string, ParsedNamespace>, reread: CaptureLabel[]): Promise<State> {
  const q = quickAssemble({
    prev: from.snapshot,
    parsed,
    exact: from.exact,
    reread: new Set(reread.map((l) => INO[l])),
    unresolved: from.unresolved,
    before: from.parsed,
    owners: NO_OWNERS,
  });
  expect(q, 'the quick path took the change').not.toBeNull();
  const want = await full(from.snapshot.namespaces, parsed, from.exact);
  expect(sans(q!.snapshot)).toEqual(sans(want.snapshot));
  const applied = applyDiff(from.snapshot, diffNamespaces(from.snapshot, q!.snapshot, q!.changes));
  expect(sans(applied)).toEqual(sans(canonicalize(want.snapshot)));
  return { snapshot: q!.snapshot, parsed, unresolved: q!.unresolved, exact: from.exact };
}

describe('the quick assemble', () => {
  it('matches the full one for a link changed, a child removed and a route added', async () => {
    let s = await start();
    s = await quickStep(
      s,
      changed(s.parsed, 'red', (p) => {
        p.links.find((l) => l.link.name === 've-r')!.link.mtu = 1400;
      }),
      ['red'],
    );
    expect(s.snapshot.links.find((l) => l.nsId === INO.red && l.name === 've-r')?.mtu).toBe(1400);
    s = await quickStep(
      s,
      changed(s.parsed, 'blue', (p) => {
        p.links = p.links.filter((l) => l.link.name !== 'mv-bridge');
      }),
      ['blue'],
    );
    expect(s.snapshot.links.some((l) => l.nsId === INO.blue && l.name === 'mv-bridge')).toBe(false);
    s = await quickStep(
      s,
      changed(s.parsed, 'red', (p) => {
        p.routes = [...p.routes, { ...p.routes[0], dst: '198.51.100.0/24', gateway: null }];
      }),
      ['red'],
    );
    expect(s.snapshot.routes.some((r) => r.nsId === INO.red && r.dst === '198.51.100.0/24')).toBe(true);
  });

  it('re-resolves the far end: a veth gone leaves its peer unresolved, and back again resolves it', async () => {
    let s = await start();
    const veR = s.parsed.get(INO.red)!.links.find((l) => l.link.name === 've-r')!;
    s = await quickStep(
      s,
      changed(s.parsed, 'red', (p) => {
        p.links = p.links.filter((l) => l.link.name !== 've-r');
      }),
      ['red'],
    );
    const veG = () => s.snapshot.links.find((l) => l.nsId === INO.green && l.name === 've-g')!;
    expect(veG().peerId).toBeNull();
    expect(s.snapshot.warnings.some((w) => w.code === 'unresolved' && w.ids.includes(veG().id))).toBe(true);
    s = await quickStep(
      s,
      changed(s.parsed, 'red', (p) => {
        p.links = [...p.links, veR];
      }),
      ['red'],
    );
    expect(veG().peerId).toBe(`${INO.red}/${veR.link.ifindex}`);
    expect(s.snapshot.warnings.some((w) => w.ids.includes(veG().id))).toBe(false);
  });

  it('steps aside where only the full path knows', async () => {
    const s = await start();
    const attempt = (label: CaptureLabel, from: State = s) =>
      quickAssemble({
        prev: from.snapshot,
        parsed: changed(from.parsed, label, (x) => {
          x.links[0].link.mtu = 1280;
        }),
        exact: from.exact,
        reread: new Set([INO[label]]),
        unresolved: from.unresolved,
        before: from.parsed,
        owners: NO_OWNERS,
      });
    // the host's own namespace: its nsids route the root monitor
    expect(attempt('root')).toBeNull();
    // green's veth to the unnamed namespace when the kernel has not placed that nsid: the full path infers it
    const unplaced = new Map(s.exact);
    unplaced.delete(INO.green);
    expect(attempt('green', { ...s, exact: unplaced })).toBeNull();
    // a PF anywhere: its VFs' netdevs may be in any namespace
    const withPf = host(true);
    const pf = await full(withPf.namespaces, withPf.parsed, s.exact);
    expect(attempt('red', { ...s, snapshot: pf.snapshot, parsed: withPf.parsed })).toBeNull();
    // and the same changes without those: taken
    expect(attempt('green')).not.toBeNull();
    expect(attempt('red')).not.toBeNull();
  });
});
