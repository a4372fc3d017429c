// deploy/kubernetes against the Kubernetes schemas (kubernetes-models: the OpenAPI schemas of the API server,
// as JSON Schema), plus the rules of issue #13 that no schema knows: what the agent may do, what the hub may list.
import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';

const DIR = path.join(import.meta.dirname, '../../deploy/kubernetes');

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [k: string]: unknown;
}

async function load(): Promise<{ kustomization: { resources: string[] }; objects: Obj[] }> {
  const kustomization = parseAllDocuments(
    await fs.readFile(path.join(DIR, 'kustomization.yaml'), 'utf8'),
  )[0].toJS() as { resources: string[] };
  const objects: Obj[] = [];
  for (const f of kustomization.resources) {
    for (const d of parseAllDocuments(await fs.readFile(path.join(DIR, f), 'utf8'))) {
      if (d.errors.length) throw new Error(`${f}: ${d.errors[0].message}`);
      objects.push(d.toJS() as Obj);
    }
  }
  return { kustomization, objects };
}

const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);

describe('deploy/kubernetes', () => {
  it('every file the kustomization names exists, and every manifest there is named by it', async () => {
    const { kustomization } = await load();
    const files = (await fs.readdir(DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('every object validates against its Kubernetes schema', async () => {
    const { objects } = await load();
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const o of objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion} ${o.kind} has a schema here`).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
  });

  it('the schema check would catch a broken manifest', async () => {
    const { objects } = await load();
    const ds = structuredClone(byKind(objects, 'DaemonSet')[0]) as Obj & {
      spec: { template: { spec: { hostNetwork: unknown } } };
    };
    ds.spec.template.spec.hostNetwork = 'yes';
    expect(() => new DaemonSet(ds as never).validate()).toThrow(/hostNetwork/);
  });

  it('the agent: hostNetwork, hostPID, not privileged, exactly the capabilities it needs, host paths read-only', async () => {
    const { objects } = await load();
    const ds = new DaemonSet(byKind(objects, 'DaemonSet')[0]);
    const pod = ds.spec!.template.spec!;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0];
    expect(c.image).toBe('linkscape');
    expect(c.securityContext?.privileged).toBe(false);
    expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect([...(c.securityContext?.capabilities?.add ?? [])].sort()).toEqual([
      'DAC_READ_SEARCH',
      'NET_ADMIN',
      'SYS_ADMIN',
      'SYS_PTRACE',
    ]);
    const hostPaths = new Map((pod.volumes ?? []).filter((v) => v.hostPath).map((v) => [v.name, v.hostPath!.path]));
    for (const p of [
      '/var/run/netns',
      '/var/run/docker/netns',
      '/var/lib/cni',
      '/run/containerd/containerd.sock',
      '/run/docker.sock',
    ]) {
      expect([...hostPaths.values()]).toContain(p);
    }
    for (const m of c.volumeMounts ?? []) {
      if (!hostPaths.has(m.name)) continue;
      // only the audit log is written
      if (m.mountPath === '/var/log/linkscape') expect(m.readOnly ?? false).toBe(false);
      else expect(m.readOnly, m.mountPath).toBe(true);
    }
    // the agents' token comes from the Secret, and the server binds the node's address with it as the allowed Host
    const tokenEnv = c.env?.find((e) => e.name === 'LINKSCAPE_TOKEN');
    const secret = byKind(objects, 'Secret')[0];
    expect(tokenEnv?.valueFrom?.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'token' });
    expect(c.args).toEqual(expect.arrayContaining(['--allow-host', '$(NODE_IP)']));
  });

  it("the hub: discovers by the agents' labels, reads the same Secret, runs as non-root with nothing added", async () => {
    const { objects } = await load();
    const dep = new Deployment(byKind(objects, 'Deployment')[0]);
    const ds = new DaemonSet(byKind(objects, 'DaemonSet')[0]);
    const pod = dep.spec!.template.spec!;
    const c = pod.containers[0];
    expect(c.args).toEqual(expect.arrayContaining(['--kubernetes', '--agent-token-file']));
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(c.securityContext?.capabilities?.add ?? []).toEqual([]);
    expect(pod.volumes?.find((v) => v.secret)?.secret?.secretName).toBe(byKind(objects, 'Secret')[0].metadata.name);
    // the labels the hub looks for (server/fleet/kube.ts DEFAULT_SELECTOR) are the DaemonSet's pods'
    const { DEFAULT_SELECTOR } = await import('@/server/fleet/kube');
    const want = Object.fromEntries(DEFAULT_SELECTOR.split(',').map((kv) => kv.split('=')));
    expect(ds.spec!.template.metadata!.labels).toMatchObject(want);
    const svc = new Service(byKind(objects, 'Service')[0]);
    expect(svc.spec!.selector).toEqual(dep.spec!.selector.matchLabels);
  });

  it('RBAC: the hub may list pods (its namespace) and nodes, nothing else', async () => {
    const { objects } = await load();
    const role = new Role(byKind(objects, 'Role')[0]);
    const cr = new ClusterRole(byKind(objects, 'ClusterRole')[0]);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
    expect(cr.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]);
    const hubSa = byKind(objects, 'Deployment')[0] as unknown as Deployment;
    for (const b of [
      ...byKind(objects, 'RoleBinding'),
      ...byKind(objects, 'ClusterRoleBinding'),
    ] as unknown as RoleBinding[]) {
      expect(b.subjects).toEqual([
        { kind: 'ServiceAccount', name: hubSa.spec!.template.spec!.serviceAccountName, namespace: 'linkscape' },
      ]);
    }
  });
});
