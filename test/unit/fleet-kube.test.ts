// Kubernetes discovery: the real @kubernetes/client-node against recorded API answers (test/fixtures/kubernetes,
// README there says where their shape comes from), served by a local HTTP server standing in for the API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { discoverAgents, DEFAULT_SELECTOR } from '@/server/fleet/kube';
import { Fleet } from '@/server/fleet/fleet';

const FIX = path.join(import.meta.dirname, '../fixtures/kubernetes');
const answers: Record<string, string> = {
  '/api/v1/namespaces/linkscape/pods': readFileSync(path.join(FIX, 'pods-agents.json'), 'utf8'),
  '/api/v1/nodes': readFileSync(path.join(FIX, 'nodes.json'), 'utf8'),
};

let server: http.Server;
let api: CoreV1Api;
const asked: { path: string; query: URLSearchParams; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    asked.push({ path: u.pathname, query: u.searchParams, auth: req.headers.authorization });
    const body = answers[u.pathname];
    if (!body || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `${u.pathname} not found`,
          reason: 'NotFound',
          code: 404,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'rec', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'hub', token: 'sa-token' }],
    contexts: [{ name: 'rec', cluster: 'rec', user: 'hub' }],
    currentContext: 'rec',
  });
  api = kc.makeApiClient(CoreV1Api);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Kubernetes discovery', () => {
  it('lists the agent pods by label in the hub namespace and the nodes; one agent per running pod with an IP', async () => {
    asked.length = 0;
    const targets = await discoverAgents(api, { namespace: 'linkscape', labelSelector: DEFAULT_SELECTOR, port: 3000 });
    expect(targets).toEqual([
      { name: 'kind-control-plane', url: 'http://172.18.0.3:3000', addresses: ['172.18.0.3'] },
      { name: 'kind-worker', url: 'http://172.18.0.2:3000', addresses: ['172.18.0.2'] },
    ]);
    const pods = asked.find((a) => a.path === '/api/v1/namespaces/linkscape/pods');
    expect(pods?.query.get('labelSelector')).toBe(DEFAULT_SELECTOR);
    expect(pods?.auth).toBe('Bearer sa-token');
    expect(asked.map((a) => a.path).sort()).toEqual(['/api/v1/namespaces/linkscape/pods', '/api/v1/nodes']);
  });

  it('an API error reaches the fleet as its discovery error, verbatim', async () => {
    const fleet = new Fleet({
      agents: null,
      token: 't',
      kubernetes: { namespace: 'elsewhere', labelSelector: DEFAULT_SELECTOR, port: 3000, api, intervalMs: 60_000 },
    });
    try {
      await expect.poll(() => fleet.discoveryError).toMatch(/Kubernetes discovery: .*404|NotFound|not found/);
      expect(fleet.nodes()).toEqual([]);
    } finally {
      fleet.stop();
    }
  });

  it('the fleet starts an agent client per discovered node, named by the node', async () => {
    const fleet = new Fleet({
      agents: null,
      token: 't',
      kubernetes: { namespace: 'linkscape', labelSelector: DEFAULT_SELECTOR, port: 3000, api, intervalMs: 60_000 },
    });
    try {
      await expect.poll(() => fleet.nodes().map((n) => n.name)).toEqual(['kind-control-plane', 'kind-worker']);
      expect(fleet.nodes()[0]).toMatchObject({ url: 'http://172.18.0.3:3000', addresses: ['172.18.0.3'] });
      expect(fleet.discoveryError).toBeNull();
    } finally {
      fleet.stop();
    }
  });
});
