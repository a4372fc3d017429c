// The hub's fleet: one AgentClient per node, from a static list (--agents) or from Kubernetes
// (--kubernetes, re-listed every 30 s). The overlay and search are derived from the agents' live copies.
import 'server-only';
import type { CoreV1Api } from '@kubernetes/client-node';
import { AgentClient } from './agent';
import { discoverAgents, inClusterApi, inClusterNamespace, DEFAULT_SELECTOR, type AgentTarget } from './kube';
import { computeOverlay } from './overlay';
import { searchFleet } from './search';
import type { FleetNode, NodeView, Overlay, SearchHit } from '../../shared/fleet/types';

export interface FleetConfig {
  agents: AgentTarget[] | null;
  kubernetes: {
    namespace: string | null;
    labelSelector: string;
    port: number;
    api?: CoreV1Api;
    intervalMs?: number;
  } | null;
  token: string | null;
  /** how long a call to an agent waits (default CALL_TIMEOUT_MS) */
  callTimeoutMs?: { read: number; change: number };
}

export class UnknownNodeError extends Error {}

export class Fleet {
  private agents = new Map<string, AgentClient>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** the last discovery's failure (shown on the page), or null */
  discoveryError: string | null = null;
  private overlayCache: { key: string; value: Overlay } | null = null;

  constructor(private readonly cfg: FleetConfig) {
    if (cfg.agents) this.setTargets(cfg.agents);
    if (cfg.kubernetes) void this.discover();
  }

  setTargets(targets: AgentTarget[]): void {
    const want = new Map(targets.map((t) => [t.name, t]));
    for (const [name, a] of this.agents) {
      const t = want.get(name);
      if (!t || t.url !== a.url) {
        a.stop();
        this.agents.delete(name);
      }
    }
    for (const t of targets) {
      const had = this.agents.get(t.name);
      if (had) {
        had.extraAddresses = t.addresses;
        continue;
      }
      const a = new AgentClient({
        name: t.name,
        url: t.url,
        token: this.cfg.token,
        extraAddresses: t.addresses,
        callTimeoutMs: this.cfg.callTimeoutMs,
      });
      this.agents.set(t.name, a);
      a.start();
    }
  }

  private async discover(): Promise<void> {
    const k = this.cfg.kubernetes!;
    try {
      const api = k.api ?? (await inClusterApi());
      const namespace = k.namespace ?? (await inClusterNamespace());
      this.setTargets(await discoverAgents(api, { namespace, labelSelector: k.labelSelector, port: k.port }));
      this.discoveryError = null;
    } catch (e) {
      this.discoveryError = `Kubernetes discovery: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.discover(), k.intervalMs ?? 30_000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const a of this.agents.values()) a.stop();
  }

  list(): AgentClient[] {
    return [...this.agents.values()];
  }

  get(node: string): AgentClient {
    const a = this.agents.get(node);
    if (!a)
      throw new UnknownNodeError(
        `node: no node named ${JSON.stringify(node)} in the fleet (known: ${[...this.agents.keys()].join(', ') || 'none'})`,
      );
    return a;
  }

  nodes(): FleetNode[] {
    return this.list().map((a) => a.info());
  }

  views(): NodeView[] {
    return this.list().map((a) => ({
      name: a.name,
      up: a.up,
      snapshot: a.snapshot,
      fdb: a.fdb,
      extraAddresses: a.extraAddresses,
    }));
  }

  overlay(): Overlay {
    const key = this.list()
      .map((a) => `${a.name}:${a.version}`)
      .join(',');
    if (this.overlayCache?.key !== key) this.overlayCache = { key, value: computeOverlay(this.views()) };
    return this.overlayCache.value;
  }

  search(q: string): SearchHit[] {
    return searchFleet(this.list(), q);
  }
}

/** `--agents` entries: `URL` or `NAME=URL`; a bare URL is named by its host:port. */
export function parseAgents(spec: string): AgentTarget[] {
  const out: AgentTarget[] = [];
  const names = new Set<string>();
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = raw.indexOf('=');
    const named = eq > 0 && !raw.slice(0, eq).includes('/');
    const urlText = named ? raw.slice(eq + 1) : raw;
    let url: URL;
    try {
      url = new URL(urlText);
    } catch {
      throw new Error(
        `--agents: ${JSON.stringify(urlText)} is not a URL (give http://HOST:PORT or NAME=http://HOST:PORT)`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`--agents: ${JSON.stringify(urlText)} must be http:// or https://`);
    const name = named ? raw.slice(0, eq) : url.host;
    if (!/^[A-Za-z0-9][A-Za-z0-9._:[\]-]{0,252}$/.test(name))
      throw new Error(`--agents: node name ${JSON.stringify(name)} may hold only letters, digits, '.', '_', ':', '-'`);
    if (names.has(name)) throw new Error(`--agents: node name ${JSON.stringify(name)} given twice`);
    names.add(name);
    out.push({ name, url: url.origin, addresses: [] });
  }
  if (!out.length) throw new Error('--agents: give at least one agent URL');
  return out;
}

/** serve.mjs keeps the agents' token in memory (scripts/gate.mjs AGENT_TOKEN_KEY), out of the environment every
 *  `ip` child would inherit; the environment is the way in for in-process use (bench/fleet.ts) */
function agentToken(env: NodeJS.ProcessEnv): string | null {
  const held = (globalThis as unknown as Record<symbol, string | null | undefined>)[Symbol.for('linkscape.agentToken')];
  return held || env.LINKSCAPE_AGENT_TOKEN || null;
}

export function fleetConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FleetConfig | null {
  const agents = env.LINKSCAPE_AGENTS ? parseAgents(env.LINKSCAPE_AGENTS) : null;
  const kube = env.LINKSCAPE_KUBERNETES === '1';
  if (!agents && !kube) return null;
  const port = Number(env.LINKSCAPE_AGENT_PORT ?? 3000);
  return {
    agents,
    kubernetes: kube
      ? { namespace: env.POD_NAMESPACE ?? null, labelSelector: env.LINKSCAPE_AGENT_SELECTOR || DEFAULT_SELECTOR, port }
      : null,
    token: agentToken(env),
  };
}

const KEY = Symbol.for('linkscape.fleet');

/** The hub's one fleet (null when this server is not a hub), made on first use from the environment. */
export function hubFleet(): Fleet | null {
  const g = globalThis as unknown as Record<symbol, Fleet | null | undefined>;
  if (g[KEY] === undefined) {
    const cfg = fleetConfigFromEnv();
    g[KEY] = cfg ? new Fleet(cfg) : null;
  }
  return g[KEY] ?? null;
}
