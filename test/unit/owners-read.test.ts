// Unit: readOwners over a fake /proc, cgroup tree, CNI cache and Podman store (a temp dir laid out as
// the kernel and the runtimes lay them out): who wins for each namespace, and the rule that a systemd
// service owns a namespace only when all of its processes are in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readOwners } from '../../server/host/owners';
import type { Namespace } from '../../shared/host/types';

const PODMAN_ID = 'c'.repeat(64);
const CID = 'd'.repeat(64);

describe('readOwners on a fake host', () => {
  let dir = '';
  const opts = () => ({
    docker: null,
    proc: path.join(dir, 'proc'),
    cgroupRoot: path.join(dir, 'cg'),
    cniDir: path.join(dir, 'cni'),
    podmanContainers: path.join(dir, 'containers.json'),
    podmanRunRoot: path.join(dir, 'podman-run'),
    podmanNetworks: path.join(dir, 'podman-networks'),
    kubeletLogs: path.join(dir, 'log-containers'),
  });
  const ns = (id: string, pids: number[], over: Partial<Namespace> = {}): Namespace => ({
    id,
    name: null,
    root: false,
    source: 'process',
    pids,
    comms: pids.map(() => 'sleep'),
    label: '',
    path: null,
    error: null,
    owner: null,
    ...over,
  });
  const proc = (pid: number, nsId: string, cgroup: string) => {
    mkdirSync(path.join(dir, 'proc', String(pid), 'ns'), { recursive: true });
    symlinkSync(`net:[${nsId}]`, path.join(dir, 'proc', String(pid), 'ns', 'net'));
    writeFileSync(path.join(dir, 'proc', String(pid), 'cgroup'), cgroup);
  };
  const unit = (p: string, pids: number[]) => {
    mkdirSync(path.join(dir, 'cg', p), { recursive: true });
    writeFileSync(path.join(dir, 'cg', p, 'cgroup.procs'), pids.map((x) => `${x}\n`).join(''));
  };
  let cniNs = '';

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsO-owners-'));
    // a service with PrivateNetwork=: both its processes in namespace 100
    proc(11, '100', '0::/system.slice/private.service\n');
    proc(12, '100', '0::/system.slice/private.service\n');
    unit('system.slice/private.service', [11, 12]);
    // a service that started one process in a new namespace (a CI runner's test): not the owner
    proc(21, '200', '0::/system.slice/runner.service\n');
    proc(22, '1', '0::/system.slice/runner.service\n');
    unit('system.slice/runner.service', [21, 22]);
    // a Podman container, named in its store
    proc(31, '300', `0::/machine.slice/libpod-${PODMAN_ID}.scope/container\n`);
    writeFileSync(
      path.join(dir, 'containers.json'),
      JSON.stringify([
        { id: PODMAN_ID, names: ['db-1'], metadata: JSON.stringify({ 'image-name': 'docker.io/library/postgres:16' }) },
      ]),
    );
    // a CNI attachment without a pod's identity (nerdctl): containerd's container
    mkdirSync(path.join(dir, 'cni'));
    writeFileSync(path.join(dir, 'netns-file'), '');
    cniNs = String(statSync(path.join(dir, 'netns-file')).ino);
    proc(41, cniNs, '0::/default/' + CID + '\n');
    writeFileSync(
      path.join(dir, 'cni', `bridge-${CID}-eth0`),
      JSON.stringify({
        kind: 'cniCacheV1',
        containerId: CID,
        ifName: 'eth0',
        networkName: 'bridge',
        netns: path.join(dir, 'netns-file'),
        cniArgs: [['IgnoreUnknown', '1']],
        result: { ips: [{ address: '10.4.0.2/24' }] },
      }),
    );
    writeFileSync(path.join(dir, 'cni', 'garbage'), '{');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each namespace by the strongest source', async () => {
    const list = [
      ns('1', [1, 22], { root: true, source: 'root' }),
      ns('100', [11, 12]),
      ns('200', [21]),
      ns('300', [31]),
      ns(cniNs, [41]),
      ns('500', []),
    ];
    const f = await readOwners(list, opts());
    expect(f.owners.get('1')).toBeUndefined();
    expect(f.owners.get('100')).toEqual({
      runtime: 'systemd',
      kind: 'service',
      id: 'private.service',
      name: 'private.service',
    });
    expect(f.owners.get('200')).toEqual({ runtime: 'process', kind: 'process', id: '21', name: 'sleep' });
    expect(f.owners.get('300')).toEqual({
      runtime: 'podman',
      kind: 'container',
      id: PODMAN_ID,
      name: 'db-1',
      image: 'docker.io/library/postgres:16',
      networks: [], // no hosts file: not running, or on no network
    });
    expect(f.owners.get(cniNs)).toEqual({
      runtime: 'containerd',
      kind: 'container',
      id: CID,
      name: CID.slice(0, 12),
      networks: [{ name: 'bridge', driver: 'cni', ips: ['10.4.0.2/24'] }],
    });
    expect(f.owners.get('500')).toBeUndefined();
    expect(f.hidden).toEqual([]);
  });

  it("a pod with no CNI cache (another plugin chain): kubelet's log names give the pod and its containers' names", async () => {
    const uid = '0f6c2a4e-1111-4222-8333-444455556666';
    const [pause, app, side] = ['a', 'b', 'e'].map((c) => c.repeat(64));
    proc(71, '700', `12:pids:/kubepods/burstable/pod${uid}/${pause}\n`);
    proc(72, '700', `12:pids:/kubepods/burstable/pod${uid}/${app}\n`);
    proc(73, '700', `12:pids:/kubepods/burstable/pod${uid}/${side}\n`);
    mkdirSync(path.join(dir, 'log-containers'), { recursive: true });
    // kubelet links each container's log (not the sandbox's); the target does not matter, the name does
    for (const [c, id] of [
      ['web', app],
      ['istio-proxy', side],
    ])
      symlinkSync(
        `/var/log/pods/shop_cart-7d9f8-x2x_${uid}/${c}/0.log`,
        path.join(dir, 'log-containers', `cart-7d9f8-x2x_shop_${c}-${id}.log`),
      );
    writeFileSync(path.join(dir, 'log-containers', 'not-a-kubelet-name.log'), '');
    const f = await readOwners([ns('700', [71, 72, 73])], opts());
    const o = f.owners.get('700');
    expect(o).toMatchObject({
      runtime: 'kubernetes',
      kind: 'pod',
      id: uid,
      name: 'cart-7d9f8-x2x',
      namespace: 'shop',
      state: 'burstable',
    });
    expect(o?.containers).toEqual([
      { id: pause, name: pause.slice(0, 12) },
      { id: app, name: 'web' },
      { id: side, name: 'istio-proxy' },
    ]);
  });

  it('a named namespace with no runtime behind it keeps no owner', async () => {
    const f = await readOwners([ns('600', [], { source: 'named', name: 'blue' })], opts());
    expect(f.owners.size).toBe(0);
  });
});
