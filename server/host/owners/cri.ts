// The container runtime's CRI socket (containerd, CRI-O): what kubelet itself asks it. One ListPodSandbox
// and one ListContainers per read (and ListImages only when a container's image is given by its id, as
// kubelet gives it), each with a short deadline. A pod's sandbox is matched by the pod's UID (what its
// kubepods cgroup and libcni's cache say), its containers by id (the ids of their cgroups). The gRPC
// modules are loaded on first use: only a node with a CRI socket and a pod on it pays for them.
import 'server-only';
import { promises as fs } from 'node:fs';
import type * as Grpc from '@grpc/grpc-js';
import { criDescriptor } from './cri-proto';

export interface CriSocket {
  path: string;
  /** set by --cri-socket: its absence is worth saying */
  explicit: boolean;
}

/** where containerd and CRI-O listen by default, in the order probed (/run/crio: where the agent DaemonSet mounts it, for an image without the /var/run link) */
export const CRI_SOCKETS = ['/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/run/crio/crio.sock'];

/** --cri-socket (LINKSCAPE_CRI_SOCKET), else the first default socket that exists; null: none */
export async function criSocket(
  env: Record<string, string | undefined> = process.env,
  probe = CRI_SOCKETS,
): Promise<CriSocket | null> {
  const flag = env.LINKSCAPE_CRI_SOCKET;
  if (flag) return { path: flag.replace(/^unix:\/\//, ''), explicit: true };
  for (const p of probe) {
    const st = await fs.stat(p).catch(() => null);
    if (st?.isSocket()) return { path: p, explicit: false };
  }
  return null;
}

export interface CriSandbox {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  ready: boolean;
  createdAt: number;
}

export interface CriContainer {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  /** the image's name (a tag or digest) when the runtime knows one, else what the container was made from */
  image: string;
  state: 'created' | 'running' | 'exited' | 'unknown';
  createdAt: number;
}

export interface CriFacts {
  sandboxes: CriSandbox[];
  containers: CriContainer[];
}

export class CriError extends Error {
  constructor(
    message: string,
    /** the gRPC status name (UNAVAILABLE, UNIMPLEMENTED, DEADLINE_EXCEEDED, …) */
    readonly status: string,
  ) {
    super(message);
  }
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0);
const list = (v: unknown): J[] => (Array.isArray(v) ? v.map(obj) : []);

const STATES: Record<string, CriContainer['state']> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: 'unknown',
};

/** an image given by its id (sha256:… or 64 hex), as kubelet gives it: its name is in the image list */
const isImageId = (s: string) => /^(sha256:)?[0-9a-f]{64}$/.test(s);

/** ListPodSandbox's, ListContainers' and (if asked) ListImages' answers → CriFacts */
export function parseCri(sandboxes: unknown, containers: unknown, images?: unknown): CriFacts {
  const names = new Map<string, string>();
  for (const im of list(obj(images).images)) {
    const id = str(im.id);
    const name = [im.repoTags, im.repoDigests]
      .flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : []))
      .find((t): t is string => typeof t === 'string' && t !== '');
    if (id && name) {
      names.set(id, name);
      names.set(id.replace(/^sha256:/, ''), name);
    }
  }
  return {
    sandboxes: list(obj(sandboxes).items)
      .map((s) => {
        const m = obj(s.metadata);
        return {
          id: str(s.id),
          name: str(m.name),
          namespace: str(m.namespace),
          uid: str(m.uid),
          attempt: num(m.attempt),
          ready: s.state === 'SANDBOX_READY' || s.state === 0,
          createdAt: num(s.createdAt),
        };
      })
      .filter((s) => s.id),
    containers: list(obj(containers).containers)
      .map((c) => {
        const spec = obj(c.image);
        const given = str(spec.userSpecifiedImage) || str(spec.image);
        const ref = str(c.imageRef);
        const image = isImageId(given) ? (names.get(given) ?? names.get(ref) ?? given) : given || names.get(ref) || ref;
        return {
          id: str(c.id),
          sandboxId: str(c.podSandboxId),
          name: str(obj(c.metadata).name),
          attempt: num(obj(c.metadata).attempt),
          image,
          state:
            STATES[str(c.state)] ??
            (typeof c.state === 'number' ? (Object.values(STATES)[c.state] ?? 'unknown') : 'unknown'),
          createdAt: num(c.createdAt),
        };
      })
      .filter((c) => c.id),
  };
}

/**
 * The sandbox of a pod and its containers: the sandbox with the pod's UID whose id a cgroup or the CNI
 * cache names (the one the namespace is), else its ready one, else its newest; without a UID, the sandbox
 * whose id is one of `ids`. null when the runtime does not know the pod.
 */
export function criPodOf(
  facts: CriFacts,
  uid: string | null,
  ids: Set<string>,
): { sandbox: CriSandbox; containers: CriContainer[] } | null {
  const mine = facts.sandboxes.filter((s) => (uid ? s.uid === uid : ids.has(s.id)));
  if (!mine.length) return null;
  const sandbox =
    mine.find((s) => ids.has(s.id)) ??
    mine.find((s) => facts.containers.some((c) => c.sandboxId === s.id && ids.has(c.id))) ??
    [...mine].sort((a, b) => Number(b.ready) - Number(a.ready) || b.createdAt - a.createdAt)[0];
  return { sandbox, containers: facts.containers.filter((c) => c.sandboxId === sandbox.id) };
}

// ---- the gRPC client ----

export type Loaded = {
  grpc: typeof Grpc;
  runtime: Grpc.ServiceClientConstructor;
  image: Grpc.ServiceClientConstructor;
};
/** grpc-js and the runtime.v1 services of a descriptor (a test passes a wider one, with the RPCs it plays kubelet with) */
export async function loadCriWith(descriptor: ReturnType<typeof criDescriptor>): Promise<Loaded> {
  const [grpc, loader] = await Promise.all([import('@grpc/grpc-js'), import('@grpc/proto-loader')]);
  const def = loader.fromJSON(descriptor as Parameters<typeof loader.fromJSON>[0], {
    enums: String,
    longs: Number,
    defaults: true,
  });
  const v1 = (grpc.loadPackageDefinition(def).runtime as Grpc.GrpcObject).v1 as Grpc.GrpcObject;
  return {
    grpc,
    runtime: v1.RuntimeService as Grpc.ServiceClientConstructor,
    image: v1.ImageService as Grpc.ServiceClientConstructor,
  };
}

let loaded: Promise<Loaded> | null = null;
/** linkscape's own services, loaded once on first use */
export function loadCri(): Promise<Loaded> {
  loaded ??= loadCriWith(criDescriptor()).catch((e: unknown) => {
    loaded = null;
    throw e;
  });
  return loaded;
}

/** a client of one of the socket's services; close() it when done */
export function criClient(l: Loaded, ctor: Grpc.ServiceClientConstructor, socketPath: string): Grpc.Client {
  return new ctor(`unix://${socketPath}`, l.grpc.credentials.createInsecure(), {
    // kubelet's own limit: a node's full container list can pass gRPC's default 4 MiB
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  });
}

/** one unary call with a deadline; rejects with CriError naming the status */
export function criCall(
  l: Loaded,
  client: Grpc.Client,
  method: string,
  req: object,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method];
    fn.call(client, req, { deadline: Date.now() + timeoutMs }, (e: Grpc.ServiceError | null, res: unknown) => {
      if (!e) return resolve(res);
      const status = l.grpc.status[e.code] ?? String(e.code);
      reject(new CriError(`${method}: ${status}: ${e.details || e.message}`, status));
    });
  });
}

/** Every pod sandbox and container the runtime knows. Throws CriError. */
export async function readCri(socketPath: string, timeoutMs = 2000): Promise<CriFacts> {
  const l = await loadCri();
  const rt = criClient(l, l.runtime, socketPath);
  let im: Grpc.Client | null = null;
  try {
    const [sb, cs] = await Promise.all([
      criCall(l, rt, 'ListPodSandbox', {}, timeoutMs),
      criCall(l, rt, 'ListContainers', {}, timeoutMs),
    ]);
    const byId = list(obj(cs).containers).some((c) =>
      isImageId(str(obj(c.image).userSpecifiedImage) || str(obj(c.image).image)),
    );
    let images: unknown;
    if (byId) {
      im = criClient(l, l.image, socketPath);
      // the names are a nicety: a runtime that will not list images still names pods and containers
      images = await criCall(l, im, 'ListImages', {}, timeoutMs).catch(() => undefined);
    }
    return parseCri(sb, cs, images);
  } finally {
    rt.close();
    im?.close();
  }
}

/** the runtime a socket belongs to, by its usual path; null when the path does not say */
export function criRuntimeName(socketPath: string): string | null {
  if (/containerd/.test(socketPath)) return 'containerd';
  if (/crio/.test(socketPath)) return 'CRI-O';
  return null;
}

/** What stops the socket from being read, in words for the banner; null when it is simply absent. */
export async function criProblem(sock: CriSocket, e: unknown): Promise<string | null> {
  const msg = e instanceof Error ? e.message : String(e);
  const status = e instanceof CriError ? e.status : null;
  const st = await fs.stat(sock.path).catch((x: NodeJS.ErrnoException) => x.code ?? 'error');
  if (st === 'ENOENT' && !sock.explicit) return null; // gone since the probe
  const why =
    st === 'ENOENT'
      ? 'no such socket'
      : /EACCES|EPERM/.test(msg)
        ? 'permission denied'
        : /ECONNREFUSED/.test(msg)
          ? 'the runtime is not answering (connection refused)'
          : status === 'UNIMPLEMENTED'
            ? `it does not serve the CRI (runtime.v1): ${msg}`
            : msg;
  const name = criRuntimeName(sock.path);
  return `${name ? `${name} CRI` : 'CRI runtime'} (${sock.path}): ${why} — pods' containers are named by id only`;
}
