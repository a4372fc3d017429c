// Kernel tier: edits applied to real namespaces through the tRPC router (createCaller), checked with `ip -j`.
// Everything lives in namespaces named with this run's prefix (nothing is made in the host's namespace;
// ourHostLinks() checks that stays so). All of it is removed in afterAll, also on failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { kernelTier, pingAvailable } from '../tiers';
import { Lab, inodeOf } from './lab';
import { appRouter } from '../../server/api/root';
import { run as realRun, type Runner } from '../../server/ip/run';
import type { Context } from '../../server/api/trpc';
import { readAudit } from '../../server/edits/audit';
import { readForEdits } from '../../server/edits/read';
import { Edit } from '../../shared/edits/schema';
import type { PingEvent } from '../../server/api/diag';

const lab = new Lab('e');
const P = lab.prefix; // e.g. lse12345
const NS = { a: `${P}-a`, b: `${P}-b`, p: `${P}-p`, x: `${P}-x`, l: `${P}-l`, ro: `${P}-ro` };
const HOST_LINK = `${P}r`.slice(0, 15);
let dir = '';

function caller(over: Partial<Context['config']> = {}, run: Runner = realRun) {
  return appRouter.createCaller({
    run,
    config: {
      host: '127.0.0.1',
      port: 0,
      readOnly: false,
      auth: 'token',
      trustProxy: false,
      auditLog: path.join(dir, 'audit.jsonl'),
      journal: path.join(dir, 'journal.jsonl'),
      ...over,
    },
    headers: new Headers(),
    remote: 'kernel-test',
  });
}

async function ipj(ns: string | null, ...args: string[]): Promise<unknown> {
  const r = await execa('ip', [...(ns ? ['-n', ns] : []), '-j', ...args], { reject: false });
  if (r.exitCode !== 0) return { error: r.stderr.trim() };
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}
async function ourNamespaces(): Promise<string[]> {
  const list = ((await ipj(null, 'netns', 'list')) as { name: string }[]) ?? [];
  return list
    .map((n) => n.name)
    .filter((n) => n.startsWith(`${P}-`))
    .sort();
}
async function ourHostLinks(): Promise<string[]> {
  return ((await ipj(null, 'link', 'show')) as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(P));
}

describe.skipIf(!kernelTier.ok)('kernel: edits on real namespaces', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ls-edit-'));
  });
  afterAll(async () => {
    await lab.cleanup();
    for (const n of Object.values(NS)) await execa('ip', ['netns', 'del', n], { reject: false });
    for (const l of await ourHostLinks()) await execa('ip', ['link', 'del', 'dev', l], { reject: false });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('macvlan bridge children of a veth end, in two new namespaces', () => {
    it('applies: namespaces, veth parent in a third, macvlans moved in with addresses, up', async () => {
      const r = await caller().edit.applyEdits({
        edits: [
          { op: 'netns.add', name: NS.a },
          { op: 'netns.add', name: NS.b },
          { op: 'netns.add', name: NS.p },
          { op: 'link.add', kind: 'veth', ns: NS.p, name: 'vp0', up: true, peer: { name: 'vp1', up: true } },
          {
            op: 'link.add',
            kind: 'macvlan',
            ns: NS.p,
            parent: 'vp0',
            name: 'mv1',
            mode: 'bridge',
            netns: NS.a,
            addresses: ['10.213.0.1/24'],
            up: true,
          },
          {
            op: 'link.add',
            kind: 'macvlan',
            ns: NS.p,
            parent: 'vp0',
            name: 'mv2',
            mode: 'bridge',
            netns: NS.b,
            addresses: ['10.213.0.2/24'],
            up: true,
          },
        ],
      });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(await ourNamespaces()).toEqual([NS.a, NS.b, NS.p].sort());
      const [mv1] = (await ipj(NS.a, '-d', 'addr', 'show', 'dev', 'mv1')) as {
        flags: string[];
        linkinfo: { info_kind: string; info_data: { mode: string } };
        addr_info: { local: string }[];
      }[];
      expect(mv1.linkinfo.info_kind).toBe('macvlan');
      expect(mv1.linkinfo.info_data.mode).toBe('bridge');
      expect(mv1.flags).toContain('UP');
      expect(mv1.addr_info.map((a) => a.local)).toContain('10.213.0.1');
      const audit = await readAudit(path.join(dir, 'audit.jsonl'));
      expect(audit.at(-1)).toMatchObject({ remote: 'kernel-test', dryRun: false, outcome: { ok: true } });
    });

    it.skipIf(!pingAvailable)('diag.ping from one namespace to the other succeeds (streamed)', async () => {
      const events: PingEvent[] = [];
      const it = await caller().diag.ping({ nsId: NS.a, target: '10.213.0.2', count: 2 });
      for await (const ev of it as AsyncIterable<PingEvent>) events.push(ev);
      const exit = events.find((e) => e.type === 'exit');
      const lines = events.flatMap((e) => (e.type === 'line' ? [e.line] : []));
      expect(events[0]).toMatchObject({ type: 'start' });
      expect(exit, lines.join('\n')).toMatchObject({ type: 'exit', exitCode: 0 });
      expect(lines.join('\n')).toMatch(/2 packets transmitted, 2 received/);
    });

    it('what the planner reads shows the macvlans with their parent across namespaces', async () => {
      const s = await readForEdits(
        realRun,
        [NS.a, NS.b, NS.p].map((ns) => Edit.parse({ op: 'link.del', ns, dev: 'x' })),
      );
      const byName = (ns: string, name: string) => {
        const n = s.namespaces.find((x) => x.name === ns)!;
        return s.links.find((l) => l.nsId === n.id && l.name === name)!;
      };
      expect(byName(NS.a, 'mv1').parentId).toBe(byName(NS.p, 'vp0').id);
      expect(byName(NS.b, 'mv2').parentId).toBe(byName(NS.p, 'vp0').id);
    });

    it('edit.undo removes all of it', async () => {
      const u = await caller().edit.undo();
      expect(u.ok, JSON.stringify(u)).toBe(true);
      expect(await ourNamespaces()).toEqual([]);
      await expect(caller().edit.undo()).rejects.toThrow(/nothing to undo/);
    });
  });

  it("rollback: a middle step fails with the kernel's message and the host is as it was", async () => {
    const L = NS.l;
    await execa('ip', ['netns', 'add', L]);
    await execa('ip', ['-n', L, 'link', 'add', 'name', 'l0', 'type', 'veth', 'peer', 'name', 'l1']);
    await execa('ip', ['-n', L, 'addr', 'add', '10.214.0.1/24', 'dev', 'l0']);
    await execa('ip', ['-n', L, 'link', 'add', 'name', 'vx1', 'type', 'vxlan', 'id', '77', 'dstport', '4789']);
    const capture = async () => ({
      links: await ipj(L, '-d', 'link', 'show'),
      addrs: await ipj(L, 'addr', 'show'),
      routes: await ipj(L, 'route', 'show', 'table', 'all'),
      namespaces: await ourNamespaces(),
      hostLinks: await ourHostLinks(),
    });
    const before = await capture();
    const r = await caller().edit.applyEdits({
      edits: [
        { op: 'netns.add', name: NS.x },
        { op: 'link.set', ns: L, dev: 'l0', mtu: 1400 },
        { op: 'addr.add', ns: L, dev: 'l0', cidr: '10.214.0.9/24' },
        { op: 'link.add', kind: 'veth', ns: L, name: HOST_LINK, peer: { name: 'rx', netns: NS.x } },
        { op: 'link.add', kind: 'vxlan', ns: L, name: 'vx2', vni: 77, dstport: 4789 },
        { op: 'link.set', ns: L, dev: 'l0', up: true },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok || r.dryRun) return;
    expect(r.failedStep).toBe(6); // netns add, lo up, mtu, addr, veth, vxlan
    expect(r.failed.argv).toEqual([
      'ip',
      '-n',
      L,
      'link',
      'add',
      'name',
      'vx2',
      'type',
      'vxlan',
      'id',
      '77',
      'dstport',
      '4789',
    ]);
    expect(r.error).toBe('Error: A VXLAN device with the specified VNI already exists.');
    expect(r.rolledBack.map((x) => [x.step, x.ok])).toEqual([
      [5, true],
      [4, true],
      [3, true],
      [2, true],
      [1, true],
    ]);
    expect(await capture()).toEqual(before);
    const audit = await readAudit(path.join(dir, 'audit.jsonl'));
    expect(audit.at(-1)?.outcome).toMatchObject({
      ok: false,
      failedStep: 6,
      error: 'Error: A VXLAN device with the specified VNI already exists.',
    });
  });

  it('works for unnamed namespaces: a veth end into one held by a process, by its id, and back by undo', async () => {
    const pid = await lab.unnamed();
    const id = await inodeOf(`/proc/${pid}/ns/net`);
    await execa('ip', ['netns', 'add', NS.x]).catch(() => undefined);
    const r = await caller().edit.applyEdits({
      edits: [
        {
          op: 'link.add',
          kind: 'veth',
          ns: NS.x,
          name: 'u0',
          peer: { name: 'u1', netns: id, addresses: ['10.215.0.2/24'], up: true },
        },
      ],
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const inside = await execa('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-j', 'addr', 'show', 'dev', 'u1']);
    expect(JSON.parse(inside.stdout)[0].addr_info.map((a: { local: string }) => a.local)).toContain('10.215.0.2');
    const u = await caller().edit.undo();
    expect(u.ok, JSON.stringify(u)).toBe(true);
    const gone = await execa('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', 'link', 'show', 'dev', 'u1'], {
      reject: false,
    });
    expect(gone.stderr).toMatch(/does not exist/);
    await execa('ip', ['netns', 'del', NS.x], { reject: false });
  });

  it('read-only mode refuses to apply (nothing changes) but previews a dry run', async () => {
    const edits = [{ op: 'netns.add' as const, name: NS.ro }];
    await expect(caller({ readOnly: true }).edit.applyEdits({ edits })).rejects.toThrow(/read-only/);
    expect(await ourNamespaces()).not.toContain(NS.ro);
    const dry = await caller({ readOnly: true }).edit.applyEdits({ edits, dryRun: true });
    expect(dry.plan.steps[0].argv).toEqual(['ip', 'netns', 'add', NS.ro]);
    expect(await ourNamespaces()).not.toContain(NS.ro);
    await expect(caller({ readOnly: true }).edit.undo()).rejects.toThrow(/read-only/);
  });

  it('the lock-out guard holds: physical NIC, default route, host links not ours — nothing runs', async () => {
    // a runner that lets reads through and refuses (and records) anything else
    const attempted: string[][] = [];
    const readsOnly: Runner = async (argv, o) => {
      if (argv.includes('-j') || argv.join(' ') === 'ip -V') return realRun(argv, o);
      attempted.push(argv);
      throw new Error(`test refused: ${argv.join(' ')}`);
    };
    const s = await readForEdits(realRun, []);
    const root = s.namespaces.find((n) => n.root)!;
    const hostLinks = s.links.filter((l) => l.nsId === root.id);
    const nic = hostLinks.find((l) => l.kind === 'physical');
    const notOurs = hostLinks.find((l) => l.kind !== 'physical' && l.kind !== 'loopback' && !l.name.startsWith('ls'));
    const hasDefault = s.routes.some((r) => r.nsId === root.id && r.dst === 'default' && r.family === 'inet');
    const cases: unknown[] = [];
    if (nic)
      cases.push(
        { op: 'link.set', dev: nic.name, up: false },
        { op: 'link.del', dev: nic.name },
        { op: 'link.set', dev: nic.name, netns: NS.a },
      );
    if (hasDefault) cases.push({ op: 'route.del', dst: 'default' });
    if (notOurs) cases.push({ op: 'link.del', dev: notOurs.name });
    expect(cases.length).toBeGreaterThan(0);
    await execa('ip', ['netns', 'add', NS.a]).catch(() => undefined);
    for (const edit of cases) {
      const err = await caller({}, readsOnly)
        .edit.applyEdits({ edits: [edit] as never })
        .catch((e) => e);
      expect(err?.code, JSON.stringify(edit)).toBe('PRECONDITION_FAILED');
      expect(err.message).toMatch(/refused without force/);
    }
    expect(attempted).toEqual([]);
    if (nic) {
      const [after] = (await ipj(null, 'link', 'show', 'dev', nic.name)) as { flags: string[] }[];
      expect(after.flags.includes('UP')).toBe(nic.up);
    }
    await execa('ip', ['netns', 'del', NS.a], { reject: false });
  });

  it("host.capabilities matches what the kernel says, and an unsupported kind is refused with the kernel's reason", async () => {
    const caps = await caller().host.capabilities();
    expect(caps.root).toBe(true);
    expect(caps.kernel).toBe((await execa('uname', ['-r'])).stdout.trim());
    expect(caps.iproute2).toMatch(/^\d+\.\d+/);
    // the truth, asked independently in a namespace of ours
    const probeNs = await lab.netns('cap');
    await execa('ip', ['-n', probeNs, 'link', 'add', 'name', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
    const truth = await execa(
      'ip',
      ['-n', probeNs, 'link', 'add', 'link', 'p0', 'name', 'iv', 'type', 'ipvlan', 'mode', 'l3'],
      { reject: false },
    );
    expect(caps.kinds.ipvlan.supported).toBe(truth.exitCode === 0);
    expect(caps.kinds.veth.supported).toBe(true);
    expect(caps.kinds.macvlan.supported).toBe(true);
    const left = ((await ipj(null, 'netns', 'list')) as { name: string }[]).filter((n) =>
      n.name.startsWith(`linkscape-probe-${process.pid}-`),
    );
    expect(left).toEqual([]); // the probe's scratch namespace is gone
    if (truth.exitCode !== 0) {
      expect(caps.kinds.ipvlan.reason).toBe(truth.stderr.trim());
      const err = await caller()
        .edit.applyEdits({
          edits: [{ op: 'link.add', kind: 'ipvlan', ns: probeNs, parent: 'p0', name: 'iv1', mode: 'l3' }],
        })
        .catch((e) => e);
      expect(err?.code).toBe('BAD_REQUEST');
      expect(err.message).toBe(
        `edits.0.kind: ipvlan is not supported by this kernel (${caps.kernel}): ${truth.stderr.trim()}`,
      );
      expect(((await ipj(probeNs, 'link', 'show')) as { ifname: string }[]).map((l) => l.ifname)).not.toContain('iv1');
    }
  });
});
