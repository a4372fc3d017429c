// Kernel tier: a real lab in throwaway namespaces, read by readHost, checked against what `ip -j`
// itself says in each namespace. Needs root; everything is made under the Lab's unique prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelTier } from '../tiers';
import { inodeOf, Lab } from './lab';
import { readHost, readNamespace } from '../../server/host/read';
import { readNamedInBulk } from '../../server/host/bulk';
import { bulkArgv, bulkInput } from '../../server/ip/netns';
import { CONTENT_BATCH, parseNamespace, splitBatch } from '../../server/ip/parse';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { liveGroupMembers, run, stream } from '../../server/ip/run';
import { appRouter } from '../../server/api/root';
import { gatedContext } from '../context';
import type { HostSnapshot, Link } from '../../shared/host/types';

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  address?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string };
}
interface IpAddr extends IpLink {
  addr_info: { family: string; local: string; prefixlen: number }[];
}
interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  table?: string;
  type?: string;
  nexthops?: unknown[];
}

describe.skipIf(!kernelTier.ok)('kernel tier: readHost on a real lab', () => {
  const lab = new Lab('r');
  let A: string, B: string, C: string; // named namespaces
  let holder = 0; // pid of the process holding the unnamed one
  const ino: Record<string, string> = {};
  let snap: HostSnapshot;

  beforeAll(async () => {
    try {
      A = await lab.netns('a');
      B = await lab.netns('b');
      C = await lab.netns('c');
      holder = await lab.unnamed();
      // veth pair across A and B
      await lab.ip(A, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', B);
      // a macvlan on A's veth end, moved into C (its parent stays in A)
      await lab.ip(A, 'link', 'add', 'mv0', 'link', 'va', 'type', 'macvlan', 'mode', 'bridge');
      await lab.ip(A, 'link', 'set', 'mv0', 'netns', C);
      // a bridge in B with two ports: vb and one end of a local veth pair
      await lab.ip(B, 'link', 'add', 'br0', 'type', 'bridge');
      await lab.ip(B, 'link', 'add', 'bp1', 'type', 'veth', 'peer', 'name', 'bp2');
      await lab.ip(B, 'link', 'set', 'vb', 'master', 'br0');
      await lab.ip(B, 'link', 'set', 'bp1', 'master', 'br0');
      // a vxlan on va as its underlay
      await lab.ip(
        A,
        'link',
        'add',
        'vx0',
        'type',
        'vxlan',
        'id',
        '42',
        'dev',
        'va',
        'local',
        '10.77.0.1',
        'remote',
        '10.77.0.9',
        'dstport',
        '4789',
      );
      // a veth from A into the unnamed namespace
      await lab.ip(A, 'link', 'add', 'vu', 'type', 'veth', 'peer', 'name', 'vp', 'netns', String(holder));
      for (const [ns, dev] of [
        [A, 'va'],
        [A, 'vx0'],
        [A, 'vu'],
        [B, 'vb'],
        [B, 'br0'],
        [B, 'bp1'],
        [B, 'bp2'],
        [C, 'mv0'],
      ])
        await lab.ip(ns, 'link', 'set', dev, 'up');
      await lab.ip(A, 'addr', 'add', '10.77.0.1/24', 'dev', 'va');
      await lab.ip(A, 'addr', 'add', 'fd77::1/64', 'dev', 'va', 'nodad');
      await lab.ip(B, 'addr', 'add', '10.77.0.2/24', 'dev', 'br0');
      await lab.ip(B, 'addr', 'add', 'fd77::2/64', 'dev', 'br0', 'nodad');
      await lab.ip(C, 'addr', 'add', '10.66.0.3/24', 'dev', 'mv0');
      await lab.ip(A, 'addr', 'add', '10.55.0.1/30', 'dev', 'vu');
      await lab.ip(A, 'route', 'add', '10.88.0.0/16', 'via', '10.77.0.2', 'table', '100');
      await lab.ip(A, '-6', 'route', 'add', 'fd88::/64', 'via', 'fd77::2');
      await lab.ip(B, 'route', 'add', 'default', 'via', '10.77.0.1');
      await lab.ip(C, 'route', 'add', 'default', 'via', '10.66.0.1', 'dev', 'mv0', 'onlink');
      for (const n of [A, B, C]) ino[n] = await inodeOf(`/var/run/netns/${n}`);
      ino.U = await inodeOf(`/proc/${holder}/ns/net`);
      snap = await readHost(run);
    } catch (e) {
      await lab.cleanup();
      throw e;
    }
  });
  afterAll(() => lab.cleanup());

  const nsIdOf = (ns: string) => ino[ns];
  const linkIn = (ns: string, name: string): Link => {
    const l = snap.links.find((x) => x.nsId === nsIdOf(ns) && x.name === name);
    if (!l) throw new Error(`snapshot has no ${name} in ${ns}`);
    return l;
  };
  /** the independent reading: ip itself, in that namespace (the unnamed one through nsenter) */
  const ipIn = async <T>(ns: string, ...args: string[]): Promise<T> => {
    if (ns !== 'U') return lab.ipJson<T>(ns, ...args);
    const { execa } = await import('execa');
    const out = (await execa('nsenter', [`--net=/proc/${holder}/ns/net`, 'ip', '-j', ...args])).stdout;
    return (out.trim() ? JSON.parse(out) : []) as T;
  };
  const labNs = () => [A, B, C, 'U'];

  it('finds the three named namespaces and the unnamed one held by a process', () => {
    for (const n of [A, B, C]) {
      expect(snap.namespaces.find((x) => x.id === ino[n])).toMatchObject({
        name: n,
        source: 'named',
        root: false,
        label: n,
        path: `/var/run/netns/${n}`,
        error: null,
      });
    }
    const u = snap.namespaces.find((x) => x.id === ino.U)!;
    expect(u).toMatchObject({
      name: null,
      source: 'process',
      root: false,
      label: `pid ${holder} (sleep)`,
      path: `/proc/${holder}/ns/net`,
      error: null,
    });
    expect(u.pids).toContain(holder);
    expect(snap.namespaces.filter((n) => n.root)).toHaveLength(1);
  });

  it('every link ip shows, in every lab namespace, is in the snapshot with the same facts', async () => {
    for (const ns of labNs()) {
      const ipLinks = await ipIn<IpLink[]>(ns, '-d', 'link', 'show');
      const addrs = await ipIn<IpAddr[]>(ns, 'addr', 'show');
      const mine = snap.links.filter((l) => l.nsId === nsIdOf(ns));
      expect(
        mine.map((l) => l.ifindex).sort((a, b) => a - b),
        ns,
      ).toEqual(ipLinks.map((l) => l.ifindex).sort((a, b) => a - b));
      for (const want of ipLinks) {
        const got = mine.find((l) => l.ifindex === want.ifindex)!;
        const where = `${ns}/${want.ifname}`;
        expect(got.id, where).toBe(`${nsIdOf(ns)}/${want.ifindex}`);
        expect(got.name, where).toBe(want.ifname);
        expect(got.kind, where).toBe(
          want.linkinfo?.info_kind ?? (want.link_type === 'loopback' ? 'loopback' : got.kind),
        );
        expect(got.mtu, where).toBe(want.mtu);
        expect(got.mac, where).toBe(want.address ?? null);
        expect(got.up, where).toBe(want.flags.includes('UP'));
        // the kernel adds IPv6 link-local addresses on its own once a link has carrier, possibly after the
        // snapshot was taken: every other address (all the lab's) must be there exactly
        const notLinkLocal = (cidr: string) => !cidr.startsWith('fe80:');
        const a = addrs.find((x) => x.ifindex === want.ifindex)?.addr_info ?? [];
        expect(
          got.addresses
            .map((x) => x.cidr)
            .filter(notLinkLocal)
            .sort(),
          where,
        ).toEqual(
          a
            .map((x) => `${x.local}/${x.prefixlen}`)
            .filter(notLinkLocal)
            .sort(),
        );
      }
    }
  });

  it.each([
    [
      'veth across two named namespaces',
      () => [linkIn(A, 'va').peerId, linkIn(B, 'vb').id, linkIn(B, 'vb').peerId, linkIn(A, 'va').id],
    ],
    [
      'veth into the unnamed namespace',
      () => [linkIn(A, 'vu').peerId, linkIn('U', 'vp').id, linkIn('U', 'vp').peerId, linkIn(A, 'vu').id],
    ],
    [
      'veth pair inside one namespace',
      () => [linkIn(B, 'bp1').peerId, linkIn(B, 'bp2').id, linkIn(B, 'bp2').peerId, linkIn(B, 'bp1').id],
    ],
  ])('%s: peers resolve both ways', (_w, pick) => {
    const [p1, id2, p2, id1] = pick();
    expect(p1).toBe(id2);
    expect(p2).toBe(id1);
  });

  it('the macvlan moved into C has its parent in A, kind and mode from the kernel', () => {
    expect(linkIn(C, 'mv0')).toMatchObject({
      kind: 'macvlan',
      mode: 'bridge',
      parentId: linkIn(A, 'va').id,
      parentUnresolved: false,
    });
  });
  it("the vxlan's parent is its underlay device", () => {
    expect(linkIn(A, 'vx0')).toMatchObject({ kind: 'vxlan', parentId: linkIn(A, 'va').id });
    expect(linkIn(A, 'vx0').info).toMatchObject({ id: 42, local: '10.77.0.1', remote: '10.77.0.9', port: 4789 });
  });
  it('bridge ports point at the bridge', () => {
    const br = linkIn(B, 'br0');
    expect(br.kind).toBe('bridge');
    expect(linkIn(B, 'vb')).toMatchObject({ masterId: br.id, slaveKind: 'bridge' });
    expect(linkIn(B, 'bp1')).toMatchObject({ masterId: br.id, slaveKind: 'bridge' });
    expect(linkIn(B, 'bp2').masterId).toBeNull();
  });
  it('addresses keep family and scope (v4 and v6)', () => {
    expect(linkIn(A, 'va').addresses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ family: 'inet', cidr: '10.77.0.1/24', scope: 'global' }),
        expect.objectContaining({ family: 'inet6', cidr: 'fd77::1/64', scope: 'global' }),
      ]),
    );
  });

  it('every route ip shows (all tables) is in the snapshot for that namespace', async () => {
    for (const ns of labNs()) {
      const ipRoutes = await ipIn<IpRoute[]>(ns, '-d', 'route', 'show', 'table', 'all');
      const mine = snap.routes.filter((r) => r.nsId === nsIdOf(ns));
      const key = (r: {
        table?: string | null;
        type?: string | null;
        dst: string;
        gateway?: string | null;
        dev?: string | null;
      }) => [r.table ?? 'main', r.type ?? 'unicast', r.dst, r.gateway ?? '-', r.dev ?? '-'].join(' ');
      // routes can come and go (IPv6 link-local settling) between the two readings: compare the stable ones
      const stable = (k: string) => !/ fe80::| ff00::/.test(k);
      expect(mine.map(key).filter(stable).sort(), ns).toEqual(ipRoutes.map(key).filter(stable).sort());
    }
  });
  it('a route in table 100, a default via a gateway, an IPv6 route, a connected route', () => {
    const r = (ns: string) => snap.routes.filter((x) => x.nsId === nsIdOf(ns));
    expect(r(A).find((x) => x.table === '100')).toMatchObject({
      dst: '10.88.0.0/16',
      gateway: '10.77.0.2',
      dev: 'va',
      devId: linkIn(A, 'va').id,
      family: 'inet',
    });
    expect(r(A).find((x) => x.dst === 'fd88::/64')).toMatchObject({
      gateway: 'fd77::2',
      family: 'inet6',
      table: 'main',
    });
    expect(r(B).find((x) => x.dst === 'default')).toMatchObject({
      gateway: '10.77.0.1',
      dev: 'br0',
      devId: linkIn(B, 'br0').id,
      family: 'inet',
      table: 'main',
    });
    expect(r(C).find((x) => x.dst === 'default')).toMatchObject({ gateway: '10.66.0.1', devId: linkIn(C, 'mv0').id });
    expect(r(A).find((x) => x.dst === '10.77.0.0/24')).toMatchObject({
      type: 'unicast',
      scope: 'link',
      protocol: 'kernel',
      prefsrc: '10.77.0.1',
    });
  });
  it('nothing in the lab is unresolved', () => {
    const ours = new Set(Object.values(ino));
    const bad = snap.warnings.filter((w) => w.code === 'unresolved' && w.ids.some((id) => ours.has(id.split('/')[0])));
    expect(bad).toEqual([]);
  });

  it('the bulk read (xargs: nsenter --net=PATH ip per namespace, two at once) parses each namespace as its own read does', async () => {
    const nss = snap.namespaces.filter((n) => n.name === A || n.name === B || n.name === C);
    expect(nss).toHaveLength(3);
    // namespaces that vanished before nsenter got to them (here: never made), at the end of a process and
    // in its middle, several in a row, and a path that is no namespace (a plain file: setns refuses it):
    // each is skipped, and the answers after it are placed
    const gone = (i: number) => ({
      ...nss[0],
      id: String(i),
      name: `${nss[0].name}-gone${i}`,
      path: `${nss[0].path}-gone${i}`,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linkscape-bulk-'));
    try {
      const plain = path.join(dir, 'not-a-namespace');
      writeFileSync(plain, '');
      const notNs = { ...nss[0], id: '5', name: null, source: 'process' as const, path: plain };
      for (const [order, streams] of [
        [[nss[0], gone(1), nss[1], nss[2]], 2],
        [[nss[0], gone(1), gone(2), gone(3), nss[1], gone(4), nss[2]], 1],
        [[notNs, nss[0], nss[1], notNs, nss[2]], 1],
      ] as const) {
        let started = 0;
        const counting: typeof stream = (argv, onLine, opts) => (started++, stream(argv, onLine, opts));
        const got = await readNamedInBulk(counting, [...order], 10_000, streams);
        expect([...got.keys()].sort(), `${streams} process(es)`).toEqual(nss.map((n) => n.id).sort());
        // one not entered is skipped, not a reason to start another process
        expect(started).toBe(streams);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bulk = await readNamedInBulk(stream, nss, 10_000, 2);
    const facts = (p: Awaited<ReturnType<typeof readNamespace>>) => ({
      links: p.links.map((l) => [
        l.link.id,
        l.link.name,
        l.link.kind,
        l.link.mac,
        JSON.stringify(l.lower),
        l.masterName,
        l.link.addresses.filter((a) => a.scope !== 'link').map((a) => a.cidr),
      ]),
      routes: p.routes
        .filter((r) => !r.dst.startsWith('fe80') && !r.dst.startsWith('ff00'))
        .map((r) => [r.table, r.dst, r.gateway, r.dev]),
      nsids: p.nsids,
    });
    for (const ns of nss) expect(facts(bulk.get(ns.id)!), ns.name!).toEqual(facts(await readNamespace(run, ns)));
    // by path, so a namespace only a process holds goes into the bulk read too
    const unnamed = snap.namespaces.find((n) => n.pids.includes(holder))!;
    expect(unnamed.source).toBe('process');
    const withUnnamed = await readNamedInBulk(stream, [nss[0], unnamed], 10_000, 1);
    expect(
      withUnnamed
        .get(unnamed.id)!
        .links.map((l) => l.link.name)
        .sort(),
    ).toEqual(['lo', 'vp']);
    expect(facts(withUnnamed.get(unnamed.id)!)).toEqual(facts(await readNamespace(run, unnamed)));
    // and as `ip -n NAME` reads it (which remounts /sys for the namespace; nsenter does not: ip reads nothing there)
    for (const ns of nss) {
      const byName = await run(['ip', '-n', ns.name!, '-j', '-d', '-force', '-batch', '-'], {
        input: CONTENT_BATCH.join('\n') + '\n',
      });
      expect(facts(bulk.get(ns.id)!), `${ns.name} by name`).toEqual(
        facts(parseNamespace(ns.id, splitBatch(byName.stdout))),
      );
    }
  });

  it('a bulk process that hangs (its inner ip never ends) is ended with everything it started at the timeout', async () => {
    const ns = snap.namespaces.find((n) => n.name === A)!;
    const h = stream(bulkArgv(['ip', 'monitor', 'link']), () => {}, {
      input: bulkInput([ns.path!]),
      timeoutMs: 700,
      group: true,
    });
    const done = await h.done;
    expect(done.timedOut).toBe(true);
    // `done` means the group is dead (xargs and the `ip monitor` it started in the namespace):
    // nothing left but zombies waiting for init to reap them
    const alive = liveGroupMembers(h.pid!);
    expect(alive).toEqual([]);
    expect(ns.name).toBe(A);
  });

  it('host.snapshot over tRPC returns the same shape and the same lab', async () => {
    const caller = appRouter.createCaller(gatedContext());
    const s = await caller.host.snapshot();
    expect(Object.keys(s).sort()).toEqual(Object.keys(snap).sort());
    expect(typeof s.takenAt).toBe('string');
    const ours = (x: HostSnapshot) =>
      x.links
        .filter((l) => Object.values(ino).includes(l.nsId))
        .map((l) => [l.id, l.name, l.kind, l.parentId, l.peerId, l.masterId].join())
        .sort();
    expect(ours(s)).toEqual(ours(snap));
    // plain JSON: survives a round trip unchanged (no Dates, Maps or undefined holes that curl would not see)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
