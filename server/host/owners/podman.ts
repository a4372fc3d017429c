// Podman (rootful, netavark backend) from its files alone: no podman binary, no bolt database.
// - containers' names and images: the storage's `containers.json` (`<root>/overlay-containers/`)
// - which networks a container is on, with its addresses: the `hosts` file podman writes for each running
//   container (`<runroot>/overlay-containers/<id>/userdata/hosts`: one `IP id12 name` line per network),
//   each address matched to the network whose subnet holds it
// - networks: netavark's JSON files (`/etc/containers/networks/<name>.json`: name, id, driver, the bridge as
//   `network_interface`, subnets with gateways); the default network `podman` is built in and has no file
// A container's namespace is found by its process's cgroup (`libpod-<id>`, index.ts).
import 'server-only';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BlockList, isIP } from 'node:net';

export interface PodmanNetwork {
  id: string;
  name: string;
  driver: string;
  /** the Linux bridge of a bridge network (`podman0`, `podman1`, …) */
  bridge: string | null;
  subnets: string[];
  gateways: string[];
}

export interface PodmanContainer {
  name: string;
  image?: string;
}

/**
 * `podman network inspect podman` on a fresh Podman 4.3.1 (Debian 12): the default network lives in no
 * file unless it was changed (then `podman.json` replaces it).
 */
export const DEFAULT_PODMAN_NETWORK: PodmanNetwork = {
  id: '2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9',
  name: 'podman',
  driver: 'bridge',
  bridge: 'podman0',
  subnets: ['10.88.0.0/16'],
  gateways: ['10.88.0.1'],
};

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** one netavark network file; null when it is not one */
export function parseNetavarkNetwork(text: string): PodmanNetwork | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const n = obj(raw);
  const name = s(n.name);
  const id = s(n.id);
  if (!name || !id) return null;
  const driver = s(n.driver) ?? 'unknown';
  const subnets = (Array.isArray(n.subnets) ? n.subnets : []).map(obj);
  return {
    id,
    name,
    driver,
    bridge: driver === 'bridge' ? s(n.network_interface) : null,
    subnets: subnets.map((x) => s(x.subnet)).filter((x): x is string => !!x),
    gateways: subnets.map((x) => s(x.gateway)).filter((x): x is string => !!x),
  };
}

/** containers/storage's `containers.json`: id → name and the image it was made from */
export function parseContainersJson(text: string): Map<string, PodmanContainer> {
  const m = new Map<string, PodmanContainer>();
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return m;
  }
  for (const raw of Array.isArray(list) ? list : []) {
    const c = obj(raw);
    const id = s(c.id);
    if (!id) continue;
    let image: string | undefined;
    try {
      image = s(obj(JSON.parse(s(c.metadata) ?? '{}'))['image-name']) ?? undefined;
    } catch {
      /* none */
    }
    const names = Array.isArray(c.names) ? c.names.map(s).filter((x): x is string => !!x) : [];
    m.set(id, { name: names[0] ?? id.slice(0, 12), ...(image ? { image } : {}) });
  }
  return m;
}

export interface HostsFacts {
  /** the container's own addresses, one line per network */
  ips: string[];
  /** the host name on those lines when it is neither the short id nor the name (a pod's infra: the pod's) */
  hostname: string | null;
}

/**
 * The container's lines in the `hosts` file podman wrote for it: `IP <hostname> <name>`, the host name being
 * the short id unless one was given (a pod's infra container carries the pod's name). Loopback lines (a
 * pod's other containers get `127.0.0.1 <name>`) are not addresses on a network.
 */
export function parseHosts(text: string, id: string, name: string): HostsFacts {
  const short = id.slice(0, 12);
  const out: HostsFacts = { ips: [], hostname: null };
  for (const line of text.split('\n')) {
    const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!ip || !(names.includes(short) || names.includes(name))) continue;
    if (/^127\./.test(ip) || ip === '::1') continue;
    if (!out.ips.includes(ip)) out.ips.push(ip);
    if (!out.hostname && names[0] !== short && names[0] !== name) out.hostname = names[0];
  }
  return out;
}

/** whether `ip` is inside `cidr`; the prefix length when it is, else null */
export function prefixIfIn(ip: string, cidr: string): number | null {
  const [net, len] = cidr.split('/');
  const family = isIP(ip);
  const bits = Number(len);
  if (!family || isIP(net) !== family || !/^\d+$/.test(len ?? '') || bits > (family === 6 ? 128 : 32)) return null;
  const list = new BlockList();
  const type = family === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(net, bits, type);
  return list.check(ip, type) ? bits : null;
}

/** each address tied to the network whose subnet holds it (an address in none is left out) */
export function attachments(ips: string[], networks: PodmanNetwork[]): { network: PodmanNetwork; ips: string[] }[] {
  const out: { network: PodmanNetwork; ips: string[] }[] = [];
  for (const ip of ips) {
    for (const n of networks) {
      const len = n.subnets.map((c) => prefixIfIn(ip, c)).find((x) => x !== null);
      if (len === undefined || len === null) continue;
      const a = out.find((x) => x.network === n) ?? out[out.push({ network: n, ips: [] }) - 1];
      a.ips.push(`${ip}/${len}`);
      break;
    }
  }
  return out;
}

/** netavark's networks: every `*.json` in the directory, and the built-in `podman` unless a file replaces it */
const denied = (e: unknown) => ['EACCES', 'EPERM'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/** `hidden` gets a line when a file is there but cannot be read */
export async function readPodmanNetworks(dir: string, hidden: string[] = []): Promise<PodmanNetwork[]> {
  let names: string[] = [];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    // no directory: only the default network
    if (denied(e)) hidden.push(`Podman networks (${dir}): permission denied — devices are not tied to them`);
  }
  const read = await Promise.all(
    names.map((n) =>
      fs.readFile(path.join(dir, n), 'utf8').then(parseNetavarkNetwork, () => null /* removed while we looked */),
    ),
  );
  const nets = read.filter((n): n is PodmanNetwork => !!n);
  return nets.some((n) => n.name === DEFAULT_PODMAN_NETWORK.name) ? nets : [DEFAULT_PODMAN_NETWORK, ...nets];
}

export async function readPodmanContainers(file: string, hidden: string[] = []): Promise<Map<string, PodmanContainer>> {
  try {
    return parseContainersJson(await fs.readFile(file, 'utf8'));
  } catch (e) {
    // no Podman, or unreadable: containers keep their ids
    if (denied(e)) hidden.push(`Podman (${file}): permission denied — containers are not named`);
    return new Map();
  }
}

/** what a running container's `hosts` file says of it; nothing when it has none (stopped, in a pod but not its infra) */
export async function readPodmanHosts(
  containersFile: string,
  runRoot: string,
  id: string,
  name: string,
): Promise<HostsFacts> {
  // the run root mirrors the store's layout: `<driver>-containers/<id>/userdata`
  const driverDir = path.basename(path.dirname(containersFile));
  try {
    return parseHosts(await fs.readFile(path.join(runRoot, driverDir, id, 'userdata', 'hosts'), 'utf8'), id, name);
  } catch {
    return { ips: [], hostname: null };
  }
}
