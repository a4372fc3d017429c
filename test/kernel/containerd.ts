// A real containerd (Debian's, with its CRI plugin) confined as ../shared/docker-sandbox confines dockerd,
// and a client that plays kubelet on its CRI socket. Who plays what:
// - the node's root namespace: a network namespace of ours (`<tag>`); containerd runs in it (nsenter --net,
//   not `ip netns exec`, which remounts /sys and hides the cgroups runc needs), so the CNI bridge and the
//   host-side veths it makes land there, never in the machine's own;
// - containerd: the real daemon, with its own root, state, socket and CNI config under a temp dir
//   (Debian's `bridge` + `host-local` plugins, a private subnet, IPAM state in the temp dir), the `native`
//   snapshotter and runc; its only image is imported from the machine's busybox (no registry), and it is
//   the pod sandbox's image too;
// - kubelet: `Kubelet` below, which calls RunPodSandbox / CreateContainer / StartContainer / StopPodSandbox /
//   RemovePodSandbox over gRPC as kubelet does, with kubelet's cgroupfs parent (/kubepods/besteffort/pod<UID>).
// cleanup() removes everything, also after a failure: the pods, containerd (by its pid) and the shims it
// started, their mounts, the temp dir, the namespace, the /run/netns/cni-* and libcni cache files of our
// network, the kubepods cgroup directories of our pods.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import { CRI_MESSAGES, CRI_SERVICES, criDescriptor } from '../../server/host/owners/cri-proto';
import { criCall, criClient, loadCriWith, type Loaded } from '../../server/host/owners/cri';

export const IMAGE = 'docker.io/library/busybox:lsc';

const CNI_CACHE = '/var/lib/cni/results';
const CGROUP = '/sys/fs/cgroup';

// kubelet's side of the CRI, beside what linkscape reads (field numbers from k8s.io/cri-api runtime/v1)
const f = (id: number, type = 'string') => ({ type, id });
const KUBELET_MESSAGES = {
  ...CRI_MESSAGES,
  LinuxPodSandboxConfig: { fields: { cgroupParent: f(1) } },
  PodSandboxConfig: {
    fields: { metadata: f(1, 'PodSandboxMetadata'), hostname: f(2), linux: f(8, 'LinuxPodSandboxConfig') },
  },
  RunPodSandboxRequest: { fields: { config: f(1, 'PodSandboxConfig') } },
  RunPodSandboxResponse: { fields: { podSandboxId: f(1) } },
  ContainerConfig: {
    fields: {
      metadata: f(1, 'ContainerMetadata'),
      image: f(2, 'ImageSpec'),
      command: { type: 'string', id: 3, rule: 'repeated' as const },
    },
  },
  CreateContainerRequest: {
    fields: { podSandboxId: f(1), config: f(2, 'ContainerConfig'), sandboxConfig: f(3, 'PodSandboxConfig') },
  },
  CreateContainerResponse: { fields: { containerId: f(1) } },
  StartContainerRequest: { fields: { containerId: f(1) } },
  StartContainerResponse: { fields: {} },
  StopPodSandboxRequest: { fields: { podSandboxId: f(1) } },
  StopPodSandboxResponse: { fields: {} },
  RemovePodSandboxRequest: { fields: { podSandboxId: f(1) } },
  RemovePodSandboxResponse: { fields: {} },
};
const rpc = (name: string) => ({ requestType: `${name}Request`, responseType: `${name}Response` });
const KUBELET_SERVICES = {
  ...CRI_SERVICES,
  RuntimeService: {
    methods: {
      ...CRI_SERVICES.RuntimeService.methods,
      RunPodSandbox: rpc('RunPodSandbox'),
      CreateContainer: rpc('CreateContainer'),
      StartContainer: rpc('StartContainer'),
      StopPodSandbox: rpc('StopPodSandbox'),
      RemovePodSandbox: rpc('RemovePodSandbox'),
    },
  },
};

export interface PodSpec {
  namespace: string;
  name: string;
  uid: string;
}

/** kubelet's calls; each with a generous deadline (a first sandbox copies the image: `native` snapshotter) */
export class Kubelet {
  private constructor(
    private l: Loaded,
    private rt: Grpc.Client,
    private im: Grpc.Client,
  ) {}

  static async connect(socket: string): Promise<Kubelet> {
    const l = await loadCriWith(criDescriptor(KUBELET_MESSAGES, KUBELET_SERVICES));
    return new Kubelet(l, criClient(l, l.runtime, socket), criClient(l, l.image, socket));
  }

  call(method: string, req: object, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const client = method === 'ListImages' ? this.im : this.rt;
    return criCall(this.l, client, method, req, timeoutMs) as Promise<Record<string, unknown>>;
  }

  sandboxConfig(p: PodSpec) {
    return {
      metadata: { name: p.name, namespace: p.namespace, uid: p.uid, attempt: 0 },
      hostname: p.name,
      // kubelet's cgroupfs driver: the pod's cgroup under its QoS class
      linux: { cgroupParent: `/kubepods/besteffort/pod${p.uid}` },
    };
  }

  /** the sandboxes this client ran and has not removed (a cleanup after a failure removes them) */
  readonly sandboxes = new Set<string>();

  async runPod(p: PodSpec): Promise<string> {
    const id = String((await this.call('RunPodSandbox', { config: this.sandboxConfig(p) })).podSandboxId);
    this.sandboxes.add(id);
    return id;
  }

  /** CreateContainer + StartContainer, the image given by its id as kubelet gives it */
  async runContainer(p: PodSpec, sandboxId: string, name: string, imageId: string, command: string[]): Promise<string> {
    const { containerId } = await this.call('CreateContainer', {
      podSandboxId: sandboxId,
      config: { metadata: { name, attempt: 0 }, image: { image: imageId }, command },
      sandboxConfig: this.sandboxConfig(p),
    });
    await this.call('StartContainer', { containerId });
    return String(containerId);
  }

  async removePod(sandboxId: string): Promise<void> {
    await this.call('StopPodSandbox', { podSandboxId: sandboxId });
    await this.call('RemovePodSandbox', { podSandboxId: sandboxId });
    this.sandboxes.delete(sandboxId);
  }

  close(): void {
    this.rt.close();
    this.im.close();
  }
}

export interface Containerd {
  tag: string;
  dir: string;
  socket: string;
  /** the image's id (its config's digest), as kubelet passes it to CreateContainer */
  imageId: string;
  network: string;
  subnet: string;
  kubelet: Kubelet;
  /** pods whose cgroups and sandboxes cleanup() removes */
  pods: { uid: string; sandboxId: string | null }[];
  cleanup: () => Promise<void>;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** an OCI image archive of the machine's busybox: one layer (/bin/busybox and its applet links) */
async function busyboxImage(dir: string): Promise<{ tar: string; id: string }> {
  const root = path.join(dir, 'rootfs');
  await fs.mkdir(path.join(root, 'bin'), { recursive: true });
  const bb = (await execa('sh', ['-c', 'command -v busybox'])).stdout.trim();
  await fs.copyFile(bb, path.join(root, 'bin/busybox'));
  await fs.chmod(path.join(root, 'bin/busybox'), 0o755);
  for (const a of ['sh', 'sleep', 'cat', 'ls']) await fs.symlink('busybox', path.join(root, 'bin', a));
  const layout = path.join(dir, 'oci');
  const blobs = path.join(layout, 'blobs/sha256');
  await fs.mkdir(blobs, { recursive: true });
  const layerTar = path.join(dir, 'layer.tar');
  await execa('tar', ['-C', root, '--owner=0', '--group=0', '-cf', layerTar, '.']);
  const layer = await fs.readFile(layerTar);
  const blob = async (b: Buffer | string) => {
    const d = sha(b);
    await fs.writeFile(path.join(blobs, d), b);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(b) };
  };
  const l = await blob(layer);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['sleep', '3600'], Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: [l.digest] },
  });
  const c = await blob(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l }],
  });
  const m = await blob(manifest);
  await fs.writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await fs.writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...m,
          platform: { architecture: 'amd64', os: 'linux' },
          annotations: { 'io.containerd.image.name': IMAGE, 'org.opencontainers.image.ref.name': 'lsc' },
        },
      ],
    }),
  );
  const tar = path.join(dir, 'busybox-oci.tar');
  await execa('tar', ['-C', layout, '-cf', tar, '.']);
  return { tar, id: c.digest };
}

async function until<T>(
  what: string,
  f: () => Promise<T | null>,
  timeoutMs: number,
  log?: () => Promise<string>,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await f();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`${what}: not after ${timeoutMs} ms (${String(last)})${log ? `\n${await log()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** the processes containerd started for this socket (its shims), by their command lines */
async function shimsOf(socket: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    const cmd = await fs.readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    const argv = cmd.split('\0');
    if (argv[0]?.endsWith('containerd-shim-runc-v2') && argv.includes(socket)) out.push(Number(p));
  }
  return out;
}

export async function startContainerd(tag: string, subnet: string): Promise<Containerd> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${tag}-`));
  const socket = path.join(dir, 'containerd.sock');
  const network = `${tag}-net`;
  const netd = path.join(dir, 'net.d');
  const pods: Containerd['pods'] = [];
  let daemon: ChildProcess | null = null;
  let kubelet: Kubelet | null = null;
  const hadCgroup = new Map<string, boolean>();
  // cgroup v1 (and hybrid): runc makes the pod's directories in every hierarchy; v2: in the one tree
  const v2 = (await execa('stat', ['-fc', '%T', CGROUP])).stdout.trim() === 'cgroup2fs';
  const controllers = v2 ? [''] : await fs.readdir(CGROUP);
  for (const c of controllers)
    for (const d of ['kubepods', 'kubepods/besteffort'])
      hadCgroup.set(path.join(CGROUP, c, d), existsSync(path.join(CGROUP, c, d)));

  const cleanup = async () => {
    // kubelet's part first: every sandbox this containerd has (all ours, also one a failure left unrecorded);
    // the runtime removes the pods' containers, namespaces, veths, mounts and CNI cache itself
    const sandboxIds = new Set([
      ...pods.map((p) => p.sandboxId).filter((x): x is string => !!x),
      ...(kubelet?.sandboxes ?? []),
    ]);
    if (kubelet) {
      const listed = await kubelet.call('ListPodSandbox', {}, 10_000).catch(() => ({ items: [] }));
      for (const sb of (listed.items ?? []) as { id: string }[]) sandboxIds.add(sb.id);
      for (const id of sandboxIds) await kubelet.removePod(id).catch(() => undefined);
    }
    kubelet?.close();
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      const gone = new Promise((r) => daemon?.once('exit', r));
      daemon.kill('SIGTERM');
      const t = setTimeout(() => daemon?.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    }
    // whatever a failure left: the containers' processes (in our pods' cgroups), the shims, mounts under our dir
    const podDirs = pods.flatMap((p) =>
      controllers.map((c) => path.join(CGROUP, c, 'kubepods/besteffort', `pod${p.uid}`)),
    );
    const containerDirs = (
      await Promise.all(
        podDirs.map(async (d) =>
          (await fs.readdir(d, { withFileTypes: true }).catch(() => []))
            .filter((e) => e.isDirectory())
            .map((e) => path.join(d, e.name)),
        ),
      )
    ).flat();
    for (const d of containerDirs)
      for (const pid of (await fs.readFile(path.join(d, 'cgroup.procs'), 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    for (const pid of await shimsOf(socket)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const pid of await shimsOf(socket).catch(() => []))
      await until(`shim ${pid} ends`, async () => (existsSync(`/proc/${pid}`) ? null : true), 10_000).catch(
        () => undefined,
      );
    const mounts = (await fs.readFile('/proc/self/mounts', 'utf8'))
      .split('\n')
      .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
      .filter((m): m is string => !!m && m.startsWith(dir + '/'))
      .reverse();
    for (const m of mounts) await execa('umount', ['-l', m], { reject: false });
    // the namespaces and cache files of our network that the runtime did not remove
    for (const n of await fs.readdir(CNI_CACHE).catch(() => [] as string[])) {
      const ours = n.startsWith(`${network}-`) || [...sandboxIds].some((id) => n === `cni-loopback-${id}-lo`);
      if (!ours) continue;
      const file = path.join(CNI_CACHE, n);
      const j = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as {
        netns?: string;
        result?: { interfaces?: { sandbox?: string }[] };
      };
      for (const netns of [j.netns, ...(j.result?.interfaces ?? []).map((i) => i.sandbox)])
        if (netns && /^\/var\/run\/netns\/cni-[0-9a-f-]+$/.test(netns))
          await execa('ip', ['netns', 'del', path.basename(netns)], { reject: false });
      await fs.rm(file, { force: true });
    }
    // a cgroup directory goes once its processes have (rmdir says EBUSY until then)
    for (const d of [...containerDirs, ...podDirs])
      await until(
        `${d} removed`,
        async () => {
          await fs.rmdir(d).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'ENOENT') throw e;
          });
          return true;
        },
        10_000,
      ).catch(() => undefined);
    for (const [d, had] of [...hadCgroup].reverse()) if (!had) await fs.rmdir(d).catch(() => undefined);
    await execa('ip', ['netns', 'del', tag], { reject: false });
    if (process.env.LINKSCAPE_CONTAINERD_LOG)
      await fs.copyFile(path.join(dir, 'containerd.log'), process.env.LINKSCAPE_CONTAINERD_LOG).catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    await execa('ip', ['netns', 'add', tag]);
    await execa('ip', ['-n', tag, 'link', 'set', 'lo', 'up']);
    await fs.mkdir(netd);
    await fs.writeFile(
      path.join(netd, '10-lsc.conflist'),
      JSON.stringify({
        cniVersion: '0.4.0',
        name: network,
        plugins: [
          {
            type: 'bridge',
            bridge: `${tag}b`,
            isGateway: true,
            ipMasq: false,
            ipam: { type: 'host-local', subnet, dataDir: path.join(dir, 'ipam') },
          },
        ],
      }),
    );
    const cri = 'plugins."io.containerd.grpc.v1.cri"';
    await fs.writeFile(
      path.join(dir, 'config.toml'),
      [
        'version = 2',
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
        '[grpc]',
        `  address = "${socket}"`,
        '[ttrpc]',
        `  address = "${socket}.ttrpc"`,
        '[plugins."io.containerd.internal.v1.opt"]',
        `  path = "${dir}/opt"`,
        `[${cri}]`,
        `  sandbox_image = "${IMAGE}"`,
        '  disable_apparmor = true',
        // a pod's sandbox asks for oom_score_adj -998; a confined machine (a CI container) may refuse to go below its own
        '  restrict_oom_score_adj = true',
        '  stream_server_address = "127.0.0.1"',
        '  stream_server_port = "0"',
        `[${cri}.containerd]`,
        '  snapshotter = "native"',
        '  default_runtime_name = "runc"',
        `[${cri}.containerd.runtimes.runc]`,
        '  runtime_type = "io.containerd.runc.v2"',
        `[${cri}.containerd.runtimes.runc.options]`,
        '  BinaryName = "/usr/sbin/runc"',
        '  SystemdCgroup = false',
        `[${cri}.cni]`,
        '  bin_dir = "/usr/lib/cni"',
        `  conf_dir = "${netd}"`,
        '  max_conf_num = 1',
        '',
      ].join('\n'),
    );
    const log = path.join(dir, 'containerd.log');
    const out = openSync(log, 'a');
    daemon = spawn('nsenter', [`--net=/run/netns/${tag}`, 'containerd', '--config', path.join(dir, 'config.toml')], {
      stdio: ['ignore', out, out],
    });
    const tail = async () => (await fs.readFile(log, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    const k = await Kubelet.connect(socket);
    kubelet = k;
    await until(
      'containerd answers Version on its CRI socket',
      async () => {
        if (daemon?.exitCode !== null) throw new Error(`containerd exited ${daemon?.exitCode}`);
        return await k.call('Version', {}, 2000);
      },
      60_000,
      tail,
    );
    const img = await busyboxImage(dir);
    await execa('ctr', [
      '-a',
      socket,
      '-n',
      'k8s.io',
      'images',
      'import',
      '--snapshotter',
      'native',
      '--platform',
      'linux/amd64',
      img.tar,
    ]);
    // the CRI plugin learns of the import from containerd's events
    await until(
      'the CRI plugin lists the imported image',
      async () => {
        const r = await k.call('ListImages', {}, 2000);
        return ((r.images ?? []) as { id: string }[]).some((i) => i.id === img.id) ? true : null;
      },
      30_000,
      tail,
    );
    return { tag, dir, socket, imageId: img.id, network, subnet, kubelet: k, pods, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
