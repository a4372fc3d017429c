// Kernel tier: host.snapshot from the watcher's live state (HostWatcher.currentSettled): an answer waits
// for the re-reads already asked for, so a change the watcher has heard is in it; without a watcher, or
// with fresh: true, a full read. No timing assertions: conditions only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelTier } from '../tiers';
import { inodeOf, Lab } from './lab';
import { HostWatcher } from '../../server/host/watch';
import { run } from '../../server/ip/run';
import { appRouter } from '../../server/api/root';
import { gatedContext } from '../context';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!kernelTier.ok)('kernel: host.snapshot from the live state', () => {
  const lab = new Lab('B');
  let ns: string;
  let nsId: string;
  let w: HostWatcher;
  const ac = new AbortController();
  let loop: Promise<void> | null = null;

  beforeAll(async () => {
    ns = await lab.netns('live');
    nsId = await inodeOf(`/var/run/netns/${ns}`);
    w = new HostWatcher({ run, lingerMs: 0, log: () => {} });
  });
  afterAll(async () => {
    ac.abort();
    await loop;
    w?.stop();
    await lab.cleanup();
  });

  it('is null while nobody watches', async () => {
    expect(await w.currentSettled()).toBeNull();
  });

  it('once a change is heard, the answer has it (it waits for the pending re-read)', async () => {
    let first = false;
    loop = (async () => {
      for await (const item of w.subscribe(null, ac.signal)) if (item.event.type === 'snapshot') first = true;
    })();
    while (!first) await sleep(5);
    for (let i = 0; i < 10; i++) {
      const heard = w.stats.monitorLines;
      await lab.ip(ns, 'link', 'add', `d${i}`, 'type', 'veth', 'peer', 'name', `e${i}`);
      // wait until the root monitor heard something (the watcher gave the namespace a root nsid)
      while (w.stats.monitorLines === heard) await sleep(1);
      const s = await w.currentSettled();
      expect(
        s!.links.some((l) => l.nsId === nsId && l.name === `d${i}`),
        `d${i}`,
      ).toBe(true);
    }
  });

  it('host.snapshot: fresh must be a boolean, nothing else is accepted, fresh: true reads the host', async () => {
    const caller = appRouter.createCaller(gatedContext());
    await expect(caller.host.snapshot({ fresh: 'yes' } as never)).rejects.toThrow(/fresh/);
    await expect(caller.host.snapshot({ fresh: true, other: 1 } as never)).rejects.toThrow(/other|unrecognized/i);
    await lab.ip(ns, 'link', 'add', 'fresh0', 'type', 'veth', 'peer', 'name', 'fresh1');
    const s = await caller.host.snapshot({ fresh: true });
    expect(s.links.some((l) => l.nsId === nsId && l.name === 'fresh0')).toBe(true);
  });
});
