// Who owns each namespace (a Docker container, a Kubernetes pod, a Podman container or pod, a systemd
// service, or just the process holding it) and which runtime network each device belongs to. Every
// source is optional and looked at cheaply on each discovery: the Docker API over its socket, libcni's
// cache directory, the holders' /proc/PID/cgroup, Podman's and netavark's files (podman.ts; read only
// when a namespace looks like Podman's). Nothing here starts a daemon or runs a process.
import 'server-only';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Link, LinkNetwork, Namespace, NamespaceOwner, OwnerNetwork } from '../../../shared/host/types';
import { parseCgroup, type CgroupFacts } from './cgroup';
import { parseCniCache, type CniAttachment } from './cni';
import {
  dockerSocket,
  readDocker,
  socketProblem,
  type DockerContainer,
  type DockerFacts,
  type DockerNetwork,
  type DockerSocket,
} from './docker';
import { criPodOf, criProblem, criSocket, readCri, type CriFacts, type CriSocket } from './cri';
import { readKubeletContainers } from './kubelet';
import {
  attachments,
  readPodmanHosts,
  readPodmanContainers,
  readPodmanNetworks,
  type PodmanContainer,
  type PodmanNetwork,
} from './podman';
import { ownerLabel } from './label';

export { ownerLabel } from './label';

export interface OwnerOptions {
  /** the Docker socket to read; null: do not look for Docker */
  docker?: DockerSocket | null;
  /** the CRI socket (containerd, CRI-O) to ask about pods; null: do not ask; absent: --cri-socket, else probe */
  cri?: CriSocket | null;
  /** libcni's cache directory */
  cniDir?: string;
  proc?: string;
  cgroupRoot?: string;
  /** Podman's container list (names of libpod-<id> cgroups): `<storage root>/overlay-containers/containers.json` */
  podmanContainers?: string;
  /** Podman's storage run root (`/run/containers/storage`): each running container's `hosts` file */
  podmanRunRoot?: string;
  /** netavark's network files (`/etc/containers/networks`) */
  podmanNetworks?: string;
  /** kubelet's per-container log links (`<pod>_<namespace>_<container>-<id>.log`): containers' names */
  kubeletLogs?: string;
}

export const DEFAULT_OWNER_OPTIONS: Required<Omit<OwnerOptions, 'docker' | 'cri'>> = {
  cniDir: process.env.LINKSCAPE_CNI_CACHE_DIR ?? '/var/lib/cni/results',
  proc: '/proc',
  cgroupRoot: '/sys/fs/cgroup',
  podmanContainers: path.join(
    process.env.LINKSCAPE_PODMAN_ROOT ?? '/var/lib/containers/storage',
    'overlay-containers/containers.json',
  ),
  podmanRunRoot: process.env.LINKSCAPE_PODMAN_RUNROOT ?? '/run/containers/storage',
  podmanNetworks: process.env.LINKSCAPE_PODMAN_NETWORK_DIR ?? '/etc/containers/networks',
  kubeletLogs: '/var/log/containers',
};

export interface CniFound extends CniAttachment {
  nsId: string | null;
}

/** Everything the sources said, kept to tag links after the read (tagLinkNetworks). */
export interface OwnerFacts {
  owners: Map<string, NamespaceOwner>;
  docker: DockerFacts | null;
  /** container id → the namespace it is in */
  dockerNs: Map<string, string>;
  cni: CniFound[];
  /** Podman's networks and, for each container found in a namespace, where it is and what it is on */
  podman: PodmanFacts | null;
  /** what a source could not show, for the banner */
  hidden: string[];
}

export interface PodmanFacts {
  networks: PodmanNetwork[];
  /** each namespace Podman's containers are in: their ids (a pod's several), the pod, what the hosts files say */
  namespaces: {
    nsId: string;
    ids: string[];
    pod: string | null;
    hostname: string | null;
    attached: { network: PodmanNetwork; ips: string[] }[];
  }[];
}

export const NO_OWNERS: OwnerFacts = {
  owners: new Map(),
  docker: null,
  dockerNs: new Map(),
  cni: [],
  podman: null,
  hidden: [],
};

/** rootful Podman binds each container's namespace at /run/netns/netns-<uuid> */
const isPodmanNetns = (ns: Namespace) => ns.source === 'named' && /^netns-[0-9a-f-]{36}$/.test(ns.name ?? '');

const inodeOfLink = (t: string) => /^net:\[(\d+)\]$/.exec(t)?.[1] ?? null;

async function nsOfPid(proc: string, pid: number): Promise<string | null> {
  try {
    return inodeOfLink(await fs.readlink(path.join(proc, String(pid), 'ns/net')));
  } catch {
    return null;
  }
}

async function inodeOfPath(p: string): Promise<string | null> {
  try {
    return String((await fs.stat(p)).ino);
  } catch {
    return null;
  }
}

async function readCni(dir: string, hidden: string[]): Promise<CniFound[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      hidden.push(`CNI cache (${dir}): permission denied — pods are not named`);
    return [];
  }
  const out = await Promise.all(
    names.map(async (name) => {
      try {
        const a = parseCniCache(await fs.readFile(path.join(dir, name), 'utf8'));
        // containerd brings up a sandbox's `lo` with the loopback plugin (network `cni-loopback`): not a network
        if ('error' in a || a.driver === 'loopback' || a.ifName === 'lo') return null;
        return { ...a, nsId: a.netns ? await inodeOfPath(a.netns) : null };
      } catch {
        return null; // removed while we looked
      }
    }),
  );
  return out.filter((x): x is CniFound => !!x);
}

/** A systemd unit owns a namespace only when every process of the unit is in it (PrivateNetwork=). */
async function serviceLivesIn(
  o: Required<Omit<OwnerOptions, 'docker' | 'cri'>>,
  svc: NonNullable<CgroupFacts['service']>,
  nsId: string,
): Promise<boolean> {
  const dirs = svc.v2 ? [o.cgroupRoot, path.join(o.cgroupRoot, 'unified')] : [path.join(o.cgroupRoot, 'systemd')];
  for (const d of dirs) {
    let procs: number[];
    try {
      procs = (await fs.readFile(path.join(d, svc.path, 'cgroup.procs'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      continue;
    }
    if (!procs.length || procs.length > 64) return false;
    const nss = await Promise.all(procs.map((p) => nsOfPid(o.proc, p)));
    return nss.every((n) => n === nsId || n === null);
  }
  return false;
}

function dockerOwner(cs: DockerContainer[], nets: DockerNetwork[]): NamespaceOwner {
  // the one that made the namespace; others joined it with --network container:<id>
  const main = cs.find((c) => !c.networkMode.startsWith('container:')) ?? cs[0];
  const netOf = (name: string, id: string | null) => nets.find((n) => (id && n.id === id) || n.name === name);
  const networks: OwnerNetwork[] = main.endpoints.map((e) => {
    const n = netOf(e.network, e.networkId);
    return {
      name: e.network,
      ...(n ? { id: n.id } : e.networkId ? { id: e.networkId } : {}),
      driver: n?.driver ?? 'unknown',
      ips: e.ips,
    };
  });
  return {
    runtime: 'docker',
    kind: 'container',
    id: main.id,
    name: main.name,
    image: main.image,
    state: main.state,
    ...(cs.length > 1
      ? { containers: cs.map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state })) }
      : {}),
    networks,
  };
}

/** the runtime's pods and containers, when a pod is seen and a CRI socket is there; its problem goes to `hidden` */
async function readCriSource(given: CriSocket | null | undefined, hidden: string[]): Promise<CriFacts | null> {
  const sock = given === undefined ? await criSocket() : given;
  if (!sock) return null;
  try {
    return await readCri(sock.path);
  } catch (e) {
    const why = await criProblem(sock, e);
    if (why) hidden.push(why);
    return null;
  }
}

function cniNetworks(as: CniFound[]): OwnerNetwork[] {
  return as.map((a) => ({
    name: a.networkName,
    driver: a.driver ?? 'cni',
    ips: a.ips.filter((i) => !i.iface || i.iface === a.ifName).map((i) => i.address),
  }));
}

/**
 * Look at every source and say who owns each namespace. Never throws: a source that cannot be read
 * adds a line to `hidden` (a socket without permission) or is simply absent.
 */
export async function readOwners(namespaces: Namespace[], opts: OwnerOptions = {}): Promise<OwnerFacts> {
  const o = { ...DEFAULT_OWNER_OPTIONS, ...opts };
  const sock = opts.docker === undefined ? dockerSocket() : opts.docker;
  const hidden: string[] = [];
  const [docker, cni, cgroups] = await Promise.all([
    (async (): Promise<DockerFacts | null> => {
      if (!sock) return null;
      if (sock.unusable) {
        hidden.push(`Docker: ${sock.unusable} — containers are not named`);
        return null;
      }
      try {
        return await readDocker(sock.path);
      } catch (e) {
        const why = await socketProblem(sock, e);
        if (why) hidden.push(why);
        return null;
      }
    })(),
    readCni(o.cniDir, hidden),
    // the holders' cgroups (the host's own processes say nothing about who owns the host)
    Promise.all(
      namespaces.map(async (ns): Promise<[string, CgroupFacts[]]> => {
        if (ns.root || !ns.pids.length) return [ns.id, []];
        const facts = await Promise.all(
          ns.pids.map((pid) =>
            fs.readFile(path.join(o.proc, String(pid), 'cgroup'), 'utf8').then(parseCgroup, () => null),
          ),
        );
        return [ns.id, facts.filter((f): f is CgroupFacts => !!f)];
      }),
    ),
  ]);
  const present = new Set(namespaces.map((n) => n.id));
  const dockerNs = new Map<string, string>();
  if (docker) {
    await Promise.all(
      docker.containers.map(async (c) => {
        const id =
          (c.sandboxKey ? await inodeOfPath(c.sandboxKey) : null) ?? (c.pid ? await nsOfPid(o.proc, c.pid) : null);
        if (id && present.has(id)) dockerNs.set(c.id, id);
      }),
    );
  }
  const byNs = new Map<string, DockerContainer[]>();
  for (const c of docker?.containers ?? []) {
    const id = dockerNs.get(c.id);
    if (id) byNs.set(id, [...(byNs.get(id) ?? []), c]);
  }
  const cgroupsOf = new Map(cgroups);
  // Podman's files are read only when a namespace looks like one of its containers'
  const podmanOf = new Map<string, { ids: string[]; pod: string | null }>(); // namespace → its holders' libpod-<id> cgroups
  for (const [nsId, facts] of cgroupsOf) {
    for (const f of facts) {
      if (!f.podman) continue;
      const e = podmanOf.get(nsId) ?? { ids: [], pod: null };
      if (!e.ids.includes(f.podman.id)) e.ids.push(f.podman.id);
      e.pod ??= f.podman.pod ?? null;
      podmanOf.set(nsId, e);
    }
  }
  const podmanish = podmanOf.size > 0 || namespaces.some((ns) => isPodmanNetns(ns));
  const [podman, podmanNets] = podmanish
    ? await Promise.all([
        readPodmanContainers(o.podmanContainers, hidden),
        readPodmanNetworks(o.podmanNetworks, hidden),
      ])
    : [new Map<string, PodmanContainer>(), [] as PodmanNetwork[]];
  const nameOf = (id: string) => podman.get(id)?.name ?? id.slice(0, 12);
  // in the namespaces' order: the watcher compares these facts between reads
  const podmanFacts: PodmanFacts | null = podmanish
    ? {
        networks: podmanNets,
        namespaces: await Promise.all(
          [...podmanOf].map(async ([nsId, { ids, pod }]) => {
            // a pod's infra container has the hosts file (the others share its namespace and their lines are 127.0.0.1)
            const hosts = await Promise.all(
              ids.map((id) => readPodmanHosts(o.podmanContainers, o.podmanRunRoot, id, nameOf(id))),
            );
            const ips = [...new Set(hosts.flatMap((h) => h.ips))];
            return {
              nsId,
              ids,
              pod,
              hostname: hosts.find((h) => h.hostname)?.hostname ?? null,
              attached: attachments(ips, podmanNets),
            };
          }),
        ),
      }
    : null;

  const anyPod = [...cgroupsOf.values()].flat().some((f) => f.pod) || cni.some((a) => a.pod);
  const [kubelet, cri] = anyPod
    ? await Promise.all([readKubeletContainers(o.kubeletLogs), readCriSource(opts.cri, hidden)])
    : [new Map<string, never>(), null];

  const owners = new Map<string, NamespaceOwner>();
  await Promise.all(
    namespaces.map(async (ns) => {
      if (ns.root) return;
      const cs = byNs.get(ns.id);
      if (cs) return void owners.set(ns.id, dockerOwner(cs, docker?.networks ?? []));
      const cg = cgroupsOf.get(ns.id) ?? [];
      const ids = new Set(cg.map((f) => f.pod?.containerId).filter((x): x is string => !!x));
      const attach = cni.filter(
        (a) => (a.nsId !== null && a.nsId === ns.id) || (a.nsId === null && ids.has(a.containerId)),
      );
      const pod = cg.find((f) => f.pod)?.pod;
      const k8s = attach.find((a) => a.pod);
      if (pod || k8s) {
        const named = new Set([...attach.map((a) => a.containerId), ...ids]);
        // the runtime's own record of the pod: its sandbox by the pod's UID, its containers by the sandbox
        const fromCri = cri ? criPodOf(cri, pod?.uid ?? k8s?.pod?.uid ?? null, named) : null;
        const uid = pod?.uid ?? k8s?.pod?.uid ?? fromCri?.sandbox.uid ?? null;
        // the pod's identity from libcni's cache, else the runtime's, else kubelet's log names of its containers
        const logged = [...ids].map((id) => kubelet.get(id)).find(Boolean);
        const name = k8s?.pod?.name ?? fromCri?.sandbox.name ?? logged?.pod ?? `pod${uid ? ` ${uid.slice(0, 8)}` : ''}`;
        const sandbox = (id: string) => attach.some((a) => a.containerId === id) || fromCri?.sandbox.id === id;
        const byId = new Map((fromCri?.containers ?? []).map((c) => [c.id, c]));
        const containers = [
          ...new Set([
            ...attach.map((a) => a.containerId),
            ...(fromCri ? [fromCri.sandbox.id] : []),
            ...ids,
            ...byId.keys(),
          ]),
        ].map((id) => {
          const c = byId.get(id);
          if (c) return { id, name: c.name || id.slice(0, 12), image: c.image, state: c.state };
          return {
            id,
            name: kubelet.get(id)?.container ?? id.slice(0, 12),
            ...(sandbox(id) ? { state: 'sandbox' } : {}),
          };
        });
        return void owners.set(ns.id, {
          runtime: 'kubernetes',
          kind: 'pod',
          id: uid ?? k8s?.containerId ?? ns.id,
          name,
          namespace: k8s?.pod?.namespace ?? fromCri?.sandbox.namespace ?? logged?.namespace ?? 'default',
          ...(pod?.qos ? { state: pod.qos } : {}),
          containers,
          networks: cniNetworks(attach),
        });
      }
      const pn = podmanFacts?.namespaces.find((x) => x.nsId === ns.id);
      if (pn) {
        const cs = pn.ids.map((id) => ({ id, ...(podman.get(id) ?? { name: id.slice(0, 12) }) }));
        const networks = pn.attached.map((a) => ({
          name: a.network.name,
          id: a.network.id,
          driver: a.network.driver,
          ips: a.ips,
        }));
        if (pn.pod) {
          // podman names a pod's infra container `<pod id12>-infra` and gives it the pod's name as host name
          const infra = `${pn.pod.slice(0, 12)}-infra`;
          return void owners.set(ns.id, {
            runtime: 'podman',
            kind: 'pod',
            id: pn.pod,
            name: pn.hostname ?? `pod ${pn.pod.slice(0, 12)}`,
            containers: cs.map((c) => ({ ...c, ...(c.name === infra ? { state: 'infra' } : {}) })),
            networks,
          });
        }
        const main = cs[0];
        return void owners.set(ns.id, {
          runtime: 'podman',
          kind: 'container',
          id: main.id,
          name: main.name,
          ...(main.image ? { image: main.image } : {}),
          // others joined it (`--network container:<id>`)
          ...(cs.length > 1 ? { containers: cs } : {}),
          networks,
        });
      }
      if (isPodmanNetns(ns) && !attach.length) {
        // bound by podman, its process not (yet) there to say which container
        return void owners.set(ns.id, {
          runtime: 'podman',
          kind: 'container',
          id: ns.name as string,
          name: ns.name as string,
        });
      }
      if (attach.length) {
        // a CNI attachment without a pod's identity: a plain containerd (nerdctl) container
        const a = attach[0];
        return void owners.set(ns.id, {
          runtime: 'containerd',
          kind: 'container',
          id: a.containerId,
          name: a.containerId.slice(0, 12),
          networks: cniNetworks(attach),
        });
      }
      const svc = cg.find((f) => f.service)?.service;
      if (svc && ns.source === 'process' && (await serviceLivesIn(o, svc, ns.id))) {
        return void owners.set(ns.id, { runtime: 'systemd', kind: 'service', id: svc.unit, name: svc.unit });
      }
      if (ns.source === 'process' && ns.pids.length) {
        owners.set(ns.id, { runtime: 'process', kind: 'process', id: String(ns.pids[0]), name: ns.comms[0] ?? '?' });
      }
    }),
  );
  return { owners, docker, dockerNs, cni, podman: podmanFacts, hidden };
}

/** Set each namespace's owner and the label built from it. */
export function applyOwners(namespaces: Namespace[], facts: OwnerFacts, labelOf: (ns: Namespace) => string): void {
  for (const ns of namespaces) {
    ns.owner = facts.owners.get(ns.id) ?? null;
    ns.label = (ns.owner && ownerLabel(ns.owner)) ?? labelOf(ns);
  }
}

function dockerLinkNetwork(n: DockerNetwork): LinkNetwork {
  return { runtime: 'docker', name: n.name, id: n.id, driver: n.driver, subnets: n.subnets, gateway: n.gateways };
}

function podmanLinkNetwork(n: PodmanNetwork): LinkNetwork {
  return { runtime: 'podman', name: n.name, id: n.id, driver: n.driver, subnets: n.subnets, gateway: n.gateways };
}

const cidrsOf = (l: Link) => new Set(l.addresses.map((a) => a.cidr));

/**
 * Tie devices to the runtime network that owns them: a Docker network's bridge and its ports, every
 * container's endpoint (veth end, macvlan/ipvlan child), a CNI bridge and the veths a CNI result names.
 */
export function tagLinkNetworks(links: Link[], facts: OwnerFacts): void {
  if (!facts.docker && !facts.cni.length && !facts.podman) return;
  const byId = new Map(links.map((l) => [l.id, l]));
  const byNs = new Map<string, Link[]>();
  for (const l of links) byNs.set(l.nsId, [...(byNs.get(l.nsId) ?? []), l]);
  const tag = (l: Link | undefined, n: LinkNetwork) => {
    if (l && !l.network) l.network = n;
  };
  if (facts.docker) {
    const nets = facts.docker.networks;
    const bridgeOf = new Map<string, Set<string>>(); // network id → ids of bridges its endpoints' peers are ports of
    for (const c of facts.docker.containers) {
      const nsId = facts.dockerNs.get(c.id);
      if (!nsId || c.networkMode.startsWith('container:')) continue;
      for (const e of c.endpoints) {
        const n = nets.find((x) => (e.networkId && x.id === e.networkId) || x.name === e.network);
        if (!n) continue;
        const here = byNs.get(nsId) ?? [];
        const dev = here.find(
          (l) => l.kind !== 'loopback' && ((e.mac && l.mac === e.mac) || e.ips.some((ip) => cidrsOf(l).has(ip))),
        );
        if (!dev) continue;
        const ln = dockerLinkNetwork(n);
        tag(dev, ln);
        const peer = dev.peerId ? byId.get(dev.peerId) : undefined;
        if (peer) {
          tag(peer, ln);
          if (peer.masterId) bridgeOf.set(n.id, new Set([...(bridgeOf.get(n.id) ?? []), peer.masterId]));
        }
      }
    }
    // the daemon's namespace: where its containers' veths end (several daemons may each have a docker0)
    const daemonNs = new Set(
      [...bridgeOf.values()].flatMap((s) => [...s].map((id) => byId.get(id)?.nsId).filter((x): x is string => !!x)),
    );
    for (const n of nets) {
      if (!n.bridge) continue;
      const known = [...(bridgeOf.get(n.id) ?? [])]
        .map((id) => byId.get(id))
        .filter((l): l is Link => !!l && l.name === n.bridge);
      let candidates = known.length ? known : links.filter((l) => l.name === n.bridge && l.kind === 'bridge');
      if (candidates.length > 1 && daemonNs.size) candidates = candidates.filter((l) => daemonNs.has(l.nsId));
      if (candidates.length > 1 && n.gateways.length)
        candidates = candidates.filter((l) => l.addresses.some((a) => n.gateways.includes(a.cidr.split('/')[0])));
      if (candidates.length !== 1) continue; // ambiguous: rather nothing than a wrong network
      const br = candidates[0];
      const ln = dockerLinkNetwork(n);
      // the default network's IPAM often names no gateway: the bridge's own address is it
      if (!ln.gateway?.length)
        ln.gateway = br.addresses.filter((a) => a.family === 'inet').map((a) => a.cidr.split('/')[0]);
      tag(br, ln);
      for (const l of byNs.get(br.nsId) ?? []) if (l.masterId === br.id) tag(l, ln);
    }
  }
  if (facts.podman) {
    const bridgeOf = new Map<string, Set<string>>(); // network id → the bridges its containers' veth peers are ports of
    for (const c of facts.podman.namespaces) {
      for (const a of c.attached) {
        const dev = (byNs.get(c.nsId) ?? []).find(
          (l) => l.kind !== 'loopback' && a.ips.some((ip) => cidrsOf(l).has(ip)),
        );
        if (!dev) continue;
        const ln = podmanLinkNetwork(a.network);
        tag(dev, ln);
        const peer = dev.peerId ? byId.get(dev.peerId) : undefined;
        if (!peer) continue;
        tag(peer, ln);
        if (peer.masterId) bridgeOf.set(a.network.id, new Set([...(bridgeOf.get(a.network.id) ?? []), peer.masterId]));
      }
    }
    for (const n of facts.podman.networks) {
      if (!n.bridge) continue;
      const known = [...(bridgeOf.get(n.id) ?? [])]
        .map((id) => byId.get(id))
        .filter((l): l is Link => !!l && l.name === n.bridge);
      // without a container's veth to follow: the bridge of that name holding the network's gateway
      const candidates = known.length
        ? known
        : links.filter(
            (l) =>
              l.name === n.bridge &&
              l.kind === 'bridge' &&
              l.addresses.some((a) => n.gateways.includes(a.cidr.split('/')[0])),
          );
      if (candidates.length !== 1) continue; // ambiguous: rather nothing than a wrong network
      const br = candidates[0];
      const ln = podmanLinkNetwork(n);
      tag(br, ln);
      for (const l of byNs.get(br.nsId) ?? []) if (l.masterId === br.id) tag(l, ln);
    }
  }
  for (const a of facts.cni) {
    const ln: LinkNetwork = {
      runtime: a.pod ? 'kubernetes' : 'containerd',
      name: a.networkName,
      driver: a.driver ?? 'cni',
      subnets: a.subnets,
      gateway: [...new Set(a.ips.map((i) => i.gateway).filter((g): g is string => !!g))],
    };
    for (const i of a.interfaces) {
      if (i.sandbox) {
        if (a.nsId)
          tag(
            (byNs.get(a.nsId) ?? []).find((l) => l.name === i.name),
            ln,
          );
        continue;
      }
      const mac = i.mac?.toLowerCase();
      const hits = links.filter((l) => l.name === i.name && (!mac || l.mac === mac));
      if (hits.length === 1) tag(hits[0], ln);
    }
  }
}
