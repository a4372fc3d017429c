// Kernel tier: nsids are asked of the kernel from the host's namespace (server/host/nsids.ts), not by
// `netns list-id` in every namespace. Two veth pairs that look alike from either end (the same ifindexes
// on both sides) can only be told apart by the kernel's nsids: the read must pair them as the kernel does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelTier } from '../tiers';
import { inodeOf, Lab } from './lab';
import { readHost, readNamespace } from '../../server/host/read';
import { HostWatcher } from '../../server/host/watch';
import { run } from '../../server/ip/run';
import type { HostSnapshot } from '../../shared/host/types';

describe.skipIf(!kernelTier.ok)('kernel tier: nsids without list-id in every namespace', () => {
  const lab = new Lab('B');
  const ino: Record<string, string> = {};
  const names: Record<string, string> = {};
  let snap: HostSnapshot;

  beforeAll(async () => {
    try {
      for (const s of ['a', 'b', 'c', 'd']) names[s] = await lab.netns(s);
      // a:50 <-> b:60 and d:50 <-> c:60: from a, both b and c have a veth at 60 whose peer is at 50
      await lab.ip(
        names.a,
        'link',
        'add',
        'va',
        'index',
        '50',
        'type',
        'veth',
        'peer',
        'name',
        'vb',
        'index',
        '60',
        'netns',
        names.b,
      );
      await lab.ip(
        names.d,
        'link',
        'add',
        'vd',
        'index',
        '50',
        'type',
        'veth',
        'peer',
        'name',
        'vc',
        'index',
        '60',
        'netns',
        names.c,
      );
      for (const s of ['a', 'b', 'c', 'd']) ino[s] = await inodeOf(`/var/run/netns/${names[s]}`);
      snap = await readHost(run);
    } catch (e) {
      await lab.cleanup();
      throw e;
    }
  });
  afterAll(() => lab.cleanup());

  const link = (s: string, name: string) => {
    const l = snap.links.find((x) => x.nsId === ino[s] && x.name === name);
    if (!l) throw new Error(`no ${name} in ${s}`);
    return l;
  };

  it('pairs the look-alike veths as the kernel does', () => {
    expect(link('a', 'va').peerId).toBe(`${ino.b}/60`);
    expect(link('b', 'vb').peerId).toBe(`${ino.a}/50`);
    expect(link('d', 'vd').peerId).toBe(`${ino.c}/60`);
    expect(link('c', 'vc').peerId).toBe(`${ino.d}/50`);
    expect(
      snap.warnings.filter((w) => w.ids?.some((id) => Object.values(ino).some((i) => id.startsWith(`${i}/`)))),
    ).toEqual([]);
  });

  it('each namespace is read without netns list-id, and every named one has an nsid in the host namespace', async () => {
    const rootIds = await lab.ipJson<{ nsid: number; name?: string }[]>(null, 'netns', 'list-id');
    for (const s of ['a', 'b', 'c', 'd'])
      expect(
        rootIds.some((e) => e.name === names[s]),
        s,
      ).toBe(true);
  });
});

describe.skipIf(!kernelTier.ok)('kernel tier: more named namespaces than one nsid dump holds', () => {
  // A standalone `ip -j netns list-id` prints only the first 134 nsids on this kernel (a dump cut after one
  // message; inside a batch it printed them all): the host's nsids by name come from `netns list`, one
  // question per name, so they are complete however many there are, and the root monitor places each event
  const lab = new Lab('N');
  const COUNT = 300;
  afterAll(() => lab.cleanup());

  it(`the watcher hears all ${COUNT} through the root monitor: none needs a monitor of its own, a change in the last is heard`, async () => {
    const names = await lab.many(COUNT);
    const w = new HostWatcher({ run, lingerMs: 0, log: () => {} });
    const ac = new AbortController();
    const feed = w.subscribe(null, ac.signal)[Symbol.asyncIterator]();
    try {
      let snap: HostSnapshot | null = null;
      while (!snap) {
        const { value } = await feed.next();
        if (value?.event.type === 'snapshot') snap = value.event.snapshot;
      }
      const ours = snap.namespaces.filter((n) => n.name?.startsWith(`${lab.prefix}-`));
      expect(ours.length).toBe(COUNT);
      // the host's own read names every one of their nsids
      const root = await readNamespace(
        run,
        snap.namespaces.find((n) => n.root)!,
      );
      expect(root.nsids.filter((e) => e.name?.startsWith(`${lab.prefix}-`)).length).toBe(COUNT);
      const own = Object.keys(w.monitorPids().namespaces);
      expect(ours.filter((n) => own.includes(n.id)).map((n) => n.name)).toEqual([]);
      const last = ours.find((n) => n.name === names.at(-1))!;
      // the nsids it gave them are heard too (a discovery each): wait until that is done
      await w.idle();
      await new Promise((r) => setTimeout(r, 300));
      await w.idle();
      const quick = w.stats.quickPublishes;
      await lab.ip(last.name, 'link', 'set', 'lo', 'up');
      for (;;) {
        const { value } = await feed.next();
        if (value?.event.type !== 'diff') continue;
        const lo = value.event.diff.links.upsert.find((l) => l.nsId === last.id && l.name === 'lo');
        if (lo?.up) break;
      }
      expect(w.stats.quickPublishes).toBeGreaterThan(quick);
    } finally {
      ac.abort();
      w.stop();
    }
  });
});
