// A Kubernetes pod as kubelet and containerd leave it on a node, made with Debian's real CNI plugins
// (../shared/cni-pod/README.md). Who plays what:
// - the node's root namespace: a namespace of ours (`<tag>-node`), so cni0 and the host-side veth land
//   there and never in the machine's own;
// - the pod's pause process: `unshare -n sleep`, put in a real kubepods cgroup directory
//   (kubepods/besteffort/pod<UID>/<container id>, as kubelet's cgroupfs driver names them);
// - containerd (the runtime): this module. It binds the namespace at /var/run/netns/cni-<uuid>, runs the
//   real `bridge` plugin (with `host-local` IPAM) with CNI_COMMAND=ADD and the pod's identity in
//   CNI_ARGS, and writes the cache file libcni would (/var/lib/cni/results/<net>-<id>-<if>).
// - kubelet, with `app`: an app container (`nsenter --net` into the pod's namespace, its own container
//   cgroup beside the sandbox's) and its log link /var/log/containers/<pod>_<ns>_<app>-<id>.log.
// cleanup() removes everything it made (namespaces, processes, cgroup directories, the cache file, the log
// link, IPAM state).
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CNI_BIN } from '../tiers';

export interface Pod {
  namespace: string;
  name: string;
  uid: string;
  containerId: string;
  /** the app container's id, with `app` */
  appId: string | null;
  /** /var/run/netns/cni-<uuid>'s name */
  netns: string;
  node: string;
  podNs: string;
  nodeNs: string;
  subnet: string;
  cleanup: () => Promise<void>;
}

const KUBELET_LOGS = '/var/log/containers';

export async function makePod(
  tag: string,
  o: { namespace: string; name: string; subnet: string; app?: string; beforeCache?: (podNs: string) => Promise<void> },
): Promise<Pod> {
  const node = `${tag}-node`;
  const netns = `cni-${randomUUID()}`;
  const uid = randomUUID();
  const cid = randomBytes(32).toString('hex');
  const cacheDir = '/var/lib/cni/results';
  const cache = path.join(cacheDir, `cbr0-${cid}-eth0`);
  const ipam = `/tmp/${tag}-ipam`;
  const conf = {
    cniVersion: '0.4.0',
    name: 'cbr0',
    type: 'bridge',
    bridge: 'cni0',
    isGateway: true,
    ipMasq: false,
    ipam: { type: 'host-local', subnet: o.subnet, dataDir: ipam },
  };
  const args: [string, string][] = [
    ['IgnoreUnknown', '1'],
    ['K8S_POD_NAMESPACE', o.namespace],
    ['K8S_POD_NAME', o.name],
    ['K8S_POD_INFRA_CONTAINER_ID', cid],
    ['K8S_POD_UID', uid],
  ];
  const plugin = (command: 'ADD' | 'DEL') =>
    execa(
      'nsenter',
      [
        `--net=/run/netns/${node}`,
        'env',
        `CNI_COMMAND=${command}`,
        `CNI_CONTAINERID=${cid}`,
        `CNI_NETNS=/var/run/netns/${netns}`,
        'CNI_IFNAME=eth0',
        `CNI_PATH=${CNI_BIN}`,
        `CNI_ARGS=${args.map(([k, v]) => `${k}=${v}`).join(';')}`,
        path.join(CNI_BIN, 'bridge'),
      ],
      { input: JSON.stringify(conf) },
    );
  let pause: ChildProcess | null = null;
  let appProc: ChildProcess | null = null;
  const appId = o.app ? randomBytes(32).toString('hex') : null;
  const appLog = o.app ? path.join(KUBELET_LOGS, `${o.name}_${o.namespace}_${o.app}-${appId}.log`) : null;
  const madeDirs: string[] = [];
  let added = false;
  const end = async (p: ChildProcess | null) => {
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  };
  const cleanup = async () => {
    if (added) await plugin('DEL').catch(() => undefined);
    await fs.rm(cache, { force: true });
    await fs.rm(ipam, { recursive: true, force: true });
    if (appLog) await fs.rm(appLog, { force: true });
    await end(appProc);
    await end(pause);
    for (const d of madeDirs.reverse()) await fs.rmdir(d).catch(() => undefined);
    await execa('ip', ['netns', 'del', netns], { reject: false });
    await execa('ip', ['netns', 'del', node], { reject: false });
  };
  try {
    await execa('ip', ['netns', 'add', node]);
    await execa('ip', ['-n', node, 'link', 'set', 'lo', 'up']);
    const nodeNs = (await execa('stat', ['-L', '-c', '%i', `/run/netns/${node}`])).stdout.trim();
    pause = spawn('unshare', ['-n', 'sleep', '600'], { stdio: 'ignore' });
    const pid = pause.pid as number;
    const self = await fs.readlink('/proc/self/ns/net');
    for (let i = 0; i < 200 && (await fs.readlink(`/proc/${pid}/ns/net`).catch(() => self)) === self; i++)
      await new Promise((r) => setTimeout(r, 10));
    // kubelet's cgroupfs layout: v1 under a controller (pids), v2 in the unified tree
    const v2 = (await execa('stat', ['-fc', '%T', '/sys/fs/cgroup'])).stdout.trim() === 'cgroup2fs';
    let dir = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/pids';
    for (const seg of ['kubepods', 'besteffort', `pod${uid}`, cid]) {
      dir = path.join(dir, seg);
      if (!existsSync(dir)) {
        await fs.mkdir(dir);
        madeDirs.push(dir);
      }
    }
    await fs.writeFile(path.join(dir, 'cgroup.procs'), String(pid));
    if (o.app && appId && appLog) {
      // kubelet's part for an app container: its process in the pod's namespace and a cgroup of its own
      const appDir = path.join(path.dirname(dir), appId);
      await fs.mkdir(appDir);
      madeDirs.push(appDir);
      appProc = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, 'sleep', '600'], { stdio: 'ignore' });
      const apid = appProc.pid as number;
      for (let i = 0; i < 200 && (await fs.readlink(`/proc/${apid}/ns/net`).catch(() => self)) === self; i++)
        await new Promise((r) => setTimeout(r, 10));
      await fs.writeFile(path.join(appDir, 'cgroup.procs'), String(apid));
      if (!existsSync(KUBELET_LOGS)) {
        await fs.mkdir(KUBELET_LOGS, { recursive: true });
        madeDirs.unshift(KUBELET_LOGS); // removed last, and only if empty
      }
      await fs.symlink(`/var/log/pods/${o.namespace}_${o.name}_${uid}/${o.app}/0.log`, appLog);
    }
    // the runtime's part: bind the namespace as containerd names it, run the plugin, write libcni's cache
    await execa('ip', ['netns', 'attach', netns, String(pid)]);
    const result = JSON.parse((await plugin('ADD')).stdout) as unknown;
    added = true;
    // (a test may hold the runtime here: the namespace and its interfaces exist, libcni's cache not yet)
    if (o.beforeCache)
      await o.beforeCache((await execa('stat', ['-L', '-c', '%i', `/run/netns/${netns}`])).stdout.trim());
    await fs.mkdir(cacheDir, { recursive: true });
    await fs.writeFile(
      cache,
      JSON.stringify({
        kind: 'cniCacheV1',
        containerId: cid,
        config: Buffer.from(JSON.stringify(conf)).toString('base64'),
        ifName: 'eth0',
        networkName: 'cbr0',
        netns: `/var/run/netns/${netns}`,
        cniArgs: args,
        result,
      }),
    );
    const podNs = (await execa('stat', ['-L', '-c', '%i', `/run/netns/${netns}`])).stdout.trim();
    return {
      namespace: o.namespace,
      name: o.name,
      uid,
      containerId: cid,
      appId,
      netns,
      node,
      podNs,
      nodeNs,
      subnet: o.subnet,
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
