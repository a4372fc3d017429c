// Kernel tier: a real agent (scripts/serve.mjs on loopback, its own token) and a real hub over it
// (--agents, --agent-token). Through the hub only: a preview, an edit in this test's namespace, history,
// undo; each checked with `ip -j -n NS link`; the hub's audit log has a line for the apply and the undo
// (naming the node), the agent's log the plan and its undo; the agent's refusals reach the hub's caller
// with the code and words the agent gives directly; a node that is down is an error naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { kernelTier } from '../tiers';
import { Lab } from './lab';
import { ensureBuild, startServer, type Served } from '../e2e/server';

const lab = new Lab('F');
const AGENT_TOKEN = randomBytes(18).toString('base64url');
const NODE = 'lab-node';

/** a tRPC reply as the test reads it: data or error, whatever procedure answered */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields its procedure returns
type Loose = any;
interface Reply {
  status: number;
  json: () => Loose;
}

const QUERIES = new Set(['fleet.nodes', 'edit.history', 'edit.last', 'edit.audit', 'edit.checkpoint', 'edit.recovery']);

/** GET ?input= for a query, POST for a mutation, with the server's token and a Host it answers to */
function request(s: Served, proc: string, input?: unknown): Promise<Reply> {
  const mutation = !QUERIES.has(proc);
  const data = mutation ? JSON.stringify(input ?? null) : undefined;
  const q = !mutation && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: s.port,
        method: mutation ? 'POST' : 'GET',
        path: `/api/trpc/${proc}${q}`,
        headers: {
          host: `127.0.0.1:${s.port}`,
          ...s.headers,
          ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(body) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const t = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const audit = (s: Served): Loose[] => {
  const f = path.join(s.dir, 'audit.jsonl');
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
};

describe.skipIf(!kernelTier.ok)(
  'edits through the hub to a real agent (kernel tier, two real servers on loopback)',
  () => {
    let agent: Served;
    let hub: Served;
    let ns = '';
    const links = async () => (await lab.ipJson<{ ifname: string }[]>(ns, 'link', 'show')).map((l) => l.ifname).sort();
    const veth = () => [{ op: 'link.add', kind: 'veth', ns, name: 'hub0a', peer: { name: 'hub0b' }, up: true }];

    beforeAll(async () => {
      await ensureBuild();
      ns = await lab.netns('a');
      agent = await startServer([], undefined, { token: AGENT_TOKEN });
      hub = await startServer(['--agents', `${NODE}=http://127.0.0.1:${agent.port}`, '--agent-token', AGENT_TOKEN]);
      await until('the hub to hear its agent', async () => {
        const r = await request(hub, 'fleet.nodes');
        return (
          r.status === 200 && r.json().result.data.some((n: { name: string; up: boolean }) => n.name === NODE && n.up)
        );
      });
    }, 20 * 60_000);

    afterAll(async () => {
      await hub?.stop();
      await agent?.stop();
      await lab.cleanup();
    });

    it('preview, apply, history and undo through the hub act on the node; both audit logs say so', async () => {
      expect(await links()).toEqual(['lo']);
      const preview = await request(hub, 'edit.applyEdits', { node: NODE, edits: veth(), dryRun: true });
      expect(preview.status).toBe(200);
      const p = preview.json().result.data;
      expect(p).toMatchObject({ dryRun: true, ok: true });
      expect(p.plan.steps.map((s: { argv: string[] }) => s.argv.join(' '))).toContainEqual(
        expect.stringMatching(new RegExp(`-n ${ns} link add (name )?hub0a type veth peer name hub0b`)),
      );
      expect(await links()).toEqual(['lo']);

      const applied = await request(hub, 'edit.applyEdits', { node: NODE, edits: veth() });
      expect(applied.status).toBe(200);
      expect(applied.json().result.data).toMatchObject({ dryRun: false, ok: true });
      expect(await links()).toEqual(['hub0a', 'hub0b', 'lo']);

      const history = (await request(hub, 'edit.history', { node: NODE })).json().result.data;
      expect(history.undo).toHaveLength(1);
      // the hub's own history (no node) is not the node's
      expect((await request(hub, 'edit.history')).json().result.data.undo).toEqual([]);
      expect((await request(hub, 'edit.last', { node: NODE })).json().result.data).toMatchObject({
        undoable: expect.any(Number),
      });

      const undone = await request(hub, 'edit.undo', { node: NODE, id: history.undo[0].id });
      expect(undone.status).toBe(200);
      expect(undone.json().result.data).toMatchObject({ dryRun: false, ok: true });
      expect(await links()).toEqual(['lo']);
      expect((await request(hub, 'edit.history', { node: NODE })).json().result.data.redo).toHaveLength(1);

      // the hub's log: one line for the apply, one for the undo, each naming the node; the preview is one too
      const mine = audit(hub).filter((e) => e.outcome?.node === NODE);
      expect(mine.map((e) => `${e.action}${e.dryRun ? ' (preview)' : ''}:${e.outcome.ok}`)).toEqual([
        'apply (preview):true',
        'apply:true',
        'undo:true',
      ]);
      expect(mine[1]).toMatchObject({
        remote: '127.0.0.1',
        edits: veth(),
        outcome: { agent: `http://127.0.0.1:${agent.port}` },
      });
      expect(mine[2].plan.map((s: { argv: string[] }) => s.argv.join(' '))).toContainEqual(
        expect.stringMatching(/link del (dev )?hub0a$/),
      );
      // the agent's own log, read through the hub: the plan and its undo, as it ran them
      const there = (await request(hub, 'edit.audit', { node: NODE, limit: 10 })).json().result.data as Loose[];
      expect(there.filter((e) => !e.dryRun).map((e) => `${e.action}:${e.outcome.ok}`)).toEqual([
        'apply:true',
        'undo:true',
      ]);
      expect(there.map((e) => e.remote)).toEqual(there.map(() => '127.0.0.1'));
    }, 120_000);

    it("the agent's refusals reach the hub's caller as the agent gives them, and the hub audits each once", async () => {
      const before = audit(hub).length;
      const cases: [string, unknown][] = [
        ['edit.applyEdits', { edits: [{ op: 'link.add', kind: 'veth', ns, name: 'lo', peer: { name: 'hub1b' } }] }],
        ['edit.undo', { id: 999 }],
        ['edit.confirm', { id: 'nope' }],
        ['edit.revert', { id: 'nope' }],
      ];
      for (const [proc, input] of cases) {
        const direct = await request(agent, proc, input);
        const viaHub = await request(hub, proc, { ...(input as object), node: NODE });
        expect(direct.status, proc).toBeGreaterThanOrEqual(400);
        expect(
          {
            status: viaHub.status,
            message: viaHub.json().error.message,
            code: viaHub.json().error.data.code,
            issues: viaHub.json().error.data.issues,
          },
          proc,
        ).toEqual({
          status: direct.status,
          message: direct.json().error.message,
          code: direct.json().error.data.code,
          issues: direct.json().error.data.issues,
        });
      }
      expect(await links()).toEqual(['lo']);
      const lines = audit(hub).slice(before);
      expect(lines.map((e) => `${e.action}:${e.outcome.node}:${e.outcome.ok}`)).toEqual(
        ['apply', 'undo', 'confirm', 'revert'].map((a) => `${a}:${NODE}:false`),
      );
    }, 60_000);

    it('an unknown node is refused by the hub naming it; a node that is down is an error naming the node', async () => {
      const unknown = await request(hub, 'edit.undo', { node: 'elsewhere' });
      expect(unknown.status).toBe(400);
      expect(unknown.json().error.message).toBe(`node: no node named "elsewhere" in the fleet (known: ${NODE})`);
      expect(unknown.json().error.data.issues).toEqual([
        { path: 'node', message: `no node named "elsewhere" in the fleet (known: ${NODE})` },
      ]);
      await agent.stop();
      await until(
        'the hub to see the node down',
        async () => !(await request(hub, 'fleet.nodes')).json().result.data[0].up,
      );
      const down = await request(hub, 'edit.undo', { node: NODE });
      expect(down.status).toBe(502);
      expect(down.json().error.message).toMatch(
        new RegExp(
          `^node ${NODE} \\(http://127\\.0\\.0\\.1:${agent.port}\\) did not answer, down since it was last heard at `,
        ),
      );
      const read = await request(hub, 'edit.history', { node: NODE });
      expect(read.status).toBe(502);
      expect(read.json().error.message).toMatch(new RegExp(`^node ${NODE} `));
    }, 60_000);
  },
);
