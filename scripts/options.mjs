// The server's flags (also what a `linkscape serve` CLI passes through) and the token file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const USAGE = `usage: linkscape serve [options]
  --host ADDR          listen address (default 127.0.0.1; HOST)
  --port N             port (default 3000; PORT)
  --read-only          show, never change
  --token TOKEN        the access token (LINKSCAPE_TOKEN); default: generated at each start
  --token-file PATH    where the token is written, mode 0600 (LINKSCAPE_TOKEN_FILE; default
                       /run/linkscape/token); given explicitly and holding a token, that token is used
  --no-auth            no token at all (only behind a proxy that does its own authentication)
  --allow-host NAME    also answer to this Host name, NAME or NAME:PORT (repeatable, or comma-separated)
  --trust-proxy        record X-Forwarded-For in the audit log (beside the peer address)
  --max-body BYTES     largest request body (default 1048576)
  --max-streams N      open requests and live streams per client address (default 16)
  --dev                Next's development server (hot reload) behind the same gate
  --docker-socket PATH the Docker socket whose containers name namespaces (LINKSCAPE_DOCKER_SOCKET;
                       default: DOCKER_HOST, then /var/run/docker.sock)
  --cri-socket PATH    the CRI socket (containerd, CRI-O) whose pods name their containers (LINKSCAPE_CRI_SOCKET;
                       default: the first socket of /run/containerd/containerd.sock, /var/run/crio/crio.sock,
                       /run/crio/crio.sock)
  --podman-root DIR    Podman's storage root: containers' names (LINKSCAPE_PODMAN_ROOT; default
                       /var/lib/containers/storage)
  --podman-runroot DIR its run root: running containers' addresses (LINKSCAPE_PODMAN_RUNROOT; default
                       /run/containers/storage)
  --podman-network-dir DIR netavark's network files (LINKSCAPE_PODMAN_NETWORK_DIR; default
                       /etc/containers/networks)
hub (one page over many nodes' agents, server/fleet):
  --agents LIST        agents: URL or NAME=URL, comma-separated (LINKSCAPE_AGENTS)
  --kubernetes         discover agent pods in the hub's namespace (in-cluster config)
  --agent-selector L   their label selector (default app.kubernetes.io/component=agent)
  --agent-port N       their port (default 3000)
  --agent-token T      the token agents accept (LINKSCAPE_AGENT_TOKEN), or
  --agent-token-file F a file holding it`;

const VALUE_FLAGS = [
  '--host',
  '--port',
  '--token',
  '--token-file',
  '--allow-host',
  '--max-body',
  '--max-streams',
  '--docker-socket',
  '--cri-socket',
  '--podman-root',
  '--podman-runroot',
  '--podman-network-dir',
  '--agents',
  '--agent-selector',
  '--agent-port',
  '--agent-token',
  '--agent-token-file',
];
const BOOL_FLAGS = ['--read-only', '--no-auth', '--trust-proxy', '--dev', '--kubernetes', '--help', '-h'];

export class UsageError extends Error {}

/** argv (after `node serve.mjs`) and the environment → options. Throws UsageError naming the flag. */
export function parseServeArgs(argv, env = process.env) {
  const vals = new Map();
  const allow = [];
  const bools = new Set();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) [a, v] = [a.slice(0, eq), a.slice(eq + 1)];
    if (BOOL_FLAGS.includes(a)) {
      if (v !== undefined) throw new UsageError(`${a} takes no value`);
      bools.add(a);
    } else if (VALUE_FLAGS.includes(a)) {
      if (v === undefined) {
        v = argv[++i];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      }
      if (a === '--allow-host')
        allow.push(
          ...v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
      else vals.set(a, v);
    } else {
      throw new UsageError(`unknown option ${JSON.stringify(argv[i])}`);
    }
  }
  const num = (flag, envName, dflt, min, max) => {
    const raw = vals.get(flag) ?? (envName ? env[envName] : undefined);
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${flag} must be a whole number ${min}–${max}, not ${JSON.stringify(raw)}`);
    return n;
  };
  const token = vals.get('--token') ?? (env.LINKSCAPE_TOKEN || null);
  if (token !== null && !/^[\x21-\x7e]{16,512}$/.test(token))
    throw new UsageError('--token must be 16–512 printable characters without spaces');
  const tokenFileGiven = vals.get('--token-file') ?? (env.LINKSCAPE_TOKEN_FILE || null);
  const noAuth = bools.has('--no-auth') || env.LINKSCAPE_NO_AUTH === '1';
  if (noAuth && token) throw new UsageError('--no-auth and --token contradict each other');
  for (const h of allow)
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(:\d{1,5})?$/.test(h))
      throw new UsageError(`--allow-host ${JSON.stringify(h)} is not a host name, address or NAME:PORT`);
  const cri = vals.get('--cri-socket');
  if (cri !== undefined && !/^(unix:\/\/)?\/[^\0]*$/.test(cri))
    throw new UsageError(
      `--cri-socket must be an absolute path to a unix socket (or unix:///path), not ${JSON.stringify(cri)}`,
    );
  return {
    help: bools.has('--help') || bools.has('-h'),
    dev: bools.has('--dev'),
    host: vals.get('--host') ?? env.HOST ?? '127.0.0.1',
    port: num('--port', 'PORT', 3000, 1, 65535),
    readOnly: bools.has('--read-only') || env.LINKSCAPE_READ_ONLY === '1',
    token,
    tokenFile: tokenFileGiven ?? '/run/linkscape/token',
    tokenFileGiven: tokenFileGiven !== null,
    noAuth,
    allowHosts: allow,
    trustProxy: bools.has('--trust-proxy') || env.LINKSCAPE_TRUST_PROXY === '1',
    maxBody: num('--max-body', null, 1024 * 1024, 1024, 64 * 1024 * 1024),
    maxStreams: num('--max-streams', null, 16, 1, 10000),
    dockerSocket: vals.get('--docker-socket') ?? null,
    criSocket: cri ?? null,
    podman: podmanOptions(vals),
    ...hubOptions(vals, bools, env, num),
  };
}

/** Podman's non-default places (podman --root, --runroot, --network-config-dir): absolute directories */
function podmanOptions(vals) {
  const out = {};
  for (const [flag, key] of [
    ['--podman-root', 'root'],
    ['--podman-runroot', 'runRoot'],
    ['--podman-network-dir', 'networkDir'],
  ]) {
    const v = vals.get(flag);
    if (v === undefined) continue;
    if (!path.isAbsolute(v) || v.includes('\0'))
      throw new UsageError(`${flag} must be an absolute path, not ${JSON.stringify(v)}`);
    out[key] = path.normalize(v);
  }
  return out;
}

/** Hub mode: which agents, and the token they accept (read from its file here, so it never sits in argv). */
function hubOptions(vals, bools, env, num) {
  const agents = vals.get('--agents') ?? env.LINKSCAPE_AGENTS ?? '';
  const kubernetes = bools.has('--kubernetes') || env.LINKSCAPE_KUBERNETES === '1';
  if (agents && kubernetes) throw new UsageError('give --agents or --kubernetes, not both');
  let agentToken = vals.get('--agent-token') ?? (env.LINKSCAPE_AGENT_TOKEN || '');
  const file = vals.get('--agent-token-file');
  if (file) {
    if (vals.has('--agent-token')) throw new UsageError('give --agent-token or --agent-token-file, not both');
    try {
      agentToken = fs.readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--agent-token-file: cannot read ${file}: ${e.message}`);
    }
  }
  return {
    agents,
    kubernetes,
    agentToken,
    agentPort: vals.has('--agent-port') ? String(num('--agent-port', null, 3000, 1, 65535)) : null,
    agentSelector: vals.get('--agent-selector') ?? null,
  };
}

/**
 * The token to use: given, or read from an explicitly named token file, or generated; written to the token
 * file (0600, its directory 0700 when linkscape makes it). Returns the token and whether the file is ours to
 * remove on exit.
 */
export function settleToken(o) {
  let token = o.token;
  let source = token ? 'given' : 'generated';
  if (!token && o.tokenFileGiven && fs.existsSync(o.tokenFile)) {
    const st = fs.statSync(o.tokenFile);
    if (st.mode & 0o077)
      throw new UsageError(
        `${o.tokenFile} is readable by others (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it, or remove it for a new token`,
      );
    const t = fs.readFileSync(o.tokenFile, 'utf8').trim();
    if (t) [token, source] = [t, 'file'];
  }
  if (!token) token = crypto.randomBytes(24).toString('base64url');
  if (source !== 'file') {
    const dir = path.dirname(o.tokenFile);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${o.tokenFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, o.tokenFile);
  }
  return { token, source, ownsFile: source !== 'file' };
}
