#!/usr/bin/env node
// Start linkscape: `node scripts/serve.mjs [--host H] [--port P] [--read-only] [--token T]`.
// Loopback by default; binding elsewhere requires a token (generated and printed when not given).
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  console.log('usage: linkscape [--host 127.0.0.1] [--port 3000] [--read-only] [--token TOKEN] [--docker-socket PATH]');
  process.exit(0);
}
Object.assign(process.env, {
  LINKSCAPE_HOST: host,
  LINKSCAPE_PORT: String(port),
  LINKSCAPE_READ_ONLY: readOnly ? '1' : '0',
  LINKSCAPE_TOKEN: token,
});
// the Docker socket whose containers name namespaces (default: DOCKER_HOST, then /var/run/docker.sock)
if (opt('--docker-socket')) process.env.LINKSCAPE_DOCKER_SOCKET = opt('--docker-socket');
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = next({ dev: false, dir, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => handle(req, res));
server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(`linkscape on http://${shown}:${port}/${token ? `?token=${token}` : ''}${readOnly ? ' (read-only)' : ''}`);
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
