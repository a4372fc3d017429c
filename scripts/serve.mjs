#!/usr/bin/env node
// Start linkscape: `node scripts/serve.mjs [--host H] [--port P] [--read-only] [--token T] [--allow-host NAME] …`
// (all flags: --help, scripts/options.mjs). Every request passes the gate (scripts/gate.mjs) before Next sees
// it: Host allow-list, Origin, the token (always, also on loopback), body size, open streams per client.
import http from 'node:http';
import crypto from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { AGENT_TOKEN_KEY, allowedHosts, createGate, GATE_SECRET_KEY, isLoopbackAddress, isWildcard } from './gate.mjs';
import { parseServeArgs, settleToken, UsageError, USAGE } from './options.mjs';

let o;
try {
  o = parseServeArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`linkscape: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}

let token = null;
let ownsTokenFile = false;
if (o.noAuth) {
  console.warn(
    "\n!!! linkscape: --no-auth: NO TOKEN. Anyone who can reach this port can change this host's network as root.",
  );
  console.warn(
    '!!! Use it only behind a proxy that authenticates every request (and keep the port closed otherwise).\n',
  );
} else {
  try {
    const t = settleToken(o);
    token = t.token;
    ownsTokenFile = t.ownsFile;
  } catch (e) {
    console.error(`linkscape: the token file ${o.tokenFile}: ${e.message}`);
    process.exit(2);
  }
}
const auditLog = process.env.LINKSCAPE_AUDIT_LOG ?? '/var/log/linkscape/audit.jsonl';
// the tRPC context reads these (server/config.ts); the token itself stays in this process's memory only
Object.assign(process.env, {
  LINKSCAPE_HOST: o.host,
  LINKSCAPE_PORT: String(o.port),
  LINKSCAPE_READ_ONLY: o.readOnly ? '1' : '0',
  LINKSCAPE_AUTH: token ? 'token' : 'none',
  LINKSCAPE_TRUST_PROXY: o.trustProxy ? '1' : '0',
  // the Docker socket whose containers name namespaces (server/host/owners/docker.ts)
  ...(o.dockerSocket ? { LINKSCAPE_DOCKER_SOCKET: o.dockerSocket } : {}),
  // the CRI socket whose pods name their containers (server/host/owners/cri.ts)
  ...(o.criSocket ? { LINKSCAPE_CRI_SOCKET: o.criSocket } : {}),
  // Podman's storage and netavark's network files, when not in their default places (server/host/owners/index.ts)
  ...(o.podman.root ? { LINKSCAPE_PODMAN_ROOT: o.podman.root } : {}),
  ...(o.podman.runRoot ? { LINKSCAPE_PODMAN_RUNROOT: o.podman.runRoot } : {}),
  ...(o.podman.networkDir ? { LINKSCAPE_PODMAN_NETWORK_DIR: o.podman.networkDir } : {}),
  // hub mode (server/fleet): the agents from a list or from Kubernetes, and the token they accept
  LINKSCAPE_AGENTS: o.agents,
  LINKSCAPE_KUBERNETES: o.kubernetes ? '1' : '0',
  ...(o.agentPort ? { LINKSCAPE_AGENT_PORT: o.agentPort } : {}),
  ...(o.agentSelector ? { LINKSCAPE_AGENT_SELECTOR: o.agentSelector } : {}),
});
delete process.env.LINKSCAPE_TOKEN;
// the token agents accept: in memory too (server/fleet/fleet.ts reads it there), so no `ip` this server runs
// inherits it in its environment and /proc/PID/environ does not show it
globalThis[AGENT_TOKEN_KEY] = o.agentToken || null;
delete process.env.LINKSCAPE_AGENT_TOKEN;

/** what the machine is called, for the Host allow-list when bound beyond loopback */
async function machineNames() {
  const hostname = os.hostname();
  let fqdn = null;
  try {
    const timeout = new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 1500).unref());
    const addrs = await Promise.race([dns.lookup(hostname, { all: true }), timeout]);
    const a = addrs.find((x) => !isLoopbackAddress(x.address)) ?? addrs[0];
    if (a) fqdn = (await Promise.race([dns.lookupService(a.address, 0), timeout])).hostname;
  } catch {
    /* no resolver answer: the hostname alone */
  }
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .filter(Boolean)
    .map((i) => i.address.replace(/%.*$/, ''));
  return { hostname, fqdn: fqdn && fqdn !== hostname ? fqdn : null, addresses };
}
const allowed = allowedHosts({
  bind: o.host,
  port: o.port,
  extra: o.allowHosts,
  machine: isLoopbackAddress(o.host) ? undefined : await machineNames(),
});

/** a change refused at the gate goes to the audit log like any other refusal */
function auditRefused(r) {
  const entry = {
    when: new Date().toISOString(),
    remote: r.peer,
    forwardedFor: r.forwardedFor,
    action: 'refused',
    dryRun: false,
    force: false,
    edits: null,
    plan: [],
    outcome: { ok: false, refused: r.refused, reason: r.reason, request: `${r.method} ${r.path}` },
  };
  fs.promises
    .mkdir(path.dirname(auditLog), { recursive: true, mode: 0o750 })
    .then(() => fs.promises.appendFile(auditLog, JSON.stringify(entry) + '\n', { mode: 0o640 }))
    .catch((e) => console.error(`linkscape: could not write the audit log ${auditLog}: ${e.message}`));
}

const secret = crypto.randomBytes(24).toString('base64url');
globalThis[GATE_SECRET_KEY] = secret;
const gate = createGate({
  port: o.port,
  allowed,
  token,
  tokenFile: token ? o.tokenFile : null,
  trustProxy: o.trustProxy,
  maxBody: o.maxBody,
  maxOpen: o.maxStreams,
  secret,
  onRefused: auditRefused,
});

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = next({ dev: o.dev, dir, hostname: o.host, port: o.port });
await app.prepare();
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => {
  if (!gate(req, res)) handle(req, res);
});
server.listen(o.port, o.host, async () => {
  // In production Next prepares itself (and runs instrumentation.ts: the roll-back of a plan a crash left
  // half-done) on the first request, and every request waits for that. Ask for the page and the API once
  // now, so that happens before the address is printed and the first visitor does not wait for Next to
  // load their code (~150 ms, ~280 ms). host.info reads nothing.
  const warmHost = o.host === '0.0.0.0' ? '127.0.0.1' : o.host === '::' ? '::1' : o.host;
  const first = allowed.names[0];
  const hostHeader = `${first.includes(':') ? `[${first}]` : first}:${o.port}`;
  const warm = (p) =>
    new Promise((resolve) => {
      http
        .get(
          {
            host: warmHost,
            port: o.port,
            path: p,
            headers: { host: hostHeader, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          },
          (res) => {
            res.resume();
            res.on('end', resolve);
            res.on('error', resolve);
          },
        )
        .on('error', resolve);
    });
  await warm('/api/trpc/host.info');
  await warm('/');
  const shown = o.host.includes(':') ? `[${o.host}]` : isWildcard(o.host) ? os.hostname() : o.host;
  const page = o.agents || o.kubernetes ? 'fleet' : '';
  console.log(
    `linkscape on http://${shown}:${o.port}/${page}${token ? `?token=${token}` : ''}${o.readOnly ? ' (read-only)' : ''}${page ? ' (hub)' : ''}`,
  );
  if (token)
    console.log(`token in ${o.tokenFile} (mode 0600): curl -H "Authorization: Bearer $(cat ${o.tokenFile})" …`);
  console.log(`answers to Host: ${allowed.names.join(', ')} (more: --allow-host NAME)`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.log('not root: showing what can be read; editing needs root');
  }
});

/** the edit session (server/api/edit.ts) registers itself here: busy() and drain() */
const EDITS_KEY = Symbol.for('linkscape.edits');
let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeIdleConnections();
  const edits = globalThis[EDITS_KEY];
  if (edits?.busy())
    console.log(
      `linkscape: ${signal}: a plan is in progress or waiting for confirmation; finishing or rolling it back before exiting`,
    );
  const hard = setTimeout(() => {
    console.error(
      'linkscape: the plan is still running after 120 s; exiting anyway (the next start rolls it back from the journal)',
    );
    process.exit(1);
  }, 120_000);
  hard.unref();
  try {
    await edits?.drain(signal);
  } catch (e) {
    console.error(`linkscape: while stopping: ${e instanceof Error ? e.message : e}`);
  }
  server.closeAllConnections(); // open live streams (SSE) would hold close() forever
  if (ownsTokenFile) {
    try {
      if (fs.readFileSync(o.tokenFile, 'utf8').trim() === token) fs.unlinkSync(o.tokenFile);
    } catch {
      /* gone already */
    }
  }
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
