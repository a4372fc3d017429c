// The public read contract: what `host.snapshot` returns. Plain JSON, documented in the README.
// Types only: client components import these too.

export type NamespaceSource = 'root' | 'named' | 'docker' | 'process';

export interface Namespace {
  /** the namespace's inode, as a string: the identity that nsids and names are only hints for */
  id: string;
  /** name under /var/run/netns (or Docker's dir), or null for an unnamed one */
  name: string | null;
  root: boolean;
  source: NamespaceSource;
  /** some of the processes that hold it (capped), with their command names */
  pids: number[];
  comms: string[];
  label: string;
  /** a path that enters it (bind mount or /proc/PID/ns/net); null for the server's own */
  path: string | null;
  /** why its contents are missing, when they could not be read */
  error: string | null;
  /** who owns it: a container, a pod, a service, or the process holding it; null when unknown */
  owner: NamespaceOwner | null;
}

export type OwnerRuntime = 'docker' | 'kubernetes' | 'podman' | 'containerd' | 'systemd' | 'process';

/** A runtime network an owner is attached to, with the addresses the runtime gave it. */
export interface OwnerNetwork {
  name: string;
  id?: string;
  driver: string;
  ips: string[];
}

/** What owns a namespace, from the runtime that made it (`label` is built from it: `web-1 · docker`). */
export interface NamespaceOwner {
  runtime: OwnerRuntime;
  kind: 'container' | 'pod' | 'service' | 'process';
  id: string;
  name: string;
  /** the Kubernetes namespace of a pod */
  namespace?: string;
  image?: string;
  /** the containers of a pod, or the containers sharing a Docker namespace */
  containers?: { id: string; name: string; image?: string; state?: string }[];
  networks?: OwnerNetwork[];
  state?: string;
}

/** The runtime network a device belongs to (a Docker network's bridge, a CNI bridge, a macvlan network's child). */
export interface LinkNetwork {
  runtime: OwnerRuntime;
  name: string;
  id?: string;
  driver: string;
  subnets?: string[];
  gateway?: string[];
}

export interface Address {
  family: 'inet' | 'inet6';
  cidr: string;
  scope: string;
  peer?: string;
  broadcast?: string;
  label?: string;
  flags: string[];
}

export interface VfInfo {
  index: number;
  mac: string | null;
  vlans: { vlan: number; qos: number; protocol: string | null }[];
  maxTxRate: number | null;
  minTxRate: number | null;
  spoofchk: boolean | null;
  trust: boolean | null;
  linkState: string | null;
  queryRss: boolean | null;
  /** id of the VF's netdev when sysfs names it and we found it, else null */
  netdevId: string | null;
  netdevName: string | null;
  /** the VF's own device (e.g. PCI 0000:3b:02.0, from virtfnN); null where sysfs has no virtfn link (netdevsim) */
  device: string | null;
  /** driver the VF's device is bound to (iavf, mlx5_core, vfio-pci, …); null when unbound or unknown */
  driver: string | null;
}

export interface SriovPf {
  /** null when the device does not report it (netdevsim has no sriov_totalvfs) */
  totalVfs: number | null;
  numVfs: number | null;
  vfs: VfInfo[];
  /** sysfs device path used, for the details panel */
  device: string | null;
}

export interface LinkVf {
  pfId: string | null;
  pfName: string | null;
  index: number | null;
}

export interface Link {
  /** `${nsId}/${ifindex}` */
  id: string;
  nsId: string;
  ifindex: number;
  name: string;
  /** linkinfo.info_kind, or a derived kind: physical | loopback | vf | unknown */
  kind: string;
  mode: string | null;
  /** admin state: the UP flag */
  up: boolean;
  operstate: string;
  flags: string[];
  mtu: number | null;
  minMtu: number | null;
  maxMtu: number | null;
  mac: string | null;
  linkType: string | null;
  parentId: string | null;
  /** the lower device could not be resolved (unknown namespace, index 0, old kernel quirk) */
  parentUnresolved: boolean;
  peerId: string | null;
  masterId: string | null;
  /** a port's kind of master (bridge, bond, vrf), from info_slave_kind */
  slaveKind: string | null;
  addresses: Address[];
  sriov: SriovPf | null;
  vf: LinkVf | null;
  promiscuity: number | null;
  parentBus: string | null;
  parentDev: string | null;
  altnames: string[];
  /** raw linkinfo.info_data (and info_slave_data), as the kernel reported them */
  info: Record<string, unknown> | null;
  slaveInfo: Record<string, unknown> | null;
  /** the runtime network this device belongs to, or null */
  network: LinkNetwork | null;
}

export interface Nexthop {
  gateway: string | null;
  devId: string | null;
  dev: string | null;
  weight: number | null;
  flags: string[];
}

export interface Route {
  nsId: string;
  table: string;
  type: string;
  family: 'inet' | 'inet6';
  dst: string;
  gateway: string | null;
  devId: string | null;
  dev: string | null;
  protocol: string | null;
  scope: string | null;
  metric: number | null;
  prefsrc: string | null;
  flags: string[];
  nexthops: Nexthop[];
}

export interface HostWarning {
  code: string;
  message: string;
  /** ids of the objects it concerns */
  ids: string[];
}

/**
 * The wire format of one full read of a host: what `host.snapshot` (and `fleet.snapshot` per node) returns
 * and what `host.watch` sends first; made by readHost (server/host/read.ts), kept current with HostDiffs.
 * The page holds it in PageHost (components/useHost.ts); the planner copies it into a PlanModel.
 */
export interface HostSnapshot {
  takenAt: string;
  hostname: string;
  /** the server runs as root; otherwise the banner says what is hidden */
  root: boolean;
  hidden: string[];
  namespaces: Namespace[];
  links: Link[];
  routes: Route[];
  warnings: HostWarning[];
}

/** One line of the page's activity list: "mv0 added in ns blue". */
export interface Activity {
  at: string;
  text: string;
  ids: string[];
}

/**
 * The wire format of a change to the host, as `host.watch` delivers it after the first full snapshot:
 * made by computeDiff (./diff.ts) on the server, applied to a HostSnapshot by applyDiff on the page.
 */
export interface HostDiff {
  takenAt: string;
  namespaces: { upsert: Namespace[]; remove: string[] };
  links: { upsert: Link[]; remove: string[] };
  /** every route of these namespaces is replaced by `upsert`'s routes for them */
  routes: { nsIds: string[]; upsert: Route[] };
  warnings: HostWarning[];
  hidden: string[];
  activity: Activity[];
}

/**
 * Before the first snapshot of a watcher that is just starting: how far its first full read is. Not
 * part of the event sequence (its id resumes nothing: a client that reconnects with it gets a snapshot).
 */
export interface ReadProgress {
  /** namespaces answered so far, of `total` found */
  done: number;
  total: number;
}

export type WatchEvent =
  | { type: 'snapshot'; snapshot: HostSnapshot }
  | { type: 'diff'; diff: HostDiff }
  | { type: 'progress'; progress: ReadProgress };
