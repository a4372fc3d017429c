// Kernel tier, through the real server process (scripts/serve.mjs, its gate, journal and checkpoints):
// a foreign Host / Origin / missing token is refused and audited with the socket's peer; a server SIGKILLed
// mid-plan rolls it back when started again (the test's namespace is as before); a checkpoint nobody
// confirms reverts, a confirmed one stays; SIGTERM mid-plan finishes or rolls back before the exit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kernelTier } from '../tiers';
import { Lab } from './lab';
import { ensureBuild, startServer, type Served } from '../e2e/server';

const lab = new Lab('S');

/** a tRPC answer over HTTP, as these tests read it (T: the data the procedure returns) */
interface TrpcReply<T> {
  result: { data: T };
  error: { message: string };
}
interface Answer {
  status: number;
  body: string;
  json: <T = unknown>() => TrpcReply<T>;
}

/** http.request, so Host and Origin can be whatever an attacker's browser would send */
function request(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<Answer> {
  const data = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: o.method ?? (data ? 'POST' : 'GET'),
        path: o.path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}),
          ...o.headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) }));
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
    await new Promise((r) => setTimeout(r, 20));
  }
}

const links = async (ns: string) =>
  (await lab.ipJson<{ ifname: string }[]>(ns, 'link', 'show')).map((l) => l.ifname).sort();
const audit = (dir: string) =>
  existsSync(path.join(dir, 'audit.jsonl'))
    ? readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
const journalOks = (dir: string) => {
  try {
    return readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"t":"ok"')).length;
  } catch {
    return -1;
  }
};
const veths = (ns: string, n: number, tag = 'k') =>
  Array.from({ length: n }, (_, i) => ({
    op: 'link.add',
    kind: 'veth',
    ns,
    name: `${tag}${i}a`,
    peer: { name: `${tag}${i}b` },
  }));

describe.skipIf(!kernelTier.ok)('a server that is safe to leave running (kernel tier, real server)', () => {
  let dir = '';
  let ns = '';
  let server: Served;
  const start = (port?: number) =>
    startServer([], port, { dir, env: { LINKSCAPE_AUDIT_LOG: path.join(dir, 'audit.jsonl') } });
  const api = (proc: string, body?: unknown, headers: Record<string, string> = server.headers) =>
    body === undefined
      ? request(server.port, { path: `/api/trpc/${proc}`, headers })
      : request(server.port, { path: `/api/trpc/${proc}`, body, headers });

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsS-safety-'));
    ns = await lab.netns('a');
    server = await start();
  }, 20 * 60_000);

  afterAll(async () => {
    await server?.stop();
    await lab.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('DNS rebinding: a foreign Host gets 403 naming it and --allow-host, even with the token; a foreign Origin too', async () => {
    const r = await request(server.port, {
      path: '/api/trpc/host.snapshot',
      headers: {
        ...server.headers,
        host: `attacker.example:${server.port}`,
        origin: `http://attacker.example:${server.port}`,
      },
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/attacker\.example.*--allow-host attacker\.example/);
    const edits = { edits: veths(ns, 1, 'o'), dryRun: false };
    const o = await request(server.port, {
      path: '/api/trpc/edit.applyEdits',
      body: edits,
      headers: { ...server.headers, origin: `http://attacker.example:${server.port}` },
    });
    expect(o.status).toBe(403);
    expect(await links(ns)).toEqual(['lo']);
  });

  it("every procedure needs the token, reads and live streams included; a refused change is audited with the socket's peer, never X-Forwarded-For", async () => {
    expect((await api('host.info', undefined, {})).status).toBe(401);
    expect((await api('host.watch', undefined, {})).status).toBe(401);
    const page = await request(server.port, { path: '/' });
    expect(page.status).toBe(401);
    expect(page.body).toContain(path.join(server.dir, 'token'));
    expect((await api('host.info')).json().result.data).toMatchObject({ tokenRequired: true });
    const r = await api(
      'edit.applyEdits',
      { edits: veths(ns, 1, 'f') },
      { 'x-forwarded-for': '6.6.6.6', authorization: 'Bearer wrong-token-0123456789' },
    );
    expect(r.status).toBe(401);
    const bad = await api(
      'edit.applyEdits',
      { edits: [{ op: 'netns.add', name: 'bad name' }] },
      { ...server.headers, 'x-forwarded-for': '6.6.6.6', 'x-linkscape-peer': '6.6.6.6' },
    );
    expect(bad.status).toBe(400);
    const log = await until('the refusals in the audit log', async () =>
      audit(dir).filter((e) => e.action === 'refused').length >= 2 ? audit(dir) : null,
    );
    const refused = log.filter((e) => e.action === 'refused');
    expect(refused.map((e) => e.outcome.refused)).toEqual(expect.arrayContaining(['auth', 'BAD_REQUEST']));
    for (const e of refused) {
      expect(e.remote).toBe('127.0.0.1');
      expect(e.forwardedFor ?? null).toBeNull();
    }
    expect(JSON.stringify(log)).not.toContain('6.6.6.6');
  });

  it('SIGKILL mid-plan, then start again: the plan is rolled back, the namespace is as before, the audit log and edit.recovery say so', async () => {
    const before = await links(ns);
    const apply = api('edit.applyEdits', { edits: veths(ns, 150) }).catch(() => null);
    await until('the plan to be under way', async () => journalOks(dir) >= 3);
    server.kill('SIGKILL');
    await server.exited;
    await apply;
    const cut = await links(ns);
    expect(cut.length).toBeGreaterThan(before.length); // it really was cut off half-way
    expect(cut.length).toBeLessThan(before.length + 300);
    server = await start(server.port);
    expect(server.output()).toMatch(/did not finish.*rolled back/s);
    expect(await links(ns)).toEqual(before);
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    const rec = audit(dir).filter((e) => e.action === 'recover');
    expect(rec).toHaveLength(1);
    expect(rec[0].outcome).toMatchObject({ ok: true, left: [] });
    const shown = (await api('edit.recovery')).json<{ id: string }>().result.data;
    expect(shown).toMatchObject({ ok: true, steps: 150 });
    await api('edit.dismissRecovery', { id: shown.id });
    expect((await api('edit.recovery')).json().result.data).toBeNull(); // shown once
  }, 240_000);

  it('a checkpoint nobody confirms reverts by itself; a confirmed one stays', async () => {
    const kept = await api('edit.applyEdits', { edits: veths(ns, 1, 'keep'), checkpoint: { seconds: 5 } });
    const keptId = kept.json<{ checkpoint: { id: string } }>().result.data.checkpoint.id;
    expect(await links(ns)).toContain('keep0a');
    const busy = await api('edit.applyEdits', { edits: veths(ns, 1, 'x') });
    expect(busy.status).toBe(409);
    expect(busy.json().error.message).toMatch(/waiting for confirmation/);
    expect((await api('edit.confirm', { id: keptId })).json().result.data).toEqual({ id: keptId, kept: true });
    const gone = await api('edit.applyEdits', { edits: veths(ns, 1, 'gone'), checkpoint: { seconds: 5 } });
    const goneId = gone.json<{ checkpoint: { id: string } }>().result.data.checkpoint.id;
    expect(await links(ns)).toContain('gone0a');
    // the second one's time runs out (by then the confirmed one's would have, too)
    await until(
      'the unconfirmed change to revert',
      async () =>
        (await api('edit.checkpoint')).json<{ reverted: { id: string } | null }>().result.data.reverted?.id === goneId,
    );
    const now = await links(ns);
    expect(now).not.toContain('gone0a');
    expect(now).toContain('keep0a');
    const log = audit(dir);
    expect(log.find((e) => e.action === 'confirm')?.outcome.checkpoint).toBe(keptId);
    expect(log.find((e) => e.action === 'revert')?.outcome).toMatchObject({
      ok: true,
      checkpoint: goneId,
      why: 'not confirmed within 5 s',
    });
    await lab.ip(ns, 'link', 'del', 'keep0a');
  }, 240_000);

  it('SIGTERM mid-plan: the plan finishes (or rolls back) before the server exits; nothing is left unrecorded', async () => {
    const nsT = await lab.netns('t'); // its own: whatever the plan leaves goes with it in cleanup
    const before = await links(nsT);
    const apply = api('edit.applyEdits', { edits: veths(nsT, 100, 't') }).catch(() => null);
    await until('the plan to be under way', async () => journalOks(dir) >= 3);
    server.kill('SIGTERM');
    await server.exited;
    await apply;
    expect(server.output()).toMatch(/SIGTERM: a plan is in progress/);
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    const last = audit(dir)
      .filter((e) => e.action === 'apply')
      .at(-1);
    const after = await links(nsT);
    if (last.outcome.ok) expect(after.length).toBe(before.length + 200);
    else expect(after).toEqual(before);
    server = await start(server.port);
    expect(server.output()).not.toMatch(/did not finish/);
  }, 240_000);

  it('SIGTERM while a change waits for confirmation reverts it before the exit', async () => {
    await api('edit.applyEdits', { edits: veths(ns, 1, 'w'), checkpoint: { seconds: 600 } });
    expect(await links(ns)).toContain('w0a');
    server.kill('SIGTERM');
    await server.exited;
    expect(await links(ns)).not.toContain('w0a');
    expect(audit(dir).at(-1)).toMatchObject({ action: 'revert', outcome: { ok: true } });
    server = await start(server.port);
  }, 240_000);
});
