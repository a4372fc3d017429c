// The hub's edit.* with `node`: the real router (tRPC's fetch adapter, plain JSON as on the wire) over a
// fleet of simulated agents (real HTTP servers, test/fleet/sim-agent.ts). Each procedure reaches only that
// node's agent with `node` stripped; its answer and its errors (code, words, field issues) come back as they
// are; each forwarded change is one line in the hub's audit log, reads none; `node` must be a node of the
// fleet; a node that does not answer is an error naming it. Nothing runs on this host (the runner throws).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../server/api/root';
import type { Context } from '../../server/api/trpc';
import { Fleet, parseAgents } from '../../server/fleet/fleet';
import type { Runner } from '../../server/ip/run';
import { nodeSnapshot } from '../fleet/fixture';
import { startSimAgent, type SimAgent } from '../fleet/sim-agent';

const TOKEN = 'agent-secret';
const FLEET_KEY = Symbol.for('linkscape.fleet');
const g = globalThis as unknown as Record<symbol, unknown>;

const ran: string[][] = [];
const run: Runner = async (argv) => {
  ran.push(argv);
  throw new Error(`nothing may run on the hub's host in this test: ${argv.join(' ')}`);
};

let dir: string;
let auditLog: string;
let a: SimAgent;
let b: SimAgent;
let fleet: Fleet;

interface Reply {
  status: number;
  data?: unknown;
  error?: { message: string; data: { code: string; issues: { path: string; message: string }[] | null } };
}

/** one call to the hub as a browser makes it: POST for mutations, GET ?input= for queries */
async function hub(
  kind: 'query' | 'mutation',
  proc: string,
  input: unknown,
  config: Partial<Context['config']> = {},
): Promise<Reply> {
  const url =
    `http://127.0.0.1:3000/api/trpc/${proc}` +
    (kind === 'query' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '');
  const req = new Request(url, {
    method: kind === 'query' ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', host: '127.0.0.1:3000' },
    ...(kind === 'mutation' ? { body: JSON.stringify(input ?? null) } : {}),
  });
  const ctx = (): Context => ({
    run,
    config: {
      host: '127.0.0.1',
      port: 3000,
      readOnly: false,
      auth: 'token',
      trustProxy: false,
      auditLog,
      journal: path.join(dir, 'journal.jsonl'),
      ...config,
    },
    headers: req.headers,
    remote: '192.0.2.7',
    gateProblem: null,
  });
  const res = await fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: ctx });
  const body = (await res.json()) as { result?: { data: unknown }; error?: Reply['error'] };
  return { status: res.status, data: body.result?.data, error: body.error };
}

function auditLines(): Record<string, unknown>[] {
  if (!existsSync(auditLog)) return [];
  return readFileSync(auditLog, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const plan = (argv: string[]) => ({
  steps: [{ argv, undo: null, description: `run ${argv.join(' ')}` }],
  warnings: [],
  guards: [],
  createsHostLinks: [],
});
const appliedOk = (argv: string[]) => ({
  dryRun: false,
  ok: true,
  plan: plan(argv),
  shell: argv.join(' '),
  undoAvailable: true,
  applied: [{ step: 1, ok: true }],
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lsF-hub-edit-'));
  auditLog = path.join(dir, 'audit.jsonl');
  a = await startSimAgent({ snapshot: nodeSnapshot(0, 2), token: TOKEN });
  b = await startSimAgent({ snapshot: nodeSnapshot(1, 2), token: TOKEN });
  fleet = new Fleet({ agents: parseAgents(`node-0=${a.url},node-1=${b.url}`), kubernetes: null, token: TOKEN });
  g[FLEET_KEY] = fleet;
});

afterAll(async () => {
  fleet.stop();
  delete g[FLEET_KEY];
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const s of [a, b]) {
    s.calls.length = 0;
    s.answers = {};
  }
  rmSync(auditLog, { force: true });
});

afterEach(() => {
  expect(ran).toEqual([]);
});

describe('hub edit.* reads with node: that agent answers, nothing is audited', () => {
  it.each([
    [
      'history',
      undefined,
      { undo: [{ id: 3, at: '2026-12-01T00:00:00.000Z', description: ['add x'], steps: 1 }], redo: [] },
    ],
    ['last', undefined, { at: '2026-12-01T00:00:00.000Z', steps: 1, undoable: 1, description: ['add x'] }],
    ['checkpoint', undefined, { pending: null, reverted: null }],
    ['recovery', undefined, null],
    [
      'audit',
      { limit: 5 },
      [
        {
          when: 'w',
          remote: 'r',
          action: 'apply',
          dryRun: false,
          force: false,
          edits: [],
          plan: [],
          outcome: { ok: true },
        },
      ],
    ],
  ] as const)('edit.%s', async (proc, extra, answer) => {
    b.answers[proc] = () => answer;
    const r = await hub('query', `edit.${proc}`, { ...(extra ?? {}), node: 'node-1' });
    expect(r.error).toBeUndefined();
    expect(r.data).toEqual(answer);
    expect(b.calls).toEqual([{ proc, input: extra }]);
    expect(a.calls).toEqual([]);
    expect(auditLines()).toEqual([]);
  });

  it("without node, a read is this server's own (the agents are not asked)", async () => {
    const r = await hub('query', 'edit.history', undefined);
    expect(r.data).toEqual({ undo: [], redo: [] });
    expect(r.error).toBeUndefined();
    expect([...a.calls, ...b.calls]).toEqual([]);
  });

  it('edit.dismissRecovery is forwarded (a mutation on the agent), not audited', async () => {
    b.answers.dismissRecovery = () => ({ dismissed: true });
    const r = await hub('mutation', 'edit.dismissRecovery', { id: 'rec-1', node: 'node-1' });
    expect(r.data).toEqual({ dismissed: true });
    expect(b.calls).toEqual([{ proc: 'dismissRecovery', input: { id: 'rec-1' } }]);
    expect(auditLines()).toEqual([]);
  });
});

describe('hub edit.* changes with node: the agent acts, the hub audits one line', () => {
  it("undo and redo: the agent's result as it is, the expected id passed on, a line each with the plan and node", async () => {
    b.answers.undo = () => appliedOk(['ip', 'netns', 'del', 'x']);
    b.answers.redo = () => appliedOk(['ip', 'netns', 'add', 'x']);
    const u = await hub('mutation', 'edit.undo', { id: 4, node: 'node-1' });
    expect(u.data).toEqual(appliedOk(['ip', 'netns', 'del', 'x']));
    const r = await hub('mutation', 'edit.redo', { node: 'node-1' });
    expect(r.data).toEqual(appliedOk(['ip', 'netns', 'add', 'x']));
    expect(b.calls).toEqual([
      { proc: 'undo', input: { id: 4 } },
      { proc: 'redo', input: {} },
    ]);
    expect(a.calls).toEqual([]);
    const lines = auditLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      remote: '192.0.2.7',
      action: 'undo',
      dryRun: false,
      plan: [{ argv: ['ip', 'netns', 'del', 'x'] }],
      outcome: { ok: true, node: 'node-1', agent: b.url, expectId: 4, steps: 1 },
    });
    expect(lines[1]).toMatchObject({
      action: 'redo',
      plan: [{ argv: ['ip', 'netns', 'add', 'x'] }],
      outcome: { ok: true, node: 'node-1' },
    });
  });

  it("a failed undo: the kernel's words verbatim in the answer and in the hub's line", async () => {
    const failed = {
      ...appliedOk(['ip', 'link', 'del', 'v0']),
      ok: false,
      failedStep: 1,
      failed: { argv: ['ip', 'link', 'del', 'v0'], description: 'del v0' },
      error: 'Cannot find device "v0"',
      applied: [],
      rolledBack: [],
      notUndone: [],
    };
    delete (failed as { undoAvailable?: boolean }).undoAvailable;
    b.answers.undo = () => failed;
    const u = await hub('mutation', 'edit.undo', { node: 'node-1' });
    expect(u.data).toEqual(failed);
    expect(auditLines()).toEqual([
      expect.objectContaining({
        action: 'undo',
        outcome: expect.objectContaining({
          ok: false,
          failedStep: 1,
          error: 'Cannot find device "v0"',
          node: 'node-1',
        }),
      }),
    ]);
  });

  it('confirm and revert a checkpoint on the node', async () => {
    b.answers.confirm = (i) => ({ id: (i as { id: string }).id, kept: true });
    const report = {
      id: 'cp-2',
      when: 'w',
      remote: 'hub',
      action: 'apply',
      steps: 1,
      undone: [
        { step: 1, description: 'd', argv: ['ip', 'netns', 'del', 'x'], ok: true, error: null, uncertain: false },
      ],
      left: [],
      ok: true,
    };
    b.answers.revert = () => report;
    expect((await hub('mutation', 'edit.confirm', { id: 'cp-1', node: 'node-1' })).data).toEqual({
      id: 'cp-1',
      kept: true,
    });
    expect((await hub('mutation', 'edit.revert', { id: 'cp-2', node: 'node-1' })).data).toEqual(report);
    expect(b.calls).toEqual([
      { proc: 'confirm', input: { id: 'cp-1' } },
      { proc: 'revert', input: { id: 'cp-2' } },
    ]);
    const lines = auditLines();
    expect(lines.map((l) => l.action)).toEqual(['confirm', 'revert']);
    expect(lines[0].outcome).toMatchObject({ ok: true, node: 'node-1', checkpoint: 'cp-1' });
    expect(lines[1].outcome).toMatchObject({ ok: true, node: 'node-1', checkpoint: 'cp-2', left: [] });
  });
});

describe("the agent's errors reach the hub's caller unchanged, audited once", () => {
  it.each([
    ['PRECONDITION_FAILED', 412, 'nothing to undo'],
    [
      'CONFLICT',
      409,
      'another plan is being applied; still running after 30 s of waiting — nothing was run, try again when it has finished',
    ],
    ['FORBIDDEN', 403, 'linkscape runs read-only (--read-only): no changes are made'],
  ] as const)('%s', async (code, status, message) => {
    b.answers.undo = () => {
      throw new TRPCError({ code, message });
    };
    const r = await hub('mutation', 'edit.undo', { node: 'node-1' });
    expect(r.status).toBe(status);
    expect(r.error).toMatchObject({ message, data: { code, issues: null } }); // no issues from the agent: none here either
    const lines = auditLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      action: 'undo',
      outcome: { ok: false, node: 'node-1', refused: code, reason: message },
    });
  });

  it('a zod refusal of the agent (an older agent with a narrower rule) names the field as the agent did', async () => {
    // the hub accepts limit ≤ 1000; make the agent's schema refuse it as a different version would
    b.answers.audit = () => {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'limit: at most 100',
        cause: Object.assign(new Error('x'), { issues: [{ path: ['limit'], message: 'at most 100' }] }),
      });
    };
    const r = await hub('query', 'edit.audit', { limit: 500, node: 'node-1' });
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({
      message: 'limit: at most 100',
      data: { code: 'BAD_REQUEST', issues: [{ path: 'limit', message: 'at most 100' }] },
    });
  });

  it("the agent's own input check (its schema, on the wire): BAD_REQUEST naming the field", async () => {
    // the hub's schema and the agent's agree, so send through the agent client what only the agent sees
    const r = await fleet
      .get('node-1')
      .editCall('confirm', { id: '' })
      .catch((e: unknown) => e);
    const { relay } = await import('../../server/fleet/forward');
    const err = relay(fleet.get('node-1'), r);
    expect(err.code).toBe('BAD_REQUEST');
    expect((err.cause as unknown as { issues: { path: string[] }[] }).issues[0].path).toEqual(['id']);
    expect(b.calls).toEqual([]);
  });
});

describe('node is checked by the hub before anything is sent', () => {
  it('an unknown node: BAD_REQUEST naming node and the known ones, no agent asked; a refused line on the hub', async () => {
    const r = await hub('mutation', 'edit.undo', { node: 'node-9' });
    expect(r.status).toBe(400);
    expect(r.error?.data.issues).toEqual([
      { path: 'node', message: 'no node named "node-9" in the fleet (known: node-0, node-1)' },
    ]);
    expect(r.error?.message).toBe('node: no node named "node-9" in the fleet (known: node-0, node-1)');
    const q = await hub('query', 'edit.history', { node: 'no such' });
    expect(q.error?.data.issues?.[0]).toMatchObject({
      path: 'node',
      message: expect.stringMatching(/only letters, digits/),
    });
    expect([...a.calls, ...b.calls]).toEqual([]);
    expect(auditLines()).toEqual([
      expect.objectContaining({
        action: 'refused',
        outcome: expect.objectContaining({ refused: 'BAD_REQUEST', procedure: 'edit.undo', node: 'node-9' }),
      }),
    ]);
  });

  it.each(['fleet.snapshot', 'fleet.capabilities'])(
    '%s of an unknown node: BAD_REQUEST naming node and the known ones, as edit.* says it',
    async (proc) => {
      const r = await hub('query', proc, { node: 'node-9' });
      expect(r.status).toBe(400);
      expect(r.error?.data.issues).toEqual([
        { path: 'node', message: 'no node named "node-9" in the fleet (known: node-0, node-1)' },
      ]);
      expect(r.error?.message).toBe('node: no node named "node-9" in the fleet (known: node-0, node-1)');
    },
  );

  it('on a server that is not a hub, node is refused', async () => {
    g[FLEET_KEY] = null; // hubFleet(): looked at, and this server has no fleet
    try {
      const r = await hub('query', 'edit.last', { node: 'node-0' });
      expect(r.error?.data.issues).toEqual([
        { path: 'node', message: expect.stringMatching(/^this server is not a hub/) },
      ]);
      expect(r.error?.message).toMatch(/^node: this server is not a hub/);
    } finally {
      g[FLEET_KEY] = fleet;
    }
    expect([...a.calls, ...b.calls]).toEqual([]);
  });

  it("the hub's own read-only refuses a forwarded change before the agent sees it", async () => {
    b.answers.undo = () => appliedOk(['ip', 'netns', 'del', 'x']);
    const r = await hub('mutation', 'edit.undo', { node: 'node-1' }, { readOnly: true });
    expect(r.error?.data.code).toBe('FORBIDDEN');
    expect(b.calls).toEqual([]);
  });
});

describe('a node that is down', () => {
  it('a change and a read fail with BAD_GATEWAY naming the node; the change is audited; it works again when the node is back', async () => {
    await a.close();
    try {
      await expect.poll(() => fleet.get('node-0').up).toBe(false);
      const r = await hub('mutation', 'edit.undo', { node: 'node-0' });
      expect(r.status).toBe(502);
      expect(r.error?.data.code).toBe('BAD_GATEWAY');
      expect(r.error?.message).toMatch(
        new RegExp(
          `^node node-0 \\(${a.url.replace(/[.]/g, '\\.')}\\) did not answer, down since it was last heard at .*: fetch failed`,
        ),
      );
      expect(r.error?.message).toMatch(/ECONNREFUSED/);
      const q = await hub('query', 'edit.history', { node: 'node-0' });
      expect(q.error?.message).toMatch(/^node node-0 .* did not answer/);
      expect(auditLines()).toEqual([
        expect.objectContaining({
          action: 'undo',
          outcome: expect.objectContaining({ ok: false, node: 'node-0', refused: 'BAD_GATEWAY' }),
        }),
      ]);
    } finally {
      await a.reopen();
    }
    a.answers.history = () => ({ undo: [], redo: [] });
    expect((await hub('query', 'edit.history', { node: 'node-0' })).data).toEqual({ undo: [], redo: [] });
  });
});

describe('a node that does not answer in time', () => {
  it('GATEWAY_TIMEOUT naming the node; for a change, that its outcome is unknown; the change audited', async () => {
    const slow = new Fleet({
      agents: parseAgents(`node-1=${b.url}`),
      kubernetes: null,
      token: TOKEN,
      callTimeoutMs: { read: 200, change: 400 },
    });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    b.answers.undo = async () => {
      await held;
      return appliedOk(['ip', 'netns', 'del', 'x']);
    };
    b.answers.history = async () => {
      await held;
      return { undo: [], redo: [] };
    };
    g[FLEET_KEY] = slow;
    try {
      const r = await hub('mutation', 'edit.undo', { node: 'node-1' });
      expect(r.status).toBe(504);
      expect(r.error?.data.code).toBe('GATEWAY_TIMEOUT');
      expect(r.error?.message).toBe(
        `node node-1 (${b.url}) did not answer: no answer within 0.4 s; the change may have been made there or be under way: see its history before trying again`,
      );
      const q = await hub('query', 'edit.history', { node: 'node-1' });
      expect(q.error?.data.code).toBe('GATEWAY_TIMEOUT');
      expect(q.error?.message).toBe(`node node-1 (${b.url}) did not answer: no answer within 0.2 s`);
      expect(b.calls.map((c) => c.proc)).toEqual(['undo', 'history']);
      expect(auditLines()).toEqual([
        expect.objectContaining({
          action: 'undo',
          outcome: expect.objectContaining({ ok: false, node: 'node-1', refused: 'GATEWAY_TIMEOUT' }),
        }),
      ]);
    } finally {
      release();
      slow.stop();
      g[FLEET_KEY] = fleet;
    }
  });
});
