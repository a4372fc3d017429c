// The part of Kubernetes' CRI (package runtime.v1, k8s.io/cri-api pkg/apis/runtime/v1/api.proto) that
// linkscape reads, as a protobufjs JSON descriptor: no .proto file to find at run time, so the server's
// bundles (Next, the CLI's esbuild) need nothing beside the code. Field numbers are the CRI's own; only the
// fields read are declared (protobuf skips the others on the wire). Names are camelCase, as the loader
// would make them from the .proto's snake_case.

type Field = { type: string; id: number; rule?: 'repeated'; keyType?: string };
type Message = { fields: Record<string, Field> };
type Enum = { values: Record<string, number> };
type Service = { methods: Record<string, { requestType: string; responseType: string }> };

const f = (id: number, type = 'string'): Field => ({ type, id });
const rep = (id: number, type: string): Field => ({ type, id, rule: 'repeated' });
const map = (id: number): Field => ({ keyType: 'string', type: 'string', id });
const rpc = (name: string) => ({ requestType: `${name}Request`, responseType: `${name}Response` });

export const CRI_MESSAGES: Record<string, Message | Enum> = {
  VersionRequest: { fields: { version: f(1) } },
  VersionResponse: {
    fields: { version: f(1), runtimeName: f(2), runtimeVersion: f(3), runtimeApiVersion: f(4) },
  },
  PodSandboxState: { values: { SANDBOX_READY: 0, SANDBOX_NOTREADY: 1 } },
  PodSandboxMetadata: { fields: { name: f(1), uid: f(2), namespace: f(3), attempt: f(4, 'uint32') } },
  PodSandbox: {
    fields: {
      id: f(1),
      metadata: f(2, 'PodSandboxMetadata'),
      state: f(3, 'PodSandboxState'),
      createdAt: f(4, 'int64'),
      labels: map(5),
      runtimeHandler: f(7),
    },
  },
  ListPodSandboxRequest: { fields: {} },
  ListPodSandboxResponse: { fields: { items: rep(1, 'PodSandbox') } },
  ContainerState: { values: { CONTAINER_CREATED: 0, CONTAINER_RUNNING: 1, CONTAINER_EXITED: 2, CONTAINER_UNKNOWN: 3 } },
  ContainerMetadata: { fields: { name: f(1), attempt: f(2, 'uint32') } },
  ImageSpec: { fields: { image: f(1), userSpecifiedImage: f(18) } },
  Container: {
    fields: {
      id: f(1),
      podSandboxId: f(2),
      metadata: f(3, 'ContainerMetadata'),
      image: f(4, 'ImageSpec'),
      imageRef: f(5),
      state: f(6, 'ContainerState'),
      createdAt: f(7, 'int64'),
    },
  },
  ListContainersRequest: { fields: {} },
  ListContainersResponse: { fields: { containers: rep(1, 'Container') } },
  Image: { fields: { id: f(1), repoTags: rep(2, 'string'), repoDigests: rep(3, 'string') } },
  ListImagesRequest: { fields: {} },
  ListImagesResponse: { fields: { images: rep(1, 'Image') } },
};

export const CRI_SERVICES: Record<string, Service> = {
  RuntimeService: {
    methods: { Version: rpc('Version'), ListPodSandbox: rpc('ListPodSandbox'), ListContainers: rpc('ListContainers') },
  },
  ImageService: { methods: { ListImages: rpc('ListImages') } },
};

/** the descriptor of package runtime.v1 with these messages and services (a test adds the RPCs it plays kubelet with) */
export function criDescriptor(
  messages: Record<string, Message | Enum> = CRI_MESSAGES,
  services: Record<string, Service> = CRI_SERVICES,
) {
  return { nested: { runtime: { nested: { v1: { nested: { ...messages, ...services } } } } } };
}
