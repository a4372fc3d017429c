// Unit: the CRI source. parseCri/criPodOf on answers shaped as containerd and CRI-O give them; criSocket's
// flag and probe; and readCri/readOwners against a gRPC server of ours on a unix socket (grpc-js, the same
// runtime.v1 descriptor) that answers, refuses (UNIMPLEMENTED) or never answers (the deadline).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import { criDescriptor } from '../../server/host/owners/cri-proto';
import { criPodOf, criProblem, criSocket, parseCri, readCri } from '../../server/host/owners/cri';
import { readOwners } from '../../server/host/owners';
import type { Namespace } from '../../shared/host/types';

const UID = '5b1f2c3d-0000-4000-8000-00000000abcd';
const SB_OLD = 'a'.repeat(64);
const SB = 'b'.repeat(64);
const WEB = 'c'.repeat(64);
const SIDE = 'e'.repeat(64);
const IMG = `sha256:${'f'.repeat(64)}`;

const sandboxes = {
  items: [
    {
      id: SB_OLD,
      metadata: { name: 'cart-1', namespace: 'shop', uid: UID, attempt: 0 },
      state: 'SANDBOX_NOTREADY',
      createdAt: 1,
    },
    {
      id: SB,
      metadata: { name: 'cart-1', namespace: 'shop', uid: UID, attempt: 1 },
      state: 'SANDBOX_READY',
      createdAt: 2,
    },
    { id: 'd'.repeat(64), metadata: { name: 'other', namespace: 'kube-system', uid: 'x' }, state: 'SANDBOX_READY' },
  ],
};
const containers = {
  containers: [
    {
      id: WEB,
      podSandboxId: SB,
      metadata: { name: 'web', attempt: 0 },
      image: { image: IMG },
      imageRef: IMG,
      state: 'CONTAINER_RUNNING',
    },
    // CRI-O (and kubelet ≥1.30) say which image the user asked for
    {
      id: SIDE,
      podSandboxId: SB,
      metadata: { name: 'log', attempt: 2 },
      image: { image: IMG, userSpecifiedImage: 'fluent/fluent-bit:3' },
      state: 'CONTAINER_EXITED',
    },
    {
      id: '1'.repeat(64),
      podSandboxId: SB_OLD,
      metadata: { name: 'web' },
      image: { image: 'nginx:1' },
      state: 'CONTAINER_EXITED',
    },
  ],
};
const images = { images: [{ id: IMG, repoTags: ['docker.io/library/nginx:1.27'], repoDigests: [] }] };

describe('parseCri and criPodOf', () => {
  it('reads sandboxes and containers; an image given by id is named from the image list', () => {
    const f = parseCri(sandboxes, containers, images);
    expect(f.sandboxes[1]).toEqual({
      id: SB,
      name: 'cart-1',
      namespace: 'shop',
      uid: UID,
      attempt: 1,
      ready: true,
      createdAt: 2,
    });
    expect(f.containers.map((c) => [c.name, c.image, c.state])).toEqual([
      ['web', 'docker.io/library/nginx:1.27', 'running'],
      ['log', 'fluent/fluent-bit:3', 'exited'],
      ['web', 'nginx:1', 'exited'],
    ]);
    // without the image list the id is what there is
    expect(parseCri(sandboxes, containers).containers[0].image).toBe(IMG);
    expect(parseCri({}, null)).toEqual({ sandboxes: [], containers: [] });
  });

  it("picks the pod's sandbox the namespace is (by the ids its cgroups give), else its ready one", () => {
    const f = parseCri(sandboxes, containers, images);
    expect(criPodOf(f, UID, new Set())?.sandbox.id).toBe(SB);
    const old = criPodOf(f, UID, new Set([SB_OLD]));
    expect(old?.sandbox.id).toBe(SB_OLD);
    expect(old?.containers.map((c) => c.id)).toEqual(['1'.repeat(64)]);
    expect(criPodOf(f, UID, new Set())?.containers.map((c) => c.name)).toEqual(['web', 'log']);
    // no UID (no kubepods cgroup, no cache): only a sandbox id the namespace's processes give
    expect(criPodOf(f, null, new Set([SB]))?.sandbox.name).toBe('cart-1');
    expect(criPodOf(f, null, new Set([WEB]))).toBeNull();
    expect(criPodOf(f, 'unknown', new Set([SB]))).toBeNull();
  });
});

describe('criSocket', () => {
  let dir = '';
  let srv: net.Server;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsC-cri-sock-'));
    srv = net.createServer();
    await new Promise<void>((r) => srv.listen(path.join(dir, 'crio.sock'), r));
    writeFileSync(path.join(dir, 'plain-file.sock'), '');
  });
  afterAll(() => {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  it('the flag wins; else the first default that is a socket; else none', async () => {
    expect(await criSocket({ LINKSCAPE_CRI_SOCKET: 'unix:///x/c.sock' })).toEqual({
      path: '/x/c.sock',
      explicit: true,
    });
    const probe = [path.join(dir, 'absent.sock'), path.join(dir, 'plain-file.sock'), path.join(dir, 'crio.sock')];
    expect(await criSocket({}, probe)).toEqual({ path: path.join(dir, 'crio.sock'), explicit: false });
    expect(await criSocket({}, probe.slice(0, 2))).toBeNull();
  });
  it('a default socket that went away is not worth a word; a given one is', async () => {
    const gone = path.join(dir, 'containerd.sock');
    expect(await criProblem({ path: gone, explicit: false }, new Error('x'))).toBeNull();
    expect(await criProblem({ path: gone, explicit: true }, new Error('x'))).toBe(
      `containerd CRI (${gone}): no such socket — pods' containers are named by id only`,
    );
  });
});

describe('readCri and readOwners against a gRPC server on a unix socket', () => {
  let dir = '';
  let server: grpc.Server;
  const sock = (n: string) => path.join(dir, n);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lsC-cri-'));
    const def = loader.fromJSON(criDescriptor() as Parameters<typeof loader.fromJSON>[0], {
      enums: String,
      longs: Number,
      defaults: true,
    });
    const v1 = (grpc.loadPackageDefinition(def).runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
    const rt = (v1.RuntimeService as grpc.ServiceClientConstructor).service;
    const im = (v1.ImageService as grpc.ServiceClientConstructor).service;
    const answer = (v: unknown) => (_: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, v);
    server = new grpc.Server();
    server.addService(rt, {
      Version: answer({ runtimeName: 'fake' }),
      ListPodSandbox: answer(sandboxes),
      ListContainers: answer(containers),
    });
    server.addService(im, { ListImages: answer(images) });
    await new Promise<void>((r, j) =>
      server.bindAsync(`unix://${sock('ok.sock')}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? j(e) : r())),
    );
    // a CRI server that does not serve runtime.v1 (only the image service): UNIMPLEMENTED
    const bare = new grpc.Server();
    bare.addService(im, { ListImages: answer(images) });
    await new Promise<void>((r, j) =>
      bare.bindAsync(`unix://${sock('v1alpha2.sock')}`, grpc.ServerCredentials.createInsecure(), (e) =>
        e ? j(e) : r(),
      ),
    );
    servers.push(bare);
    // a socket that accepts and never speaks: the deadline
    const mute = net.createServer(() => undefined);
    await new Promise<void>((r) => mute.listen(sock('mute.sock'), r));
    mutes.push(mute);
  });
  const servers: grpc.Server[] = [];
  const mutes: net.Server[] = [];
  afterAll(() => {
    server?.forceShutdown();
    for (const s of servers) s.forceShutdown();
    for (const m of mutes) m.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads sandboxes, containers and (for an image id) the image list over gRPC', async () => {
    const f = await readCri(sock('ok.sock'));
    expect(f.sandboxes.map((s) => s.id)).toEqual([SB_OLD, SB, 'd'.repeat(64)]);
    expect(f.containers[0]).toMatchObject({
      id: WEB,
      name: 'web',
      image: 'docker.io/library/nginx:1.27',
      state: 'running',
    });
  });

  it('a runtime that does not serve runtime.v1, and one that never answers, say so', async () => {
    await expect(readCri(sock('v1alpha2.sock'))).rejects.toMatchObject({ status: 'UNIMPLEMENTED' });
    await expect(readCri(sock('mute.sock'), 300)).rejects.toMatchObject({
      status: expect.stringMatching(/DEADLINE_EXCEEDED|UNAVAILABLE/),
    });
  });

  // a pod's pause process in its kubepods cgroup, as readOwners sees it through a fake /proc
  const podHost = () => {
    const root = mkdtempSync(path.join(dir, 'host-'));
    const pid = 77;
    mkdirSync(path.join(root, 'proc', String(pid), 'ns'), { recursive: true });
    symlinkSync('net:[900]', path.join(root, 'proc', String(pid), 'ns', 'net'));
    writeFileSync(path.join(root, 'proc', String(pid), 'cgroup'), `4:pids:/kubepods/besteffort/pod${UID}/${SB}\n`);
    const ns: Namespace = {
      id: '900',
      name: null,
      root: false,
      source: 'process',
      pids: [pid],
      comms: ['pause'],
      label: '',
      path: null,
      error: null,
      owner: null,
    };
    const o = {
      docker: null,
      proc: path.join(root, 'proc'),
      cgroupRoot: path.join(root, 'cg'),
      cniDir: path.join(root, 'cni'),
      podmanContainers: path.join(root, 'none.json'),
      kubeletLogs: path.join(root, 'logs'),
    };
    return { ns, o };
  };

  it('readOwners: the pod named by the runtime, its containers with names, images and states', async () => {
    const { ns, o } = podHost();
    const f = await readOwners([ns], { ...o, cri: { path: sock('ok.sock'), explicit: true } });
    expect(f.hidden).toEqual([]);
    expect(f.owners.get('900')).toMatchObject({
      runtime: 'kubernetes',
      kind: 'pod',
      id: UID,
      name: 'cart-1',
      namespace: 'shop',
    });
    expect(f.owners.get('900')?.containers).toEqual([
      { id: SB, name: SB.slice(0, 12), state: 'sandbox' },
      { id: WEB, name: 'web', image: 'docker.io/library/nginx:1.27', state: 'running' },
      { id: SIDE, name: 'log', image: 'fluent/fluent-bit:3', state: 'exited' },
    ]);
  });

  it("readOwners: a runtime that refuses leaves today's owner and names itself in hidden", async () => {
    const { ns, o } = podHost();
    const f = await readOwners([ns], { ...o, cri: { path: sock('v1alpha2.sock'), explicit: true } });
    expect(f.hidden).toEqual([
      expect.stringMatching(
        new RegExp(
          `^CRI runtime \\(${sock('v1alpha2.sock')}\\): it does not serve the CRI \\(runtime\\.v1\\): ListPodSandbox: UNIMPLEMENTED.* — pods' containers are named by id only$`,
        ),
      ),
    ]);
    expect(f.owners.get('900')).toMatchObject({
      name: `pod ${UID.slice(0, 8)}`,
      containers: [{ id: SB, name: SB.slice(0, 12) }],
    });
    // no pod on the host: the socket is not even asked
    const none = await readOwners([{ ...ns, pids: [] }], {
      ...o,
      cri: { path: sock('v1alpha2.sock'), explicit: true },
    });
    expect(none.hidden).toEqual([]);
  });
});
