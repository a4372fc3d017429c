// Pure: libcni's cache of one attachment, /var/lib/cni/results/<network>-<containerID>-<ifname>. The
// runtime (containerd, CRI-O) links libcni, which writes it after every successful ADD: the pod's
// identity (cniArgs K8S_POD_*), the network, the netns path and the plugin's result (interfaces, IPs).

export interface CniAttachment {
  containerId: string;
  ifName: string;
  networkName: string;
  netns: string | null;
  /** the plugin type of the network's config (bridge, macvlan, …), when the cache carries the config */
  driver: string | null;
  subnets: string[];
  pod: { namespace: string; name: string; uid: string | null } | null;
  /** the result's interfaces: sandbox set for the one inside the pod's namespace */
  interfaces: { name: string; mac: string | null; sandbox: string | null }[];
  ips: { address: string; gateway: string | null; iface: string | null }[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function argsOf(raw: unknown): Map<string, string> {
  const m = new Map<string, string>();
  // libcni stores [][2]string; accept the "K=V;K=V" string form too
  if (Array.isArray(raw))
    for (const p of raw)
      if (Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string') m.set(p[0], p[1]);
  if (typeof raw === 'string')
    for (const kv of raw.split(';')) {
      const i = kv.indexOf('=');
      if (i > 0) m.set(kv.slice(0, i), kv.slice(i + 1));
    }
  return m;
}

/** the network config inside the cache (`config`, base64 of the bytes the plugin got): type and IPAM subnets */
function configOf(raw: unknown): { type: string | null; subnets: string[] } {
  if (typeof raw !== 'string') return { type: null, subnets: [] };
  let conf: Record<string, unknown>;
  try {
    conf = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { type: null, subnets: [] };
  }
  const ipam = (conf.ipam ?? {}) as Record<string, unknown>;
  const subnets: string[] = [];
  if (typeof ipam.subnet === 'string') subnets.push(ipam.subnet);
  if (Array.isArray(ipam.ranges))
    for (const set of ipam.ranges)
      if (Array.isArray(set))
        for (const r of set) {
          const s = str((r as Record<string, unknown>)?.subnet);
          if (s) subnets.push(s);
        }
  return { type: str(conf.type), subnets };
}

/** One cache file's JSON; null (with why) when it is not a libcni attachment. */
export function parseCniCache(text: string): CniAttachment | { error: string } {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return { error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof j !== 'object' || j === null) return { error: 'not an object' };
  const containerId = str(j.containerId);
  const networkName = str(j.networkName);
  if (!containerId || !networkName) return { error: 'no containerId or networkName' };
  const args = argsOf(j.cniArgs);
  const podName = args.get('K8S_POD_NAME');
  const result = (j.result ?? {}) as Record<string, unknown>;
  const interfaces = (Array.isArray(result.interfaces) ? result.interfaces : []).map((i: Record<string, unknown>) => ({
    name: str(i?.name) ?? '',
    mac: str(i?.mac),
    sandbox: str(i?.sandbox),
  }));
  const ips = (Array.isArray(result.ips) ? result.ips : []).flatMap((ip: Record<string, unknown>) => {
    const address = str(ip?.address);
    if (!address) return [];
    const idx = typeof ip.interface === 'number' ? ip.interface : null;
    return [{ address, gateway: str(ip.gateway), iface: idx !== null ? (interfaces[idx]?.name ?? null) : null }];
  });
  const conf = configOf(j.config);
  const subnets = conf.subnets.length
    ? conf.subnets
    : [...new Set(ips.map((i) => networkOf(i.address)).filter((x): x is string => !!x))];
  return {
    containerId,
    ifName: str(j.ifName) ?? 'eth0',
    networkName,
    netns: str(j.netns),
    driver: conf.type,
    subnets,
    pod: podName
      ? { namespace: args.get('K8S_POD_NAMESPACE') ?? 'default', name: podName, uid: args.get('K8S_POD_UID') ?? null }
      : null,
    interfaces,
    ips,
  };
}

/** "10.244.9.5/24" → "10.244.9.0/24" (IPv4; IPv6 prefixes are kept as given) */
export function networkOf(cidr: string): string | null {
  const [addr, len] = cidr.split('/');
  const bits = Number(len);
  if (!addr || !Number.isInteger(bits)) return null;
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return cidr;
  const v = parts.reduce((a, p) => a * 256 + p, 0);
  if (bits < 0 || bits > 32) return null;
  const net = v - (v % Math.pow(2, 32 - bits));
  return `${[24, 16, 8, 0].map((s) => Math.floor(net / Math.pow(2, s)) % 256).join('.')}/${bits}`;
}
