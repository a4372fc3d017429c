#!/usr/bin/env node
// Start linkscape: `node scripts/serve.mjs [--host H] [--port P] [--read-only] [--token T]`.
// Loopback by default; binding elsewhere requires a token (generated and printed when not given).
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import next from 'next';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const host = opt('--host') ?? process.env.HOST ?? '127.0.0.1';
const port = Number(opt('--port') ?? process.env.PORT ?? 3000);
const readOnly = args.includes('--read-only') || process.env.LINKSCAPE_READ_ONLY === '1';
const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
let token = opt('--token') ?? process.env.LINKSCAPE_TOKEN ?? '';
if (!loopback && !token) token = crypto.randomBytes(24).toString('base64url');
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: linkscape [--host 127.0.0.1] [--port 3000] [--read-only] [--token TOKEN]');
  console.log('  hub: [--agents URL|NAME=URL,… | --kubernetes [--agent-selector LABELS] [--agent-port 3000]] [--agent-token T | --agent-token-file F]');
  process.exit(0);
}
// Hub mode (server/fleet): the agents from a list or from Kubernetes, and the token they accept.
const agents = opt('--agents') ?? process.env.LINKSCAPE_AGENTS ?? '';
const kubernetes = args.includes('--kubernetes') || process.env.LINKSCAPE_KUBERNETES === '1';
const agentTokenFile = opt('--agent-token-file');
let agentToken = opt('--agent-token') ?? process.env.LINKSCAPE_AGENT_TOKEN ?? '';
if (agentTokenFile) {
  try {
    agentToken = fs.readFileSync(agentTokenFile, 'utf8').trim();
  } catch (e) {
    console.error(`--agent-token-file: cannot read ${agentTokenFile}: ${e.message}`);
    process.exit(2);
  }
}
if (agents && kubernetes) {
  console.error('give --agents or --kubernetes, not both');
  process.exit(2);
}
Object.assign(process.env, {
  LINKSCAPE_AGENTS: agents,
  LINKSCAPE_KUBERNETES: kubernetes ? '1' : '0',
  LINKSCAPE_AGENT_TOKEN: agentToken,
  ...(opt('--agent-port') ? { LINKSCAPE_AGENT_PORT: opt('--agent-port') } : {}),
  ...(opt('--agent-selector') ? { LINKSCAPE_AGENT_SELECTOR: opt('--agent-selector') } : {}),

  LINKSCAPE_HOST: host,
  LINKSCAPE_PORT: String(port),
  LINKSCAPE_READ_ONLY: readOnly ? '1' : '0',
  LINKSCAPE_TOKEN: token,
});
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = next({ dev: false, dir, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => handle(req, res));
server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  const page = agents || kubernetes ? 'fleet' : '';
  console.log(`linkscape on http://${shown}:${port}/${page}${token ? `?token=${token}` : ''}${readOnly ? ' (read-only)' : ''}${page ? ' (hub)' : ''}`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.log('not root: showing what can be read; editing needs root');
  }
  // Next loads a route's code on its first request (here ~150 ms for the page, ~280 ms for the API):
  // ask for both once now, so the first visitor does not wait for it. host.info reads nothing.
  const warmHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  for (const p of ['/', '/api/trpc/host.info']) {
    http
      .get({ host: warmHost, port, path: p, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => res.resume())
      .on('error', () => {});
  }
});
// Open live streams (SSE) would hold close() forever: end them, then exit.
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
