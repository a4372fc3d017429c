// Finding the agents with Kubernetes itself: the agent pods (by label, in the hub's namespace) and the nodes
// they run on (for the node's addresses), with @kubernetes/client-node and the pod's in-cluster config.
// RBAC lets the hub list pods in its namespace and nodes; nothing else is asked.
import 'server-only';
import { promises as fs } from 'node:fs';
import type { CoreV1Api } from '@kubernetes/client-node';

export const DEFAULT_SELECTOR = 'app.kubernetes.io/name=linkscape,app.kubernetes.io/component=agent';
const NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface AgentTarget {
  /** the Kubernetes node's name */
  name: string;
  url: string;
  /** the node's InternalIP/ExternalIP addresses */
  addresses: string[];
}

export interface DiscoveryOptions {
  namespace: string;
  labelSelector: string;
  /** the agents' port (hostNetwork: on the node's address) */
  port: number;
}

/** Running agent pods with an IP → one target per node (a second pod on a node, mid-rollout, is skipped). */
export async function discoverAgents(api: CoreV1Api, o: DiscoveryOptions): Promise<AgentTarget[]> {
  const [pods, nodes] = await Promise.all([
    api.listNamespacedPod({ namespace: o.namespace, labelSelector: o.labelSelector }),
    api.listNode(),
  ]);
  const addrs = new Map<string, string[]>();
  for (const n of nodes.items) {
    const name = n.metadata?.name;
    if (!name) continue;
    addrs.set(
      name,
      (n.status?.addresses ?? [])
        .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
        .map((a) => a.address),
    );
  }
  const out = new Map<string, AgentTarget>();
  for (const p of pods.items) {
    const node = p.spec?.nodeName;
    const ip = p.status?.podIP;
    if (!node || !ip || p.status?.phase !== 'Running' || p.metadata?.deletionTimestamp) continue;
    if (out.has(node)) continue;
    const host = ip.includes(':') ? `[${ip}]` : ip;
    out.set(node, { name: node, url: `http://${host}:${o.port}`, addresses: addrs.get(node) ?? [] });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The client as a pod has it: the service account's token and CA, the API server from the environment.
 * The library is loaded here, on first use, not at import: it is most of the server's start-up time
 * (0.8 of 1 s here, a minute under the lab VM's emulation) and only a `--kubernetes` hub needs it.
 */
export async function inClusterApi(): Promise<CoreV1Api> {
  const { CoreV1Api: Api, KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromCluster();
  return kc.makeApiClient(Api);
}

export async function inClusterNamespace(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  try {
    return (await fs.readFile(NAMESPACE_FILE, 'utf8')).trim();
  } catch (e) {
    throw new Error(
      `--kubernetes: the hub's namespace is unknown (no POD_NAMESPACE, cannot read ${NAMESPACE_FILE}: ${(e as Error).message})`,
    );
  }
}
