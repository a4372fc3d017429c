// Runs INSIDE the lab VM (LABVM=1): the seed's Docker ipvlan L3 walkthrough for real, with the same
// ../shared/docker-sandbox script as on the host (dockerd in a namespace of its own; the macvlan/ipvlan
// parent `eth0` is the sandbox's veth, inside that namespace). Two containers on ipnet210's two subnets,
// a third pings across; readHost names them and ties their ipvlan children to ipnet210. Prints one JSON
// report between markers.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readHost } from '../../server/host/read';
import { run } from '../../server/ip/run';
import type { HostSnapshot } from '../../shared/host/types';

const BEGIN = '==LINKSCAPE-LABVM-BEGIN==';
const END = '==LINKSCAPE-LABVM-END==';

export interface OwnersReport {
  ping: string;
  /** the namespace each container's process is in, by container name */
  nsOf: Record<string, string>;
  snapshot: Pick<HostSnapshot, 'namespaces' | 'links' | 'hidden'>;
}

if (process.env.LABVM !== '1') {
  console.error('inside-owners.ts starts dockerd: it only runs inside the lab VM (LABVM=1)');
  process.exit(2);
}

const SANDBOX = 'lsO1';
// the host test copies the scripts into the repository (the VM sees only the current directory, and /
// read-only: a ../shared under /tmp, where the VM has a tmpfs of its own, is not there)
const SANDBOX_DIR = process.env.LABVM_DOCKER_SANDBOX ?? path.resolve('../shared/docker-sandbox'); // the VM starts in the repository;
const SOCK = `/run/${SANDBOX}-docker/docker.sock`;
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: `unix://${SOCK}` } }).trim();
const docker = (...args: string[]) => sh('docker', args);

// Under emulation on a busy machine dockerd's own wait for containerd can run out: start it once more
// then (the daemon's start-up, not what is tested), saying so.
try {
  sh(path.join(SANDBOX_DIR, 'up'), [SANDBOX]);
} catch (e) {
  console.error(
    `docker-sandbox up failed once, starting it again: ${String((e as { stderr?: string }).stderr ?? e).slice(-300)}`,
  );
  sh(path.join(SANDBOX_DIR, 'down'), [SANDBOX]);
  sh(path.join(SANDBOX_DIR, 'up'), [SANDBOX]);
}
try {
  docker(
    'network',
    'create',
    '-d',
    'ipvlan',
    '--subnet=192.168.214.0/24',
    '--subnet=10.1.214.0/24',
    '-o',
    'parent=eth0',
    '-o',
    'ipvlan_mode=l3',
    'ipnet210',
  );
  docker('run', '-d', '--name', 'ipv-a', '--net=ipnet210', '--ip=192.168.214.10', 'busybox:local', 'sleep', '1d');
  docker('run', '-d', '--name', 'ipv-b', '--net=ipnet210', '--ip=10.1.214.10', 'busybox:local', 'sleep', '1d');
  const ping = docker(
    'run',
    '--rm',
    '--net=ipnet210',
    '--ip=192.168.214.9',
    'busybox:local',
    'ping',
    '-c',
    '2',
    '10.1.214.10',
  );
  const nsOf: Record<string, string> = {};
  for (const c of ['ipv-a', 'ipv-b'])
    nsOf[c] = sh('stat', ['-L', '-c', '%i', `/proc/${docker('inspect', '-f', '{{.State.Pid}}', c)}/ns/net`]);
  const s = await readHost(run, { owners: { docker: { path: SOCK, explicit: true } } });
  const report: OwnersReport = { ping, nsOf, snapshot: { namespaces: s.namespaces, links: s.links, hidden: s.hidden } };
  process.stdout.write(`${BEGIN}${JSON.stringify(report)}${END}\n`);
} finally {
  sh(path.join(SANDBOX_DIR, 'down'), [SANDBOX]);
}
