// Kernel tier: host.watch over the wire, through the same tRPC fetch handler the Next route uses:
// SSE frames with tracked ids, a snapshot first, diffs after, resume with Last-Event-ID or input.lastEventId.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { kernelTier } from '../tiers';
import { Lab } from './lab';
import { appRouter } from '../../server/api/root';
import { createContext, GATE_SECRET_KEY } from '../../server/api/trpc';
import type { WatchEvent } from '../../shared/host/types';
import { hostWatcher, PROGRESS_ID } from '../../server/host/watch';
import { run } from '../../server/ip/run';
import { SnapshotJoiner, type WireEvent } from '../../shared/host/parts';
import { snapshotResponse } from '../../server/api/snapshotQuery';

interface Frame {
  event?: string;
  id?: string;
  data: unknown;
}

// what scripts/serve.mjs's gate does for a request it let through (host, origin, token checked there)
const GATE = 'watch-sse-test-gate';
(globalThis as Record<symbol, unknown>)[GATE_SECRET_KEY] = GATE;

/** Open host.watch as an SSE client would; frames arrive in `frames`. */
async function open(query: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const req = new Request(`http://127.0.0.1/api/trpc/host.watch${query}`, {
    headers: { ...headers, 'x-linkscape-gate': GATE, 'x-linkscape-peer': '127.0.0.1' },
    signal: ac.signal,
  });
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext(req),
  });
  const frames: Frame[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const raw = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: Frame = { data: null };
          for (const line of raw.split('\n')) {
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (!m) continue;
            if (m[1] === 'data') f.data = JSON.parse(m[2]);
            else if (m[1] === 'id') f.id = m[2];
            else if (m[1] === 'event') f.event = m[2];
          }
          frames.push(f);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  const until = async (pred: (fs: Frame[]) => boolean, ms = 60_000) => {
    const t = Date.now();
    while (!pred(frames)) {
      if (Date.now() - t > ms)
        throw new Error(
          `timed out; frames: ${JSON.stringify(frames.map((f) => [f.event, f.id, (f.data as WatchEvent | null)?.type]))}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    res,
    frames,
    until,
    /** the event sequence: snapshot (its parts joined, as the page joins them) and diffs; no progress frames */
    events: () => {
      const joiner = new SnapshotJoiner();
      const out: { id: string; ev: WatchEvent }[] = [];
      for (const f of frames) {
        if (!f.id || f.id === PROGRESS_ID) continue;
        const ev = joiner.take(f.data as WireEvent);
        if (ev) out.push({ id: f.id, ev });
      }
      return out;
    },
    /** every frame with an id, in order, progress included */
    tracked: () => frames.filter((f) => f.id).map((f) => ({ id: f.id as string, ev: f.data as WatchEvent })),
    close: async () => {
      ac.abort();
      await reader.cancel().catch(() => undefined);
      await pump;
    },
  };
}

const activity = (ev: WatchEvent) => (ev.type === 'diff' ? ev.diff.activity.map((a) => a.text) : []);

describe.skipIf(!kernelTier.ok)('kernel: host.watch over SSE', () => {
  const lab = new Lab('s');
  afterAll(() => lab.cleanup());
  let a: Awaited<ReturnType<typeof open>>;

  beforeAll(async () => {
    a = await open('?input=%7B%7D');
  });
  afterAll(async () => {
    await a?.close();
  });

  it('streams text/event-stream: a snapshot with an id first, then diffs with increasing ids', async () => {
    expect(a.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await a.until(() => a.events().length >= 1);
    const [first] = a.events();
    expect(first.ev.type).toBe('snapshot');
    // this is the watcher's first subscriber: its first read's progress came before the snapshot
    const tracked = a.tracked();
    const at = tracked.findIndex((e) => e.ev.type === 'snapshot');
    const before = tracked.slice(0, at);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((e) => e.id === PROGRESS_ID && e.ev.type === 'progress')).toBe(true);
    const last = before.at(-1)!.ev;
    expect(last.type === 'progress' && last.progress.done === last.progress.total && last.progress.total > 0).toBe(
      true,
    );
    expect(tracked.slice(at).some((e) => e.ev.type === 'progress')).toBe(false);
    expect(first.id).toMatch(/^[a-z0-9]+-0$|^[a-z0-9]+-\d+$/);
    const ns = await lab.netns('x');
    await a.until(() => a.events().some((e) => activity(e.ev).includes(`namespace ${ns} added`)));
    await lab.ip(ns, 'link', 'add', 'sx0', 'type', 'veth', 'peer', 'name', 'sx1');
    await a.until(() => a.events().some((e) => activity(e.ev).includes(`sx0 added in ns ${ns}`)));
    const seqs = a.events().map((e) => Number(e.id.split('-').pop()));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a reconnect with Last-Event-ID (or input.lastEventId) gets exactly the missed diffs, no snapshot', async () => {
    const firstId = a.events()[0].id;
    const missed = a
      .events()
      .slice(1)
      .map((e) => e.id);
    expect(missed.length).toBeGreaterThan(0);
    for (const how of ['header', 'input'] as const) {
      const b =
        how === 'header'
          ? await open('', { 'last-event-id': firstId })
          : await open(`?input=${encodeURIComponent(JSON.stringify({ lastEventId: firstId }))}`);
      await b.until(() => b.events().length >= missed.length);
      expect(
        b
          .events()
          .map((e) => e.id)
          .slice(0, missed.length),
      ).toEqual(missed);
      expect(b.events().every((e) => e.ev.type === 'diff')).toBe(true);
      await b.close();
    }
  });

  it('an unknown lastEventId gets a fresh snapshot; a bad one is refused naming the field', async () => {
    const c = await open(`?input=${encodeURIComponent(JSON.stringify({ lastEventId: 'nosuchepoch-7' }))}`);
    await c.until(() => c.events().length >= 1);
    expect(c.events()[0].ev.type).toBe('snapshot');
    await c.close();
    const d = await open(`?input=${encodeURIComponent(JSON.stringify({ lastEventId: 5 }))}`);
    await d.until((fs) => fs.some((f) => f.event === 'serialized-error'));
    const err = d.frames.find((f) => f.event === 'serialized-error')?.data as {
      message: string;
      data: { code: string };
    };
    expect(err.data.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^lastEventId: /); // the field and its rule, not zod's issues as JSON
    await d.close();
  });

  it('sends a big snapshot in parts that join to the very snapshot; a part id resumes with a fresh one', async () => {
    await hostWatcher(run).idle();
    const want = (await hostWatcher(run).currentSettled())!;
    const items = want.namespaces.length + want.links.length + want.routes.length;
    process.env.LINKSCAPE_PART_ITEMS = '7';
    try {
      const p = await open(`?input=${encodeURIComponent(JSON.stringify({ lastEventId: 'nosuchepoch-8' }))}`);
      await p.until(() => p.events().length >= 1);
      const parts = p.frames.filter((f) => (f.data as WireEvent | null)?.type === 'snapshot-part');
      expect(parts.length).toBe(Math.ceil(items / 7));
      const [snap] = p.events();
      expect(parts.map((f) => f.id)).toEqual(parts.map((_, k) => `${snap.id}.p${k}`));
      expect(snap.ev.type === 'snapshot' && snap.ev.snapshot).toEqual(want);
      await p.close();
      // a client that dropped after a part gets the snapshot again, whole
      const q = await open('', { 'last-event-id': parts[1].id as string });
      await q.until(() => q.events().length >= 1);
      expect(q.events()[0].ev.type).toBe('snapshot');
      await q.close();
    } finally {
      delete process.env.LINKSCAPE_PART_ITEMS;
    }
  });

  it('host.snapshot as a plain GET is written in parts: the very body tRPC sends; anything else is left to tRPC', async () => {
    const gate = { 'x-linkscape-gate': GATE, 'x-linkscape-peer': '127.0.0.1' };
    const req = (q: string, headers: Record<string, string> = gate) =>
      new Request(`http://127.0.0.1/api/trpc/host.snapshot${q}`, { headers });
    await hostWatcher(run).idle();
    process.env.LINKSCAPE_PART_ITEMS = '2';
    try {
      const ours = await snapshotResponse(req(''));
      expect(ours?.headers.get('content-type')).toBe('application/json');
      const r = req('');
      const theirs = await fetchRequestHandler({
        endpoint: '/api/trpc',
        req: r,
        router: appRouter,
        createContext: () => createContext(r),
      });
      const body = JSON.parse(await ours!.text()) as { result: { data: { links: unknown[] } } };
      expect(body).toEqual(JSON.parse(await theirs.text()));
      expect(body.result.data.links.length).toBeGreaterThan(2);
      const withInput = await snapshotResponse(req(`?input=${encodeURIComponent('{}')}`));
      expect((JSON.parse(await withInput!.text()) as typeof body).result.data.links.length).toBeGreaterThan(2);
      // refused input, no gate, a batch: tRPC answers (and says why)
      expect(await snapshotResponse(req(`?input=${encodeURIComponent('{"fresh":"yes"}')}`))).toBeNull();
      expect(await snapshotResponse(req('', {}))).toBeNull();
      expect(await snapshotResponse(req('?batch=1'))).toBeNull();
    } finally {
      delete process.env.LINKSCAPE_PART_ITEMS;
    }
  });
});
