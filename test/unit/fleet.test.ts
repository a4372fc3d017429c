// The hub's own logic: overlay resolution and search over recorded hosts (test/fleet/fixture.ts), and the agent
// client over real HTTP against simulated agents (tRPC's own server, SSE): live state, down and back, the token,
// and edits forwarded with a line in the hub's audit log.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeOverlay, addressOwners } from '@/server/fleet/overlay';
import { searchFleet } from '@/server/fleet/search';
import { parseFdb, bridgeArgvIn } from '@/server/fleet/fdb';
import { AgentClient } from '@/server/fleet/agent';
import { Fleet, parseAgents } from '@/server/fleet/fleet';
import { forwardEdits } from '@/server/fleet/forward';
import type { NodeView } from '@/shared/fleet/types';
import type { HostDiff } from '@/shared/host/types';
import { nodeFdb, nodeIp, nodeName, nodeSnapshot, podSubnet } from '../fleet/fixture';
import { startSimAgent, type SimAgent } from '../fleet/sim-agent';

function views(n: number, withFdb = true): NodeView[] {
  return Array.from({ length: n }, (_, i) => {
    const s = nodeSnapshot(i, n);
    return { name: nodeName(i), up: true, snapshot: s, fdb: withFdb ? nodeFdb(s, i, n) : [], extraAddresses: [] };
  });
}

describe('overlay', () => {
  it('resolves each vxlan remote, FDB dst and host-gw gateway to the node that owns the address', () => {
    const o = computeOverlay(views(3));
    expect(o.nodes.map((n) => n.name)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(o.nodes[1].addresses).toContain(nodeIp(1));
    const remote = o.tunnels.filter((t) => t.kind === 'vxlan');
    expect(remote.map((t) => [t.from, t.to, t.local, t.remote, t.dev])).toEqual([
      ['node-0', 'node-1', nodeIp(0), nodeIp(1), 'vx42'],
      ['node-1', 'node-2', nodeIp(1), nodeIp(2), 'vx42'],
      ['node-2', 'node-0', nodeIp(2), nodeIp(0), 'vx42'],
    ]);
    // FDB entries: every other node, except the one the vxlan's remote already names
    const fdb = o.tunnels.filter((t) => t.kind === 'vxlan-fdb');
    expect(fdb.map((t) => `${t.from}>${t.to}`).sort()).toEqual(['node-0>node-2', 'node-1>node-0', 'node-2>node-1']);
    expect(o.routes.filter((r) => r.node === 'node-0')).toEqual([
      { node: 'node-0', dst: podSubnet(1), via: nodeIp(1), toNode: 'node-1', dev: 'eth1' },
      { node: 'node-0', dst: podSubnet(2), via: nodeIp(2), toNode: 'node-2', dev: 'eth1' },
    ]);
    expect(o.routes).toHaveLength(6);
  });

  it('an address every node has (qemu user net 10.0.2.15) belongs to none; a gateway no node owns is no host-gw route', () => {
    const owners = addressOwners(views(2));
    expect(owners.has('10.0.2.15')).toBe(false);
    expect(owners.get(nodeIp(1))).toBe('node-1');
    const v = views(2);
    v[0].snapshot!.routes.push({ ...v[0].snapshot!.routes.at(-1)!, dst: '192.0.2.0/24', gateway: '10.0.3.200' });
    expect(computeOverlay(v).routes.map((r) => r.dst)).not.toContain('192.0.2.0/24');
  });

  it('a remote outside the fleet is a tunnel to nowhere (to: null), shown, not dropped', () => {
    const o = computeOverlay(views(1));
    expect(o.tunnels).toEqual([expect.objectContaining({ from: 'node-0', to: 'node-0', kind: 'vxlan' })]);
    const v = views(2, false);
    v.pop();
    expect(computeOverlay(v).tunnels[0]).toMatchObject({ from: 'node-0', to: null, remote: nodeIp(1) });
  });

  it("the Kubernetes node address counts as the node's own", () => {
    const v = views(2);
    v[1].extraAddresses = ['172.18.0.9'];
    v[0].snapshot!.routes.push({ ...v[0].snapshot!.routes.at(-1)!, dst: '10.245.0.0/16', gateway: '172.18.0.9' });
    expect(computeOverlay(v).routes).toContainEqual(
      expect.objectContaining({ node: 'node-0', dst: '10.245.0.0/16', toNode: 'node-1' }),
    );
  });
});

describe('search', () => {
  const nodes = views(3).map((v) => ({ name: v.name, snapshot: v.snapshot }));
  it.each([
    ['a pod by name', 'web-1', [{ node: 'node-1', kind: 'pod', label: 'pod default/web-1' }]],
    ['an IP (a node address)', nodeIp(2), [{ node: 'node-2', kind: 'ip', label: `${nodeIp(2)}/24 on eth1 in root` }]],
    ['a MAC', '52:54:00:aa:00:01', [{ node: 'node-1', kind: 'mac' }]],
  ])('%s → which node, which namespace', (_, q, want) => {
    const hits = searchFleet(nodes, q);
    expect(hits.slice(0, want.length)).toEqual(want.map((w) => expect.objectContaining(w)));
    if (want[0].kind !== 'mac') expect(hits.filter((h) => h.kind === want[0].kind)).toHaveLength(1);
  });
  it('a namespace or link name matches on every node, exact matches first, case-insensitive', () => {
    const hits = searchFleet(nodes, 'VX42');
    expect(hits.map((h) => [h.node, h.kind])).toEqual([
      ['node-0', 'link'],
      ['node-1', 'link'],
      ['node-2', 'link'],
    ]);
    const blue = searchFleet(nodes, 'blue');
    expect(blue.filter((h) => h.kind === 'namespace').map((h) => h.node)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(searchFleet(nodes, 've-')[0].kind).toBe('link');
  });
  it("a link hit names the namespace it is in, with an id that is that node's link id", () => {
    const [hit] = searchFleet(nodes, '10.1.0.2');
    const link = nodes[0].snapshot!.links.find((l) => l.id === hit.id);
    expect(link?.name).toBe('ve-g');
    expect(hit.label).toBe('10.1.0.2/24 on ve-g in green');
  });
  it('nothing for an empty query; at most the limit', () => {
    expect(searchFleet(nodes, '  ')).toEqual([]);
    expect(searchFleet(nodes, 'e', 5)).toHaveLength(5);
  });
});

describe('fdb', () => {
  it('keeps entries with a dst (bridge -j fdb show dev vxlan0 on a flannel node)', () => {
    const out = JSON.stringify([
      { mac: '0a:58:0a:f4:01:00', ifname: 'flannel.1', dst: '172.18.0.2', flags: ['self'], state: 'permanent' },
      { mac: '33:33:00:00:00:01', ifname: 'flannel.1', flags: ['self'], state: 'permanent' },
      { mac: '00:00:00:00:00:00', ifname: 'flannel.1', dst: '239.1.1.1', vni: 1, flags: ['self'], state: 'permanent' },
    ]);
    expect(parseFdb('1/5', 'flannel.1', out)).toEqual([
      { linkId: '1/5', dev: 'flannel.1', mac: '0a:58:0a:f4:01:00', dst: '172.18.0.2', vni: null },
      { linkId: '1/5', dev: 'flannel.1', mac: '00:00:00:00:00:00', dst: '239.1.1.1', vni: 1 },
    ]);
    expect(parseFdb('1/5', 'x', '')).toEqual([]);
  });
  it("enters the vxlan's namespace as the reader does", () => {
    expect(bridgeArgvIn({ root: true, path: null, source: 'root', name: null }, ['-j', 'fdb'])).toEqual([
      'bridge',
      '-j',
      'fdb',
    ]);
    expect(bridgeArgvIn({ root: false, path: '/var/run/netns/a', source: 'named', name: 'a' }, ['-j'])).toEqual([
      'nsenter',
      '--net=/var/run/netns/a',
      '--',
      'bridge',
      '-j',
    ]);
    expect(bridgeArgvIn({ root: false, path: '/proc/9/ns/net', source: 'process', name: null }, ['-j'])).toEqual([
      'nsenter',
      '--net=/proc/9/ns/net',
      '--',
      'bridge',
      '-j',
    ]);
  });
});

describe('--agents', () => {
  it('URL or NAME=URL, named by host:port by default', () => {
    expect(parseAgents('http://10.0.0.1:3000, a=http://10.0.0.2:3000/')).toEqual([
      { name: '10.0.0.1:3000', url: 'http://10.0.0.1:3000', addresses: [] },
      { name: 'a', url: 'http://10.0.0.2:3000', addresses: [] },
    ]);
  });
  it.each([
    ['', /at least one/],
    ['not a url', /not a URL/],
    ['ftp://x', /http/],
    ['a=http://x:1,a=http://y:1', /given twice/],
  ])('%j is refused: %s', (spec, msg) => expect(() => parseAgents(spec)).toThrow(msg));
});

describe('agent client (simulated agents over HTTP)', () => {
  const sims: SimAgent[] = [];
  const clients: { stop(): void }[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stop();
    for (const s of sims.splice(0)) await s.close();
  });
  const sim = async (i: number, n: number, token = 'agent-secret') => {
    const s = nodeSnapshot(i, n);
    const a = await startSimAgent({ snapshot: s, fdb: nodeFdb(s, i, n), token });
    sims.push(a);
    return a;
  };
  const client = (url: string, token: string | null = 'agent-secret') => {
    const c = new AgentClient({ name: 'n', url, token, backoffMs: [50, 200] });
    clients.push(c);
    c.start();
    return c;
  };

  it("keeps the node's live state: snapshot, diffs patched in, FDB read, counts, lastSeen", async () => {
    const a = await sim(0, 2);
    const c = client(a.url);
    await expect.poll(() => c.up).toBe(true);
    expect(c.snapshot?.hostname).toBe('node-0');
    await expect.poll(() => c.fdb.length).toBe(1);
    expect(c.info()).toMatchObject({
      name: 'n',
      url: a.url,
      up: true,
      error: null,
      counts: { namespaces: 5, links: a.snapshot.links.length },
    });
    expect(Date.parse(c.info().lastSeen!)).toBeGreaterThan(0);
    const lo = a.snapshot.links.find((l) => l.name === 'd0')!;
    const diff: HostDiff = {
      takenAt: new Date().toISOString(),
      namespaces: { upsert: [], remove: [] },
      links: { upsert: [], remove: [lo.id] },
      routes: { nsIds: [], upsert: [] },
      warnings: [],
      hidden: [],
      activity: [],
    };
    a.push(diff);
    await expect.poll(() => c.snapshot?.links.some((l) => l.id === lo.id)).toBe(false);
  });

  it("a wrong token: down, with the agent's words", async () => {
    const a = await sim(0, 1);
    const c = client(a.url, 'wrong');
    await expect.poll(() => c.error).toMatch(/valid token is required/);
    expect(c.up).toBe(false);
  });

  it('a node that goes away is down with its last-heard time, and comes back by itself', async () => {
    const a = await sim(0, 1);
    const c = client(a.url);
    await expect.poll(() => c.up).toBe(true);
    await a.close();
    await expect.poll(() => c.up).toBe(false);
    const heard = c.info().lastSeen;
    expect(heard).not.toBeNull();
    expect(c.error).toBeTruthy();
    expect(c.snapshot).not.toBeNull(); // the last state is kept, shown as of lastSeen
    await a.reopen();
    await expect.poll(() => c.up, { timeout: 10_000 }).toBe(true);
    expect(c.error).toBeNull();
  });

  it('fleet.search and overlay over live agents; an edit is forwarded with the node stripped and audited on the hub', async () => {
    const a = await sim(0, 2);
    const b = await sim(1, 2);
    const fleet = new Fleet({
      agents: parseAgents(`node-0=${a.url},node-1=${b.url}`),
      kubernetes: null,
      token: 'agent-secret',
    });
    clients.push(fleet);
    await expect.poll(() => fleet.nodes().every((n) => n.up && n.counts)).toBe(true);
    expect(fleet.search('web-1')).toEqual([expect.objectContaining({ node: 'node-1', kind: 'pod' })]);
    await expect.poll(() => fleet.list().every((x) => x.fdb.length === 1)).toBe(true);
    // with two nodes each FDB entry names the vxlan's own remote: one tunnel each way
    expect(
      fleet
        .overlay()
        .tunnels.map((t) => `${t.from}>${t.to}`)
        .sort(),
    ).toEqual(['node-0>node-1', 'node-1>node-0']);
    expect(
      fleet
        .overlay()
        .routes.map((r) => `${r.node}>${r.toNode}`)
        .sort(),
    ).toEqual(['node-0>node-1', 'node-1>node-0']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lsF-audit-'));
    try {
      const log = path.join(dir, 'audit.jsonl');
      const edits = [{ op: 'netns.add' as const, name: 'x' }];
      const r = await forwardEdits({ auditLog: log, remote: 'tester' }, fleet.get('node-1'), { edits, dryRun: true });
      expect(r.ok).toBe(true);
      expect(b.edits).toEqual([{ edits, dryRun: true }]);
      expect(a.edits).toEqual([]);
      const line = JSON.parse(readFileSync(log, 'utf8').trim());
      expect(line).toMatchObject({
        remote: 'tester',
        action: 'apply',
        dryRun: true,
        edits,
        outcome: { ok: true, node: 'node-1', agent: b.url },
      });
      // the agent's refusal comes back as the agent's words, and is audited too
      const bad = await startSimAgent({ snapshot: nodeSnapshot(0, 1), token: 'other' });
      sims.push(bad);
      const c = new AgentClient({ name: 'bad', url: bad.url, token: 'agent-secret' });
      await expect(forwardEdits({ auditLog: log, remote: 'tester' }, c, { edits })).rejects.toThrow(
        /valid token is required/,
      );
      expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => fleet.get('node-9')).toThrow(/no node named "node-9".*node-0, node-1/);
  });
});
