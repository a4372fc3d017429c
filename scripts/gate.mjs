// The gate in front of every handler (pages, API, live streams): which Host names the server answers to,
// which Origins may change or stream, the token (header or cookie), body size, open requests per client.
// serve.mjs runs it before Next sees a request; what it decided reaches the tRPC context in x-linkscape-*
// headers that it first deletes from the incoming request, so no client can set them.
// Plain JS (serve.mjs runs under plain node); types in JSDoc. Pure parts are unit-tested (test/unit/gate.test.ts).
import crypto from 'node:crypto';

/** where the tRPC context finds the per-process secret that marks a request as having passed the gate */
export const GATE_SECRET_KEY = Symbol.for('linkscape.gate');
/** where a hub finds the token its agents accept (kept out of the environment its children inherit) */
export const AGENT_TOKEN_KEY = Symbol.for('linkscape.agentToken');

/** `Foo.Example.:3000` → `foo.example`; `[::1]:3000` → `::1`; null when it is not a host name at all */
export function hostnameOf(value) {
  if (typeof value !== 'string') return null;
  let v = value.trim().toLowerCase();
  if (!v || /[\s/\\@?#]/.test(v)) return null;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    const rest = v.slice(end + 1);
    if (rest && !/^:\d{1,5}$/.test(rest)) return null;
    return v.slice(1, end);
  }
  const colons = (v.match(/:/g) ?? []).length;
  if (colons > 1) return v; // a bare IPv6 address (not valid in Host, but a name for --allow-host)
  if (colons === 1) {
    const [h, p] = v.split(':');
    if (!/^\d{1,5}$/.test(p)) return null;
    v = h;
  }
  if (v.endsWith('.')) v = v.slice(0, -1);
  return v || null;
}

/** the port a Host or --allow-host value names, or null */
function portOf(value) {
  const v = value.trim();
  const m = v.startsWith('[')
    ? /\]:(\d{1,5})$/.exec(v)
    : (v.match(/:/g) ?? []).length === 1
      ? /:(\d{1,5})$/.exec(v)
      : null;
  return m ? Number(m[1]) : null;
}

export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export function isLoopbackAddress(host) {
  const h = hostnameOf(host) ?? host;
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function isWildcard(host) {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * The names the server is reachable as. `bind` is the listen address; `machine` what the machine is called
 * (hostname, FQDN, its addresses), used when bound beyond loopback; `extra` the --allow-host values
 * (NAME or NAME:PORT). Origins: a built-in name with the server's own port; an --allow-host name with its
 * given port, or without one the server's port or 80/443 (a proxy in front).
 * @returns {{ names: string[], origins: Map<string, Set<number>> }}
 */
export function allowedHosts({ bind, port, extra = [], machine = { hostname: null, fqdn: null, addresses: [] } }) {
  const origins = new Map();
  const add = (name, ports) => {
    const h = hostnameOf(name);
    if (!h) return;
    const set = origins.get(h) ?? new Set();
    for (const p of ports) set.add(p);
    origins.set(h, set);
  };
  if (isLoopbackAddress(bind) || isWildcard(bind)) for (const n of LOOPBACK_NAMES) add(n, [port]);
  if (!isWildcard(bind)) add(bind, [port]);
  if (!isLoopbackAddress(bind)) {
    for (const n of [machine.hostname, machine.fqdn]) if (n) add(n, [port]);
    if (isWildcard(bind)) for (const a of machine.addresses ?? []) add(a, [port]);
  }
  for (const e of extra) {
    const p = portOf(e);
    add(e, p !== null ? [p] : [port, 80, 443]);
  }
  return { names: [...origins.keys()], origins };
}

/** null when the Host header names this server, else the refusal (naming the host and --allow-host) */
export function hostProblem(hostHeader, allowed) {
  const h = hostnameOf(hostHeader);
  if (h && allowed.origins.has(h)) return null;
  const shown = hostHeader ? `"${hostHeader}"` : '(none)';
  return (
    `linkscape refuses requests for Host ${shown}: it answers only to ${allowed.names.join(', ')}. ` +
    `If that is a name this server is really reached by, start it with --allow-host ${h ?? 'NAME'}.`
  );
}

/** null when the Origin is one of this server's, else the refusal */
export function originProblem(origin, allowed) {
  let u;
  try {
    u = new URL(origin);
  } catch {
    return `linkscape refuses Origin "${origin}": not an origin of this server`;
  }
  const h = hostnameOf(u.host);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const ports = h ? allowed.origins.get(h) : undefined;
  if ((u.protocol === 'http:' || u.protocol === 'https:') && ports?.has(port)) return null;
  return (
    `linkscape refuses Origin "${origin}": changes and live streams are accepted only from this server's own pages ` +
    `(${allowed.names.join(', ')}${'; a proxy name: --allow-host NAME[:PORT]'})`
  );
}

/** constant-time token comparison (both sides hashed first, so their lengths do not leak either) */
export function tokenMatches(given, token) {
  if (typeof given !== 'string' || !given || !token) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

/** cookies are not per port: the cookie's name carries it, so two servers on one host do not collide */
export function cookieName(port) {
  return `linkscape-${port}`;
}

export function readCookie(header, name) {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/** the token a request carries: Authorization: Bearer, else the page's cookie */
export function requestToken(headers, port) {
  const auth = headers.authorization ?? '';
  if (/^bearer /i.test(auth)) return auth.slice(7).trim();
  return readCookie(headers.cookie, cookieName(port));
}

/** the peer address as the socket saw it (IPv4-mapped IPv6 shown as IPv4) */
export function peerAddress(socket) {
  const a = socket?.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>linkscape: ${esc(title)}</title>` +
    `<style>body{font:15px/1.5 system-ui,sans-serif;max-width:42em;margin:4em auto;padding:0 1em;color:#222}code{background:#eee;padding:0 .3em}</style>` +
    `</head><body><h1>${esc(title)}</h1>${body}</body></html>\n`
  );
}

/** the page shown to a browser without a valid token or cookie */
export function loginPage(tokenFile, wrong) {
  return page(
    wrong ? 'That token is not this server’s' : 'Open the URL the server printed',
    `
<p data-testid="login-needed">linkscape runs as root and changes this host's network, so every page and request needs its token.</p>
<p>Open the address the server printed when it started (it ends in <code>?token=…</code>)${tokenFile ? `, or build it from the token in <code>${esc(tokenFile)}</code> (readable by root only): <code>http://HOST:PORT/?token=$(sudo cat ${esc(tokenFile)})</code>` : ''}.</p>`,
  );
}

const SECURITY_HEADERS = {
  // the Keep button and the edit forms must not be clickable through someone else's frame
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * The request gate. Returns a function (req, res) → true when it answered the request itself (refused it,
 * or traded a ?token= for the cookie), false when the request may go on to Next, with x-linkscape-* set.
 * @param {{ port: number, allowed: ReturnType<typeof allowedHosts>, token: string | null, tokenFile: string | null,
 *   trustProxy: boolean, maxBody: number, maxOpen: number, secret: string,
 *   onRefused?: (r: { peer: string, forwardedFor: string | null, method: string, path: string, reason: string, refused: string }) => void }} o
 */
export function createGate(o) {
  const open = new Map(); // peer → open API requests (live streams included)
  return function gate(req, res) {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // nothing from outside may claim to be the gate's word
    for (const k of Object.keys(req.headers)) if (k.startsWith('x-linkscape-')) delete req.headers[k];
    const raw = req.rawHeaders;
    for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i].toLowerCase().startsWith('x-linkscape-')) raw.splice(i, 2);

    const peer = peerAddress(req.socket);
    const fwd =
      o.trustProxy && typeof req.headers['x-forwarded-for'] === 'string' ? req.headers['x-forwarded-for'] : null;
    const url = new URL(req.url ?? '/', 'http://gate.invalid');
    const isApi = url.pathname.startsWith('/api/');
    const method = req.method ?? 'GET';
    const changes = method !== 'GET' && method !== 'HEAD';
    const refuse = (status, refused, reason, html) => {
      if (changes && o.onRefused) o.onRefused({ peer, forwardedFor: fwd, method, path: url.pathname, reason, refused });
      if (isApi || !html) {
        // the shape tRPC clients read: error.message, error.data.code
        const code =
          {
            401: 'UNAUTHORIZED',
            403: 'FORBIDDEN',
            411: 'BAD_REQUEST',
            413: 'PAYLOAD_TOO_LARGE',
            429: 'TOO_MANY_REQUESTS',
          }[status] ?? 'FORBIDDEN';
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(
          JSON.stringify({
            error: { message: reason, code: -32001, data: { code, httpStatus: status, issues: null } },
          }) + '\n',
        );
      } else {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      }
      return true;
    };

    const badHost = hostProblem(req.headers.host, o.allowed);
    if (badHost)
      return refuse(
        403,
        'host',
        badHost,
        page('Refused: unknown Host', `<p data-testid="host-refused">${esc(badHost)}</p>`),
      );

    const origin = req.headers.origin;
    if (changes || isApi) {
      if (origin !== undefined) {
        const bad = originProblem(origin, o.allowed);
        if (bad) return refuse(403, 'origin', bad);
      } else if (req.headers['sec-fetch-site'] === 'cross-site') {
        return refuse(403, 'origin', 'linkscape refuses a cross-site request (Sec-Fetch-Site: cross-site)');
      }
    }
    if (changes) {
      if (req.headers['transfer-encoding'])
        return refuse(411, 'body', 'linkscape needs a Content-Length on request bodies (chunked bodies are refused)');
      const len = Number(req.headers['content-length'] ?? 0);
      if (!(len <= o.maxBody))
        return refuse(
          413,
          'body',
          `request body of ${req.headers['content-length']} bytes is over the limit of ${o.maxBody} (--max-body)`,
        );
    }

    if (o.token) {
      const fromUrl = !isApi && method === 'GET' ? url.searchParams.get('token') : null;
      if (fromUrl !== null) {
        if (!tokenMatches(fromUrl, o.token))
          return refuse(401, 'auth', 'wrong token in the URL', loginPage(o.tokenFile, true));
        // trade it for an HttpOnly cookie and leave the address bar without it. A page that reloads itself
        // (not a 30x): a Strict cookie set during a redirect chain that began on another site is not sent.
        url.searchParams.delete('token');
        const clean = url.pathname + url.search;
        res.writeHead(200, {
          'set-cookie': `${cookieName(o.port)}=${encodeURIComponent(o.token)}; Path=/; HttpOnly; SameSite=Strict`,
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(
          `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${esc(clean)}">` +
            `<script>location.replace(${JSON.stringify(clean).replace(/</g, '\\u003c')})</script><a href="${esc(clean)}">continue</a>\n`,
        );
        return true;
      }
      if (!tokenMatches(requestToken(req.headers, o.port), o.token)) {
        return refuse(
          401,
          'auth',
          'a valid token is required (Authorization: Bearer TOKEN; the token is in ' +
            (o.tokenFile ?? 'the URL the server printed') +
            ')',
          loginPage(o.tokenFile, false),
        );
      }
    }

    if (isApi) {
      const n = open.get(peer) ?? 0;
      if (n >= o.maxOpen)
        return refuse(
          429,
          'limit',
          `too many open requests and live streams from ${peer} (limit ${o.maxOpen}, --max-streams)`,
        );
      open.set(peer, n + 1);
      res.once('close', () => {
        const m = (open.get(peer) ?? 1) - 1;
        if (m > 0) open.set(peer, m);
        else open.delete(peer);
      });
    }

    req.headers['x-linkscape-gate'] = o.secret;
    req.headers['x-linkscape-peer'] = peer;
    if (fwd) req.headers['x-linkscape-forwarded-for'] = fwd;
    req.headers['x-linkscape-auth'] = o.token ? 'token' : 'none';
    return false;
  };
}
