// CNI tier: a Kubernetes pod as kubelet and containerd leave it on a node, made with Debian's real CNI
// plugins (../shared/cni-pod/README.md). Who plays what:
// - the node's root namespace: a namespace of ours (lsO<pid>-node), so cni0 and the host-side veth
//   land there and never in the machine's own;
// - the pod's pause process: `unshare -n sleep`, put in a real kubepods cgroup directory
//   (kubepods/besteffort/pod<UID>/<container id>, as kubelet's cgroupfs driver names them);
// - containerd (the runtime): this test. It binds the namespace at /var/run/netns/cni-<uuid>, runs the
//   real `bridge` plugin (with `host-local` IPAM) with CNI_COMMAND=ADD and the pod's identity in
//   CNI_ARGS, and writes the cache file libcni would (/var/lib/cni/results/<net>-<id>-<if>).
// Everything it made (namespaces, cgroup directories, the cache file, IPAM state) is removed afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CNI_BIN, cniTier } from '../tiers';
import { readHost } from '../../server/host/read';
import { run } from '../../server/ip/run';
import type { HostSnapshot } from '../../server/host/types';

if (!cniTier.ok) console.warn(`!! SKIPPED cni tier (owners-pod): ${cniTier.why}`);

const tag = `lsO${process.pid % 100000}`;
const NODE = `${tag}-node`;
const UUID = randomUUID();
const NETNS = `cni-${UUID}`;
const POD_UID = randomUUID();
const CID = randomBytes(32).toString('hex');
const CACHE_DIR = '/var/lib/cni/results';
const CACHE = path.join(CACHE_DIR, `cbr0-${CID}-eth0`);
const IPAM = `/tmp/${tag}-ipam`;
const CONF = {
  cniVersion: '0.4.0',
  name: 'cbr0',
  type: 'bridge',
  bridge: 'cni0',
  isGateway: true,
  ipMasq: false,
  ipam: { type: 'host-local', subnet: '10.244.211.0/24', dataDir: IPAM },
};
const ARGS: [string, string][] = [['IgnoreUnknown', '1'], ['K8S_POD_NAMESPACE', 'shop'], ['K8S_POD_NAME', 'cart-7d9f8-x2x'], ['K8S_POD_INFRA_CONTAINER_ID', CID], ['K8S_POD_UID', POD_UID]];

describe.skipIf(!cniTier.ok)('cni tier: a pod made by the real bridge plugin is named by its pod', () => {
  let pause: ChildProcess | null = null;
  let cgroupLeaf = '';
  const madeDirs: string[] = [];
  let snap: HostSnapshot;
  let podNs = '';
  let nodeNs = '';

  const plugin = (command: 'ADD' | 'DEL') =>
    execa('nsenter', [`--net=/run/netns/${NODE}`, 'env', `CNI_COMMAND=${command}`, `CNI_CONTAINERID=${CID}`, `CNI_NETNS=/var/run/netns/${NETNS}`, 'CNI_IFNAME=eth0', `CNI_PATH=${CNI_BIN}`, `CNI_ARGS=${ARGS.map(([k, v]) => `${k}=${v}`).join(';')}`, path.join(CNI_BIN, 'bridge')], { input: JSON.stringify(CONF) });

  beforeAll(async () => {
    await execa('ip', ['netns', 'add', NODE]);
    await execa('ip', ['-n', NODE, 'link', 'set', 'lo', 'up']);
    nodeNs = (await execa('stat', ['-L', '-c', '%i', `/run/netns/${NODE}`])).stdout.trim();
    pause = spawn('unshare', ['-n', 'sleep', '600'], { stdio: 'ignore' });
    const pid = pause.pid as number;
    const self = await fs.readlink('/proc/self/ns/net');
    for (let i = 0; i < 200 && (await fs.readlink(`/proc/${pid}/ns/net`).catch(() => self)) === self; i++) await new Promise((r) => setTimeout(r, 10));
    // kubelet's cgroupfs layout: v1 under a controller (pids), v2 in the unified tree
    const v2 = (await execa('stat', ['-fc', '%T', '/sys/fs/cgroup'])).stdout.trim() === 'cgroup2fs';
    const base = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/pids';
    let dir = base;
    for (const seg of ['kubepods', 'besteffort', `pod${POD_UID}`, CID]) {
      dir = path.join(dir, seg);
      if (!existsSync(dir)) {
        await fs.mkdir(dir);
        madeDirs.push(dir);
      }
    }
    cgroupLeaf = dir;
    await fs.writeFile(path.join(cgroupLeaf, 'cgroup.procs'), String(pid));
    // the runtime's part: bind the namespace as containerd names it, run the plugin, write libcni's cache
    await execa('ip', ['netns', 'attach', NETNS, String(pid)]);
    const result = JSON.parse((await plugin('ADD')).stdout) as unknown;
    await fs.mkdir(CACHE_DIR, { recursive: true });
    await fs.writeFile(CACHE, JSON.stringify({
      kind: 'cniCacheV1',
      containerId: CID,
      config: Buffer.from(JSON.stringify(CONF)).toString('base64'),
      ifName: 'eth0',
      networkName: 'cbr0',
      netns: `/var/run/netns/${NETNS}`,
      cniArgs: ARGS,
      result,
    }));
    podNs = (await execa('stat', ['-L', '-c', '%i', `/run/netns/${NETNS}`])).stdout.trim();
    snap = await readHost(run, { owners: { docker: null } });
  }, 60_000);

  afterAll(async () => {
    await plugin('DEL').catch(() => undefined);
    await fs.rm(CACHE, { force: true });
    await fs.rm(IPAM, { recursive: true, force: true });
    if (pause && pause.exitCode === null) {
      const gone = new Promise((r) => pause?.once('exit', r));
      pause.kill('SIGKILL');
      await gone;
    }
    for (const d of madeDirs.reverse()) await fs.rmdir(d).catch(() => undefined);
    await execa('ip', ['netns', 'del', NETNS], { reject: false });
    await execa('ip', ['netns', 'del', NODE], { reject: false });
  });

  it('labels the namespace with the pod, from its cgroup and the CNI cache', () => {
    const ns = snap.namespaces.find((n) => n.id === podNs);
    expect(ns?.label).toBe('shop/cart-7d9f8-x2x · pod');
    expect(ns?.owner).toMatchObject({ runtime: 'kubernetes', kind: 'pod', id: POD_UID, name: 'cart-7d9f8-x2x', namespace: 'shop', state: 'besteffort' });
    expect(ns?.owner?.containers?.map((c) => c.id)).toEqual([CID]);
  });

  it('gives the pod the network and the address the plugin gave it', async () => {
    const ns = snap.namespaces.find((n) => n.id === podNs);
    const ip = JSON.parse((await execa('ip', ['-n', NETNS, '-j', 'addr', 'show', 'eth0'])).stdout)[0].addr_info.find((a: { family: string }) => a.family === 'inet');
    expect(ns?.owner?.networks).toEqual([{ name: 'cbr0', driver: 'bridge', ips: [`${ip.local}/${ip.prefixlen}`] }]);
    expect(snap.links.find((l) => l.nsId === podNs && l.name === 'eth0')?.network).toMatchObject({ runtime: 'kubernetes', name: 'cbr0' });
  });

  it("ties the node's cni0 and the pod's host-side veth to the network cbr0", () => {
    const cni0 = snap.links.find((l) => l.nsId === nodeNs && l.name === 'cni0');
    expect(cni0?.network).toEqual({ runtime: 'kubernetes', name: 'cbr0', driver: 'bridge', subnets: ['10.244.211.0/24'], gateway: ['10.244.211.1'] });
    const podEth0 = snap.links.find((l) => l.nsId === podNs && l.name === 'eth0');
    const hostEnd = snap.links.find((l) => l.id === podEth0?.peerId);
    expect(hostEnd?.masterId).toBe(cni0?.id);
    expect(hostEnd?.network?.name).toBe('cbr0');
  });
});
