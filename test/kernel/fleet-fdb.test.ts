// fleet.fdb's reader on the real kernel: a vxlan with flannel-style FDB entries in a namespace this test makes,
// read with `bridge -j fdb show dev VXLAN` through the process door (server/ip/run.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { kernelTier } from '../tiers';
import { Lab } from './lab';
import { readFdb } from '@/server/fleet/fdb';
import { run } from '@/server/ip/run';
import type { HostSnapshot, Link, Namespace } from '@/shared/host/types';

describe.skipIf(!kernelTier.ok)('kernel: vxlan FDB entries', () => {
  const lab = new Lab('F');
  let ns = '';
  beforeAll(async () => {
    ns = await lab.netns('fdb');
    await lab.ip(
      ns,
      'link',
      'add',
      'vx0',
      'address',
      '0a:58:0a:f4:00:00',
      'type',
      'vxlan',
      'id',
      '1',
      'local',
      '10.99.0.1',
      'dstport',
      '8472',
      'nolearning',
    );
    await lab.ip(ns, 'link', 'set', 'vx0', 'up');
    await execa('bridge', ['-n', ns, 'fdb', 'append', '0a:58:0a:f4:01:00', 'dev', 'vx0', 'dst', '10.99.0.2']);
    await execa('bridge', ['-n', ns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.99.0.3']);
  });
  afterAll(() => lab.cleanup());

  it("reads the entries with a dst, in the vxlan's namespace, and says why a vxlan could not be read", async () => {
    const n: Namespace = {
      id: '1',
      name: ns,
      root: false,
      source: 'named',
      pids: [],
      comms: [],
      label: ns,
      path: `/var/run/netns/${ns}`,
      error: null,
      owner: null,
    };
    const link = (name: string, ifindex: number) =>
      ({ id: `1/${ifindex}`, nsId: '1', ifindex, name, kind: 'vxlan' }) as Link;
    const snap = { namespaces: [n], links: [link('vx0', 2), link('gone0', 9)] } as unknown as HostSnapshot;
    const r = await readFdb(run, snap);
    expect(r.entries.sort((a, b) => a.dst.localeCompare(b.dst))).toEqual([
      { linkId: '1/2', dev: 'vx0', mac: '0a:58:0a:f4:01:00', dst: '10.99.0.2', vni: null },
      { linkId: '1/2', dev: 'vx0', mac: '00:00:00:00:00:00', dst: '10.99.0.3', vni: null },
    ]);
    expect(r.errors).toEqual([
      { linkId: '1/9', message: expect.stringMatching(/gone0|Cannot find device|does not exist/i) },
    ]);
  });
});
