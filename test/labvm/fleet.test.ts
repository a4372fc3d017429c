// Lab VM tier, two real hosts: two lab VMs cabled together on eth2 (--wire), each a node with a flannel-like
// vxlan overlay, a host-gw route and a pod-like namespace (test/labvm/inside-fleet.sh), each running the agent
// (scripts/serve.mjs --host 0.0.0.0, reached here through --fwd). The hub runs on this machine with --agents.
// Checked through the hub: the node list, the overview (tunnels and routes resolved to the other node), search,
// an edit on one node (then `ip -j` in that VM), and a node that goes away showing as down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { labvmTier, LABVM_DIR } from '../tiers';
import { killTree } from './kill';
import { ensureBuild } from '../e2e/server';
import type { FleetNode, Overlay, SearchHit } from '../../shared/fleet/types';

const REPO = path.resolve(__dirname, '../..');
const CTL = path.join(REPO, `.labvm-fleet-${process.pid}`);
const POD = `lsF${process.pid}-pod`;
const TOKEN = `agent-${process.pid}-${Math.random().toString(36).slice(2)}`;
const FWD = [18501, 18502];
const WIRE = 18510;
const HUB = 18520;
const NAMES = ['node-a', 'node-b'];
/** the hub's own token (every request to it needs one, like any linkscape server's) */
const HUB_TOKEN = `hub-${process.pid}-${Math.random().toString(36).slice(2, 12)}`;

async function call<T>(proc: string, input?: unknown, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const url = `http://127.0.0.1:${HUB}/api/trpc/${proc}${method === 'GET' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`;
  const auth = { authorization: `Bearer ${HUB_TOKEN}` };
  const res = await fetch(
    url,
    method === 'POST'
      ? { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(input) }
      : { headers: auth },
  );
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (body.error) throw new Error(`${proc}: ${body.error.message}`);
  return body.result!.data;
}

const until = async <T>(what: string, f: () => Promise<T | null | undefined | false>, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
  );
};

describe.skipIf(!labvmTier.ok)('lab VM tier: a fleet of two wired VMs behind one hub', () => {
  const vms: ResultPromise[] = [];
  let hub: ResultPromise | null = null;
  const vmOut: string[] = ['', ''];

  const startVm = (i: number) => {
    const wire = i === 0 ? `listen:${WIRE}` : `connect:${WIRE}`;
    const p = execa(
      path.join(LABVM_DIR, 'run'),
      [
        '--mem',
        '768',
        '--fwd',
        `${FWD[i]}:3000`,
        '--wire',
        wire,
        '--',
        'sh',
        'test/labvm/inside-fleet.sh',
        String(i),
        CTL,
        TOKEN,
        '127.0.0.1',
        POD,
      ],
      {
        cwd: REPO,
        reject: false,
        all: true,
        timeout: 20 * 60_000,
      },
    );
    p.all?.on('data', (d: Buffer) => (vmOut[i] += d.toString()));
    vms[i] = p;
    return p;
  };

  // TCG on a loaded host: the guest kernel sometimes panics at boot ("IO-APIC + timer doesn't work", its timer
  // check ran too slowly). Then both VMs are booted again (the wire pairs them), at most a few times.
  const PANIC = /IO-APIC \+ timer doesn't work|Kernel panic/;
  const bootPair = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      rmSync(CTL, { recursive: true, force: true });
      mkdirSync(CTL, { recursive: true });
      vmOut[0] = vmOut[1] = '';
      void startVm(0); // its end is watched through exitCode (reject: false: it never rejects)
      await until(
        'the wire to listen',
        async () =>
          vms[0].exitCode !== null || (await execa('ss', ['-ltnH', `sport = :${WIRE}`])).stdout.trim().length > 0,
        60_000,
      );
      if (vms[0].exitCode === null) void startVm(1);
      const state = await until(
        'both VMs set up',
        async () => {
          if (vms.some((p) => p?.exitCode !== null && p?.exitCode !== undefined)) return 'exited';
          return [0, 1].every((i) => existsSync(path.join(CTL, `ready-${i}`))) && 'ready';
        },
        10 * 60_000,
      );
      if (state === 'ready') return;
      const panicked = vmOut.some((o) => PANIC.test(o));
      for (const p of vms) if (p?.pid && p.exitCode === null) killTree(p.pid);
      await Promise.all(vms.map((p) => p?.catch(() => undefined)));
      if (!panicked || attempt >= 4)
        throw new Error(
          `a VM exited while booting (attempt ${attempt}):\nVM a:\n${vmOut[0].slice(-3000)}\nVM b:\n${vmOut[1].slice(-3000)}`,
        );
    }
  };

  beforeAll(async () => {
    await ensureBuild(); // the agents and the hub are scripts/serve.mjs: the production build
    await bootPair();
    hub = execa(
      'node',
      [
        'scripts/serve.mjs',
        '--port',
        String(HUB),
        '--agents',
        FWD.map((p, i) => `${NAMES[i]}=http://127.0.0.1:${p}`).join(','),
        '--agent-token',
        TOKEN,
        '--token',
        HUB_TOKEN,
        '--token-file',
        path.join(CTL, 'hub-token'),
      ],
      {
        cwd: REPO,
        reject: false,
        all: true,
        env: {
          LINKSCAPE_AUDIT_LOG: path.join(CTL, 'hub-audit.jsonl'),
          LINKSCAPE_JOURNAL: path.join(CTL, 'hub-journal.jsonl'),
        },
      },
    );
    await until(
      'both nodes up with their snapshots',
      async () => {
        const n = await call<FleetNode[]>('fleet.nodes');
        return n.every((x) => x.up && x.counts) && n;
      },
      15 * 60_000,
    ).catch((e) => {
      throw new Error(`${e}\nVM a:\n${vmOut[0].slice(-2000)}\nVM b:\n${vmOut[1].slice(-2000)}`);
    });
  }, 32 * 60_000);

  afterAll(async () => {
    for (let i = 0; i < 2; i++)
      if (!existsSync(path.join(CTL, `stop-${i}`))) mkdirSync(path.join(CTL, `stop-${i}`), { recursive: true });
    await Promise.all(vms.map((p) => Promise.race([p, new Promise((r) => setTimeout(r, 120_000))])));
    for (const p of vms) if (p.exitCode === null && p.pid) killTree(p.pid);
    if (hub?.pid && hub.exitCode === null) process.kill(hub.pid, 'SIGTERM');
    await hub;
    rmSync(CTL, { recursive: true, force: true });
  }, 5 * 60_000);

  it('the node list: both nodes up, with their addresses, counts and last-heard times', async () => {
    const nodes = await call<FleetNode[]>('fleet.nodes');
    expect(nodes.map((n) => n.name)).toEqual(NAMES);
    for (const [i, n] of nodes.entries()) {
      expect(n).toMatchObject({ url: `http://127.0.0.1:${FWD[i]}`, up: true, error: null });
      expect(n.addresses).toContain(`192.168.77.${i + 1}`);
      expect(n.counts!.namespaces).toBeGreaterThanOrEqual(2);
      expect(Date.parse(n.lastSeen!)).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it('the overview: the vxlan FDB dst and both routes of each node resolve to the other node', async () => {
    const o = await until(
      'the FDB entries',
      async () => {
        const x = await call<Overlay>('fleet.overlay');
        return x.tunnels.length >= 2 && x;
      },
      60_000,
    );
    for (const [i, me] of NAMES.entries()) {
      const peer = NAMES[1 - i];
      expect(o.tunnels).toContainEqual(
        expect.objectContaining({
          from: me,
          to: peer,
          kind: 'vxlan-fdb',
          dev: 'flannel.1',
          local: `192.168.77.${i + 1}`,
          remote: `192.168.77.${2 - i}`,
        }),
      );
      expect(o.routes).toContainEqual({
        node: me,
        dst: `10.245.${1 - i}.0/24`,
        via: `192.168.77.${2 - i}`,
        toNode: peer,
        dev: 'eth2',
      });
      expect(o.routes).toContainEqual({
        node: me,
        dst: `10.244.${1 - i}.0/24`,
        via: `10.244.${1 - i}.0`,
        toNode: peer,
        dev: 'flannel.1',
      });
    }
    // the qemu user-net address every VM has belongs to neither
    expect(o.nodes.flatMap((n) => n.addresses).filter((a) => a === '10.0.2.15')).toHaveLength(2);
    expect(o.routes.every((r) => r.via !== '10.0.2.2')).toBe(true);
  });

  it('search: a pod address and the pod namespace → which node, which namespace', async () => {
    const ip = await call<SearchHit[]>('fleet.search', { q: '10.244.1.5' });
    expect(ip).toEqual([
      expect.objectContaining({ node: 'node-b', kind: 'ip', label: `10.244.1.5/24 on eth0 in ${POD}` }),
    ]);
    const ns = await call<SearchHit[]>('fleet.search', { q: POD });
    expect(
      ns
        .filter((h) => h.kind === 'namespace')
        .map((h) => h.node)
        .sort(),
    ).toEqual(NAMES);
  });

  it('an edit through the hub lands on that node only (checked with ip -j in both VMs), audited on the hub', async () => {
    const edits = [{ op: 'addr.add', ns: POD, dev: 'eth0', cidr: '10.244.1.77/24' }];
    const preview = await call<{ dryRun: boolean; plan: { steps: { argv: string[] }[] } }>(
      'edit.applyEdits',
      { node: 'node-b', dryRun: true, edits },
      'POST',
    );
    expect(preview.plan.steps.map((s) => s.argv)).toEqual([
      ['ip', '-n', POD, 'addr', 'add', '10.244.1.77/24', 'dev', 'eth0'],
    ]);
    const applied = await call<{ ok: boolean }>('edit.applyEdits', { node: 'node-b', edits }, 'POST');
    expect(applied.ok).toBe(true);
    // the hub's copy of node-b hears it live
    await until(
      "the address in the hub's search",
      async () => (await call<SearchHit[]>('fleet.search', { q: '10.244.1.77' })).some((h) => h.node === 'node-b'),
      60_000,
    );
    const audit = readFileSync(path.join(CTL, 'hub-audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.map((a) => [a.dryRun, a.outcome.node, a.outcome.ok])).toEqual([
      [true, 'node-b', true],
      [false, 'node-b', true],
    ]);
    // a bad edit is refused by the agent with the field named, and nothing runs
    await expect(
      call(
        'edit.applyEdits',
        { node: 'node-b', edits: [{ op: 'addr.add', ns: POD, dev: 'eth0', cidr: '10.244.1.300/24' }] },
        'POST',
      ),
    ).rejects.toThrow(/cidr/);
    await expect(call('edit.applyEdits', { node: 'node-z', edits }, 'POST')).rejects.toThrow(/no node named "node-z"/);
  });

  it("a node that goes away shows down with its last-heard time; the VMs' own ip -j agree with what the hub showed", async () => {
    mkdirSync(path.join(CTL, 'stop-1'), { recursive: true });
    const down = await until(
      'node-b down',
      async () => (await call<FleetNode[]>('fleet.nodes')).find((n) => n.name === 'node-b' && !n.up),
      120_000,
    );
    expect(down.lastSeen).not.toBeNull();
    expect(down.error).toBeTruthy();
    expect((await call<FleetNode[]>('fleet.nodes')).find((n) => n.name === 'node-a')?.up).toBe(true);
    await until('VM b to report', async () => existsSync(path.join(CTL, 'ip-1.json')), 120_000);
    mkdirSync(path.join(CTL, 'stop-0'), { recursive: true });
    await until('VM a to report', async () => existsSync(path.join(CTL, 'ip-0.json')), 120_000);
    const b = JSON.parse(readFileSync(path.join(CTL, 'ip-1.json'), 'utf8'));
    const a = JSON.parse(readFileSync(path.join(CTL, 'ip-0.json'), 'utf8'));
    const inet = (doc: { addr_info: { family: string; local: string; prefixlen: number }[] }[]) =>
      doc.flatMap((l) => l.addr_info.filter((x) => x.family === 'inet').map((x) => `${x.local}/${x.prefixlen}`));
    expect(inet(b.podAddr)).toEqual(expect.arrayContaining(['10.244.1.5/24', '10.244.1.77/24']));
    expect(inet(a.podAddr)).not.toContain('10.244.1.77/24');
    expect(b.fdb).toContainEqual(expect.objectContaining({ mac: '0a:58:0a:f4:00:00', dst: '192.168.77.1' }));
    // the overlay carries traffic: pod b → pod a across flannel.1 (pinged just before b's report)
    expect(b.ping).toMatch(/2 received/);
  });
});
