// What kubelet itself leaves on every node: one symlink per container in /var/log/containers, named
// `<pod>_<namespace>_<container>-<container id>.log` (the CRI log layout log shippers read). It is the
// cheap, daemon-free way from a container id — what a pod's cgroup says — to the container's name in the
// pod spec, and to the pod when libcni's cache says nothing. The pod's sandbox (pause) has no log.
import 'server-only';
import { promises as fs } from 'node:fs';

export interface KubeletContainer {
  id: string;
  container: string;
  pod: string;
  namespace: string;
}

// pod names are DNS subdomains, namespaces and container names DNS labels: none holds '_'
const LOG_NAME = /^([a-z0-9][a-z0-9.-]*)_([a-z0-9][a-z0-9-]*)_([a-z0-9][a-z0-9-]*)-([0-9a-f]{64})\.log$/;

/** `cart-7d9f8-x2x_shop_web-<64 hex>.log` → its parts; null for anything else */
export function parseContainerLogName(name: string): KubeletContainer | null {
  const m = LOG_NAME.exec(name);
  return m ? { pod: m[1], namespace: m[2], container: m[3], id: m[4] } : null;
}

/** container id → what kubelet named it; empty when the directory is missing or unreadable */
export async function readKubeletContainers(dir: string): Promise<Map<string, KubeletContainer>> {
  const out = new Map<string, KubeletContainer>();
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return out; // not a Kubernetes node (or kubelet logs elsewhere): containers keep their ids
  }
  for (const n of names) {
    const c = parseContainerLogName(n);
    if (c) out.set(c.id, c);
  }
  return out;
}
