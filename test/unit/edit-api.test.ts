// The edit API over HTTP (tRPC fetch adapter, plain JSON): errors name the field, read-only/origin/token
// are enforced before anything runs. The runner here throws if it is ever called.
import { describe, expect, it } from 'vitest';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../server/api/root';
import { createContext, GATE_SECRET_KEY, publicProcedure, router, type Context } from '../../server/api/trpc';
import { toTrpcError } from '../../server/api/edit';
import { PlanError } from '../../server/edits/plan';
import { GuardError } from '../../server/edits/apply';
import type { Runner } from '../../server/ip/run';
import { PLANNERS } from '../../server/edits/ops';
import {
  describeOps,
  Edit,
  nsRefsOf,
  OPS,
  OP_INFO,
  canonicalDst,
  formatIp,
  parseIp,
  macProblem,
  routeDstProblem,
} from '../../shared/edits/schema';

const calls: string[][] = [];
const run: Runner = async (argv) => {
  calls.push(argv);
  throw new Error(`nothing may run in this test: ${argv.join(' ')}`);
};

function ctx(req: Request, over: Partial<Context['config']> = {}): Context {
  return {
    run,
    config: {
      host: '127.0.0.1',
      port: 3000,
      readOnly: false,
      auth: 'token',
      trustProxy: false,
      auditLog: '/nonexistent/audit.jsonl',
      journal: '/nonexistent/journal.jsonl',
      ...over,
    },
    headers: req.headers,
    remote: 'test',
    gateProblem: null,
  };
}

async function call(
  r: typeof appRouter | ReturnType<typeof router>,
  proc: string,
  input: unknown,
  opts: { headers?: Record<string, string>; config?: Partial<Context['config']> } = {},
) {
  const req = new Request(`http://127.0.0.1:3000/api/trpc/${proc}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', host: '127.0.0.1:3000', ...opts.headers },
    body: JSON.stringify(input),
  });
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: r,
    createContext: () => ctx(req, opts.config),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      result?: { data: unknown };
      error?: { message: string; data: { code: string; issues: { path: string; message: string }[] | null } };
    },
  };
}

describe('edit.applyEdits over HTTP', () => {
  it('a bad edit comes back as BAD_REQUEST with issues naming each field; nothing runs', async () => {
    const { status, body } = await call(appRouter, 'edit.applyEdits', {
      edits: [{ op: 'link.add', kind: 'vlan', name: 'much-too-long-name', parent: 'eth0', id: 5000 }],
    });
    expect(status).toBe(400);
    expect(body.error?.data.code).toBe('BAD_REQUEST');
    expect(body.error?.data.issues).toEqual(
      expect.arrayContaining([
        { path: 'edits.0.name', message: 'interface name must be at most 15 bytes (IFNAMSIZ), got 18' },
        { path: 'edits.0.id', message: 'VLAN id must be 1–4094' },
      ]),
    );
    expect(calls).toEqual([]);
  });

  it('an unknown op names the op field', async () => {
    const { body } = await call(appRouter, 'edit.applyEdits', { edits: [{ op: 'link.explode', dev: 'eth0' }] });
    expect(body.error?.data.issues?.[0].path).toBe('edits.0.op');
  });

  it('read-only refuses a real apply (before reading the host)', async () => {
    const { status, body } = await call(
      appRouter,
      'edit.applyEdits',
      { edits: [{ op: 'netns.add', name: 'x' }] },
      { config: { readOnly: true } },
    );
    expect(status).toBe(403);
    expect(body.error?.message).toMatch(/read-only/);
    expect(calls).toEqual([]);
  });

  it('read-only refuses undo', async () => {
    const { status } = await call(appRouter, 'edit.undo', undefined, { config: { readOnly: true } });
    expect(status).toBe(403);
  });

  it('a request that did not pass the gate (no x-linkscape-gate secret) is refused, reads included', async () => {
    const edits = { edits: [{ op: 'netns.add', name: 'x' }], dryRun: true };
    const req = new Request('http://127.0.0.1:3000/api/trpc/edit.applyEdits', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-linkscape-gate': 'forged', 'x-linkscape-peer': '10.9.9.9' },
      body: JSON.stringify(edits),
    });
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: () => createContext(req),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /did not come through linkscape's gate/,
    );
    const get = new Request('http://127.0.0.1:3000/api/trpc/host.info', { headers: { host: '127.0.0.1:3000' } });
    const r2 = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: get,
      router: appRouter,
      createContext: () => createContext(get),
    });
    expect(r2.status).toBe(401);
    expect(calls).toEqual([]);
  });

  it("the gate's headers are believed only with this process's secret; the peer comes from them, X-Forwarded-For only with trust-proxy", () => {
    (globalThis as Record<symbol, unknown>)[GATE_SECRET_KEY] = 'the-secret';
    try {
      const h = {
        'x-linkscape-gate': 'the-secret',
        'x-linkscape-peer': '192.0.2.7',
        'x-linkscape-forwarded-for': '6.6.6.6',
      };
      const c = createContext(new Request('http://127.0.0.1:3000/api/trpc/host.info', { headers: h }));
      expect(c).toMatchObject({ gateProblem: null, remote: '192.0.2.7', forwardedFor: null });
      process.env.LINKSCAPE_TRUST_PROXY = '1';
      expect(createContext(new Request('http://127.0.0.1:3000/', { headers: h })).forwardedFor).toBe('6.6.6.6');
      expect(
        createContext(new Request('http://127.0.0.1:3000/', { headers: { ...h, 'x-linkscape-gate': 'guess' } })),
      ).toMatchObject({ remote: 'unknown', gateProblem: expect.stringMatching(/gate/) });
    } finally {
      delete process.env.LINKSCAPE_TRUST_PROXY;
      delete (globalThis as Record<symbol, unknown>)[GATE_SECRET_KEY];
    }
  });

  it('plan errors and guard refusals carry issues too (same formatter)', async () => {
    const t = router({
      plan: publicProcedure.mutation(() => {
        throw toTrpcError(
          new PlanError([{ path: ['edits', 2, 'parent'], message: 'no interface eth9 in namespace host' }]),
        );
      }),
      guard: publicProcedure.mutation(() => {
        throw toTrpcError(
          new GuardError([
            { edit: 0, link: 'eth0', ns: 'host', reason: 'taking down eth0, a physical NIC, can cut this host off' },
          ]),
        );
      }),
    });
    const p = await call(t, 'plan', undefined);
    expect(p.status).toBe(400);
    expect(p.body.error?.data.issues).toEqual([
      { path: 'edits.2.parent', message: 'no interface eth9 in namespace host' },
    ]);
    const g = await call(t, 'guard', undefined);
    expect(g.status).toBe(412);
    expect(g.body.error?.data.issues?.[0]).toMatchObject({ path: 'force' });
    expect(g.body.error?.data.issues?.[0].message).toMatch(/type "eth0"/);
  });

  it('diag.ping validates the target as an IP address', async () => {
    const req = new Request(
      'http://127.0.0.1:3000/api/trpc/diag.ping?input=' +
        encodeURIComponent(JSON.stringify({ target: 'example.com; reboot' })),
      { headers: { host: '127.0.0.1:3000' } },
    );
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: () => ctx(req),
    });
    const text = await res.text();
    expect(text).toMatch(/must be an IPv4 or IPv6 address/);
    expect(calls).toEqual([]);
  });
});

describe('schema helpers the UI uses', () => {
  it('describeOps lists every op with a JSON Schema', () => {
    const d = describeOps();
    expect(d.map((o) => o.op)).toEqual(Object.keys(OP_INFO));
    expect(JSON.stringify(d.find((o) => o.op === 'link.add')!.jsonSchema)).toContain('"ipvlan"');
  });
  it('the op table: every op has a planner and its text, the union accepts each op, and an edit names its namespaces', () => {
    expect(Object.keys(PLANNERS).sort()).toEqual(Object.keys(OPS).sort());
    for (const i of Object.values(OP_INFO))
      expect(i.title.length * i.description.length * i.undo.length).toBeGreaterThan(0);
    const veth = Edit.parse({
      op: 'link.add',
      kind: 'veth',
      ns: 'blue',
      name: 'v0',
      netns: 'red',
      peer: { name: 'v1', netns: '4026532284' },
    });
    expect(nsRefsOf(veth)).toEqual(['blue', 'red', '4026532284']);
    expect(nsRefsOf(Edit.parse({ op: 'netns.add', name: 'green' }))).toEqual([]);
    expect(nsRefsOf(Edit.parse({ op: 'route.add', dst: 'default', dev: 'eth0' }))).toEqual([]);
    expect(() => Edit.parse({ op: 'link.frob', dev: 'eth0' })).toThrow(/op/);
  });
  it.each([
    ['fd00:0:0::1/128', 'fd00::1'],
    ['10.1.0.0/24', '10.1.0.0/24'],
    ['10.0.0.1/32', '10.0.0.1'],
    ['default', 'default'],
    ['2001:DB8:0:0:1:0:0:1/64', '2001:db8::1:0:0:1/64'],
  ])('canonicalDst(%s) = %s', (a, b) => expect(canonicalDst(a)).toBe(b));
  it('IPs: strict parsing', () => {
    for (const bad of [
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1::2::3',
      'fe80::1%eth0',
      '::g',
      '1.2.3.4/33',
      ' 1.2.3.4',
    ])
      expect(parseIp(bad), bad).toBeNull();
    expect(formatIp(parseIp('::ffff:192.0.2.1')!)).toBe('::ffff:192.0.2.1');
    expect(formatIp(parseIp('0:0:0:0:0:0:0:1')!)).toBe('::1');
  });
  it('MACs: multicast and zero refused', () => {
    expect(macProblem('01:00:5e:00:00:01')).toMatch(/unicast/);
    expect(macProblem('00:00:00:00:00:00')).toMatch(/zeros/);
    expect(macProblem('02:00:00:00:00:01')).toBeNull();
    expect(macProblem('2:0:0:0:0:1')).toMatch(/six hex bytes/);
  });
  it('route destinations: host bits must be zero', () => {
    expect(routeDstProblem('10.0.0.1/8')).toMatch(/host bits set \(did you mean 10\.0\.0\.0\/8\?\)/);
    expect(routeDstProblem('fd00::1/64')).toMatch(/fd00::\/64/);
    expect(routeDstProblem('10.0.0.0/8')).toBeNull();
  });
});
