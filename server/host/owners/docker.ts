// The Docker Engine API over its unix socket: plain HTTP/1.1 (node's http with socketPath), no docker
// binary. Read: running containers (name, image, SandboxKey, State.Pid, endpoints) and networks
// (driver, subnets, the bridge's name, a macvlan/ipvlan parent). Live: the /events stream.
import 'server-only';
import http from 'node:http';
import { promises as fs } from 'node:fs';

export interface DockerSocket {
  path: string;
  /** set by --docker-socket or DOCKER_HOST: its absence is worth saying */
  explicit: boolean;
  /** why it cannot be used (DOCKER_HOST is tcp://…) */
  unusable?: string;
}

/** --docker-socket (LINKSCAPE_DOCKER_SOCKET), then DOCKER_HOST, then /var/run/docker.sock. */
export function dockerSocket(env: NodeJS.ProcessEnv = process.env): DockerSocket {
  const flag = env.LINKSCAPE_DOCKER_SOCKET;
  if (flag) return { path: flag.replace(/^unix:\/\//, ''), explicit: true };
  const host = env.DOCKER_HOST;
  if (host) {
    if (host.startsWith('unix://')) return { path: host.slice('unix://'.length), explicit: true };
    if (host.startsWith('/')) return { path: host, explicit: true };
    return { path: host, explicit: true, unusable: `DOCKER_HOST=${host} is not a unix socket (only unix:// is read)` };
  }
  return { path: '/var/run/docker.sock', explicit: false };
}

export interface DockerEndpoint {
  network: string;
  networkId: string | null;
  mac: string | null;
  ips: string[];
}

export interface DockerContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  pid: number;
  sandboxKey: string | null;
  /** `container:<id>`: it shares that container's namespace */
  networkMode: string;
  endpoints: DockerEndpoint[];
}

export interface DockerNetwork {
  id: string;
  name: string;
  driver: string;
  subnets: string[];
  gateways: string[];
  /** the Linux bridge of a bridge network (docker0, br-<id12>) */
  bridge: string | null;
  /** a macvlan/ipvlan network's parent device */
  parent: string | null;
}

export interface DockerFacts {
  containers: DockerContainer[];
  networks: DockerNetwork[];
}

export class DockerError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export function dockerGet(socketPath: string, path: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, headers: { host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) {
          let msg = body.trim();
          try {
            msg = (JSON.parse(body) as { message?: string }).message ?? msg;
          } catch {
            /* plain text */
          }
          reject(new DockerError(`GET ${path}: ${res.statusCode} ${msg}`, String(res.statusCode)));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new DockerError(`GET ${path}: not JSON (${e instanceof Error ? e.message : String(e)})`, null));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new DockerError(`GET ${path}: no answer in ${timeoutMs} ms`, 'ETIMEDOUT')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(e instanceof DockerError ? e : new DockerError(e.message, e.code ?? null)),
    );
  });
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** one `GET /containers/ID/json` answer → what linkscape needs of it */
export function parseContainer(raw: unknown): DockerContainer | null {
  const c = obj(raw);
  const id = s(c.Id);
  if (!id) return null;
  const state = obj(c.State);
  const ns = obj(c.NetworkSettings);
  const endpoints: DockerEndpoint[] = Object.entries(obj(ns.Networks)).map(([network, e]) => {
    const ep = obj(e);
    const ips: string[] = [];
    const v4 = s(ep.IPAddress);
    if (v4) ips.push(`${v4}/${typeof ep.IPPrefixLen === 'number' ? ep.IPPrefixLen : 32}`);
    const v6 = s(ep.GlobalIPv6Address);
    if (v6) ips.push(`${v6}/${typeof ep.GlobalIPv6PrefixLen === 'number' ? ep.GlobalIPv6PrefixLen : 128}`);
    return { network, networkId: s(ep.NetworkID), mac: s(ep.MacAddress)?.toLowerCase() ?? null, ips };
  });
  return {
    id,
    name: (s(c.Name) ?? id.slice(0, 12)).replace(/^\//, ''),
    image: s(obj(c.Config).Image) ?? s(c.Image) ?? '',
    state: s(state.Status) ?? (state.Running ? 'running' : 'unknown'),
    pid: typeof state.Pid === 'number' ? state.Pid : 0,
    sandboxKey: s(ns.SandboxKey),
    networkMode: s(obj(c.HostConfig).NetworkMode) ?? '',
    endpoints,
  };
}

/** one entry of `GET /networks` */
export function parseNetwork(raw: unknown): DockerNetwork | null {
  const n = obj(raw);
  const id = s(n.Id);
  const name = s(n.Name);
  if (!id || !name) return null;
  const driver = s(n.Driver) ?? 'unknown';
  const opts = obj(n.Options);
  // IPAM's entries in address order: the daemon's own order is not stable (a network made with two subnets
  // listed them reversed in one lab VM run of several), and a new order would show as a change
  const cfg = (Array.isArray(obj(n.IPAM).Config) ? (obj(n.IPAM).Config as unknown[]).map(obj) : []).sort((a, b) =>
    (s(a.Subnet) ?? '').localeCompare(s(b.Subnet) ?? '', 'en', { numeric: true }),
  );
  return {
    id,
    name,
    driver,
    subnets: cfg.map((c) => s(c.Subnet)).filter((x): x is string => !!x),
    gateways: cfg.map((c) => s(c.Gateway)).filter((x): x is string => !!x),
    bridge: driver === 'bridge' ? (s(opts['com.docker.network.bridge.name']) ?? `br-${id.slice(0, 12)}`) : null,
    parent: driver === 'macvlan' || driver === 'ipvlan' ? s(opts.parent) : null,
  };
}

/** Running containers and all networks. Throws DockerError (code ENOENT, EACCES, ECONNREFUSED, …). */
export async function readDocker(socketPath: string): Promise<DockerFacts> {
  const [list, nets] = await Promise.all([
    dockerGet(socketPath, '/containers/json'),
    dockerGet(socketPath, '/networks'),
  ]);
  const ids = (Array.isArray(list) ? list : []).map((c) => s(obj(c).Id)).filter((x): x is string => !!x);
  const inspected = await Promise.all(
    ids.map((id) =>
      dockerGet(socketPath, `/containers/${encodeURIComponent(id)}/json`).then(parseContainer, (e) => {
        if (e instanceof DockerError && e.code === '404') return null; // removed since the list
        throw e;
      }),
    ),
  );
  return {
    containers: inspected.filter((c): c is DockerContainer => !!c),
    networks: (Array.isArray(nets) ? nets : []).map(parseNetwork).filter((n): n is DockerNetwork => !!n),
  };
}

/** What stops a socket from being read, in words for the banner; null when it is simply absent. */
export async function socketProblem(sock: DockerSocket, e: unknown): Promise<string | null> {
  const code = e instanceof DockerError ? e.code : ((e as NodeJS.ErrnoException)?.code ?? null);
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT' && !sock.explicit) return null;
  if (code === 'ECONNREFUSED' && !sock.explicit) {
    // a socket file nobody listens on: Docker is installed but stopped
    const st = await fs.stat(sock.path).catch(() => null);
    if (!st) return null;
  }
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'no such socket'
        : code === 'ECONNREFUSED'
          ? 'the daemon is not answering (connection refused)'
          : msg;
  return `Docker (${sock.path}): ${why} — containers are not named`;
}

// ---- live: the /events stream ----

const EVENT_FILTER = JSON.stringify({ type: ['container', 'network'] });
/** the actions that change what a namespace's owner or a device's network is */
const ACTIONS = new Set([
  'start',
  'die',
  'destroy',
  'rename',
  'pause',
  'unpause',
  'connect',
  'disconnect',
  'create',
  'kill',
]);

export interface DockerEventWatch {
  close(): void;
}

/**
 * Follow GET /events (containers and networks); call onChange for each relevant event. Reconnects with
 * a growing delay (1 s … 30 s) when the daemon is absent or restarts, and calls onChange when it
 * connects after a failure (it may have missed events). Cheap when Docker is absent: one failed connect per delay.
 */
export function watchDockerEvents(
  socketPath: string,
  onChange: (action: string) => void,
  log: (m: string) => void = () => {},
): DockerEventWatch {
  let closed = false;
  let req: http.ClientRequest | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let delay = 1000;
  // after a failed attempt or a lost stream, the daemon may have started containers unheard
  let missed = false;
  const retry = () => {
    req = null;
    if (closed) return;
    timer = setTimeout(connect, delay);
    timer.unref?.();
    delay = Math.min(delay * 2, 30_000);
  };
  const connect = () => {
    timer = null;
    if (closed) return;
    let over = false;
    const fail = () => {
      if (over) return;
      over = true;
      missed = true;
      retry();
    };
    req = http.get(
      { socketPath, path: `/events?filters=${encodeURIComponent(EVENT_FILTER)}`, headers: { host: 'docker' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail();
          return;
        }
        delay = 1000;
        if (missed) onChange('reconnect');
        missed = false;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            try {
              const ev = JSON.parse(line) as { Action?: string; status?: string };
              const action = (ev.Action ?? ev.status ?? '').split(':')[0];
              if (ACTIONS.has(action)) onChange(action);
            } catch {
              log(`docker events: not JSON: ${line.slice(0, 80)}`);
            }
          }
        });
        res.on('end', fail);
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    // the stream never keeps the server alive on its own
    req.on('socket', (sock) => sock.unref());
  };
  connect();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const r = req;
      req = null;
      r?.destroy();
    },
  };
}
