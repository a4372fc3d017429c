// A real rootful Podman (Debian's podman 4.3.1 with netavark) confined for tests, as
// ../shared/docker-sandbox confines dockerd:
// - its network world: every podman command runs in a namespace of ours (`<tag>-host`, through
//   `nsenter --net`, not `ip netns exec`, which remounts /sys and hides the cgroups), so the bridges
//   netavark makes (`podman0`, `podman1`, …), the veths and the NAT rules it adds are there, never in the
//   machine's own namespace; conmon and the containers' processes inherit it;
// - its files: `--root`, `--runroot`, `--tmpdir`, `--network-config-dir` (netavark's network JSON files)
//   under a temp dir, its own containers.conf (CONTAINERS_CONF), `--cgroup-manager=cgroupfs` (no
//   systemd), `--events-backend=file`; an image imported from the machine's busybox (no registry);
// - what stays the host's, as on any host running rootful podman: each container's namespace is bound at
//   /run/netns/netns-<uuid> (podman's fixed place; linkscape finds it there and through the container's
//   process), the `libpod_parent` cgroups, and netavark's IPAM state in /run/containers/networks.
// Networks are made with --disable-dns: aardvark-dns would be one more daemon, outside the temp dir.
// cleanup() removes the pods and containers (podman pod rm -f, rm -f), the networks, any conmon or
// container process still alive (by pid, from the pidfiles and inspect), namespace bindings left at
// /run/netns, mounts under the temp dir, our namespace and the temp dir.
import { execa } from 'execa';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PodmanSandbox {
  /** the namespace podman works in (`<tag>-host`) and its inode */
  host: string;
  hostNs: string;
  dir: string;
  /** readOwners' options pointing at this podman's files */
  owners: { podmanContainers: string; podmanRunRoot: string; podmanNetworks: string };
  podman: (...args: string[]) => Promise<string>;
  /**
   * Give the host's namespace an nsid for ours and for each container's (`ip netns set NAME auto`, as
   * linkscape's watcher does): on a real host podman's veths end in the host's namespace, which therefore
   * numbers every container's; here they end in ours, and without the numbers a one-shot read resolves the
   * veths by inference, which other namespaces coming and going can make ambiguous.
   */
  numberNamespaces: () => Promise<void>;
  /** a bridge network of its own, on a /24 nobody else uses */
  network: (name: string) => Promise<{ subnet: string; gateway: string }>;
  cleanup: () => Promise<void>;
}

export const IMAGE = 'localhost/busybox:lsP';

export async function makePodmanSandbox(tag: string): Promise<PodmanSandbox> {
  const host = `${tag}-host`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${tag}-podman-`));
  const p = (x: string) => path.join(dir, x);
  const flags = [
    '--root',
    p('root'),
    '--runroot',
    p('run'),
    '--tmpdir',
    p('tmp'),
    '--network-config-dir',
    p('networks'),
    '--network-backend',
    'netavark',
    '--cgroup-manager=cgroupfs',
    '--events-backend=file',
    '--storage-driver',
    'overlay',
    '--log-level',
    'error',
  ];
  const env = { CONTAINERS_CONF: p('containers.conf') };
  const podman = async (...args: string[]) =>
    (
      await execa('nsenter', [`--net=/run/netns/${host}`, 'podman', ...flags, ...args], { env, stdin: 'ignore' })
    ).stdout.trim();
  const networks: string[] = [];
  let hostMade = false;

  const cleanup = async () => {
    if (!existsSync(p('root'))) {
      await fs.rm(dir, { recursive: true, force: true });
      if (hostMade) await execa('ip', ['netns', 'del', host], { reject: false });
      return;
    }
    const ids = (await podman('ps', '-aq', '--no-trunc').catch(() => '')).split('\n').filter(Boolean);
    const keys = await Promise.all(
      ids.map((id) => podman('inspect', '-f', '{{.NetworkSettings.SandboxKey}}', id).catch(() => '')),
    );
    // the processes podman started: each container's conmon and its main process, by pid
    const pids = (
      await Promise.all(
        ids.map(async (id) => [
          await fs.readFile(p(`run/overlay-containers/${id}/userdata/conmon.pid`), 'utf8').then(
            (x) => ({ pid: Number(x.trim()), mark: dir }),
            () => null,
          ),
          await podman('inspect', '-f', '{{.State.Pid}}', id).then(
            (x) => ({ pid: Number(x), mark: `libpod-${id}` }),
            () => null,
          ),
        ]),
      )
    )
      .flat()
      .filter((x): x is { pid: number; mark: string } => !!x && x.pid > 0);
    await podman('pod', 'rm', '-f', '-a', '-t', '0').catch(() => ''); // a pod's infra goes only with its pod
    const left = (await podman('ps', '-aq', '--no-trunc').catch(() => '')).split('\n').filter(Boolean);
    if (left.length) await podman('rm', '-f', '-t', '0', ...left).catch(() => '');
    for (const n of networks) await podman('network', 'rm', '-f', n).catch(() => '');
    for (const { pid, mark } of pids) {
      // only a process of ours still alive: conmon's command line names our temp dir, a container's
      // process is in its container's cgroup
      const [cmd, cg] = await Promise.all([
        fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
        fs.readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => ''),
      ]);
      if (cmd.includes(mark) || cg.includes(mark)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
    }
    for (const k of keys)
      if (/^\/run\/netns\/netns-[0-9a-f-]{36}$/.test(k) && existsSync(k)) {
        await execa('umount', [k], { reject: false });
        await fs.rm(k, { force: true });
      }
    const mounts = (await fs.readFile('/proc/self/mounts', 'utf8'))
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter((m) => m?.startsWith(dir + '/'))
      .reverse();
    for (const m of mounts) await execa('umount', ['-l', m], { reject: false });
    if (hostMade) await execa('ip', ['netns', 'del', host], { reject: false });
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    await execa('ip', ['netns', 'add', host]);
    hostMade = true;
    await execa('ip', ['-n', host, 'link', 'set', 'lo', 'up']);
    const hostNs = (await execa('stat', ['-L', '-c', '%i', `/run/netns/${host}`])).stdout.trim();
    // podman's default rlimits (1048576 open files and processes) are refused by runc in this machine's
    // sandbox, even at the current hard limits; a containers.conf of ours sets modest ones
    await fs.writeFile(
      p('containers.conf'),
      '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n[network]\nnetwork_backend = "netavark"\n',
    );
    const img = p('img');
    await fs.mkdir(path.join(img, 'bin'), { recursive: true });
    const busybox = (await execa('sh', ['-c', 'command -v busybox'])).stdout.trim();
    await fs.copyFile(busybox, path.join(img, 'bin/busybox'));
    await fs.chmod(path.join(img, 'bin/busybox'), 0o755);
    for (const c of ['sh', 'sleep', 'ip', 'cat', 'ls', 'hostname'])
      await fs.symlink('busybox', path.join(img, 'bin', c));
    // a pod's infra command (`podman pod create --infra-command /bin/pause`): one executable, no arguments
    await fs.writeFile(path.join(img, 'bin/pause'), '#!/bin/sh\nwhile :; do sleep 3600; done\n', { mode: 0o755 });
    await execa('tar', ['-C', img, '-cf', p('busybox.tar'), '.']);
    await podman('import', p('busybox.tar'), IMAGE);
    await fs.rm(img, { recursive: true, force: true });
    await fs.rm(p('busybox.tar'));
    return {
      host,
      hostNs,
      dir,
      owners: {
        podmanContainers: p('root/overlay-containers/containers.json'),
        podmanRunRoot: p('run'),
        podmanNetworks: p('networks'),
      },
      podman,
      async numberNamespaces() {
        const ids = (await podman('ps', '-q', '--no-trunc')).split('\n').filter(Boolean);
        const keys = await Promise.all(ids.map((id) => podman('inspect', '-f', '{{.NetworkSettings.SandboxKey}}', id)));
        const names = [host, ...keys.filter((k) => k.startsWith('/run/netns/')).map((k) => path.basename(k))];
        // one that has a number already answers `File exists`: nothing to do
        for (const n of new Set(names)) await execa('ip', ['netns', 'set', n, 'auto'], { reject: false });
      },
      async network(name) {
        // 10.<200-249>.<0-255>.0/24 from the tag and name: private, and not what the other tiers use
        let h = 0;
        for (const ch of `${tag}/${name}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
        const net = `10.${200 + (h % 50)}.${(h >>> 8) % 256}`;
        await podman('network', 'create', '--driver', 'bridge', '--disable-dns', '--subnet', `${net}.0/24`, name);
        networks.push(name);
        return { subnet: `${net}.0/24`, gateway: `${net}.1` };
      },
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
