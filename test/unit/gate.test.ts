// The gate in front of every handler (scripts/gate.mjs) and the flags (scripts/options.mjs): which Host
// names and Origins pass, the token (header, cookie, ?token= traded for the cookie), body and stream limits.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import {
  allowedHosts,
  createGate,
  hostnameOf,
  hostProblem,
  originProblem,
  readCookie,
  tokenMatches,
} from '../../scripts/gate.mjs';
import { parseServeArgs, settleToken } from '../../scripts/options.mjs';

const loop = allowedHosts({ bind: '127.0.0.1', port: 3000 });
const wide = allowedHosts({
  bind: '0.0.0.0',
  port: 8080,
  extra: ['net.example.org', 'proxy.example:8443'],
  machine: { hostname: 'box', fqdn: 'box.lan.example', addresses: ['192.0.2.10', 'fe80::1'] },
});

describe('Host allow-list', () => {
  it.each([
    ['127.0.0.1:3000', null],
    ['localhost:3000', null],
    ['LOCALHOST.:3000', null],
    ['[::1]:3000', null],
    ['attacker.example:3000', 'attacker.example'],
    ['127.0.0.1.attacker.example', '127.0.0.1.attacker.example'],
    ['box:3000', 'box'], // the machine's name is not an answer on loopback
    [undefined, 'NAME'],
    ['local host', 'NAME'],
  ])('bound to loopback: Host %s → %s', (host, refusedName) => {
    const p = hostProblem(host, loop);
    if (refusedName === null) expect(p).toBeNull();
    else expect(p).toMatch(new RegExp(`--allow-host ${refusedName.replace(/\./g, '\\.')}`));
  });

  it("bound wide: the machine's names and addresses, loopback, and each --allow-host", () => {
    for (const h of [
      'box:8080',
      'box.lan.example',
      '192.0.2.10:8080',
      '[fe80::1]:8080',
      'localhost:8080',
      'net.example.org',
      'proxy.example:443',
    ])
      expect(hostProblem(h, wide), h).toBeNull();
    expect(hostProblem('evil.example:8080', wide)).toMatch(
      /refuses requests for Host "evil\.example:8080".*box.*--allow-host evil\.example/,
    );
  });

  it("bound to one address: that address (and the machine's names), not loopback", () => {
    const one = allowedHosts({
      bind: '192.0.2.10',
      port: 3000,
      machine: { hostname: 'box', fqdn: null, addresses: ['192.0.2.10', '10.0.0.1'] },
    });
    expect(hostProblem('192.0.2.10:3000', one)).toBeNull();
    expect(hostProblem('box:3000', one)).toBeNull();
    expect(hostProblem('10.0.0.1:3000', one)).not.toBeNull();
    expect(hostProblem('127.0.0.1:3000', one)).not.toBeNull();
  });

  it('hostnameOf strips the port, brackets, a trailing dot; refuses what is not a host', () => {
    expect(hostnameOf('Foo.Example.:80')).toBe('foo.example');
    expect(hostnameOf('[::1]:3000')).toBe('::1');
    expect(hostnameOf('a@b')).toBeNull();
    expect(hostnameOf('x:y')).toBeNull();
  });
});

describe('Origin', () => {
  it("the server's own origin passes; the rebinding attacker, another port on localhost and null do not", () => {
    expect(originProblem('http://127.0.0.1:3000', loop)).toBeNull();
    expect(originProblem('http://localhost:3000', loop)).toBeNull();
    expect(originProblem('http://attacker.example:3000', loop)).toMatch(
      /refuses Origin "http:\/\/attacker\.example:3000"/,
    );
    expect(originProblem('http://localhost:8080', loop)).not.toBeNull(); // another local web app: same site, not same origin
    expect(originProblem('null', loop)).not.toBeNull();
    expect(originProblem('file://', loop)).not.toBeNull();
  });
  it('an --allow-host name without a port may come through a proxy on 80/443; with a port, only that port', () => {
    expect(originProblem('https://net.example.org', wide)).toBeNull();
    expect(originProblem('https://proxy.example:8443', wide)).toBeNull();
    expect(originProblem('https://proxy.example', wide)).not.toBeNull();
    expect(originProblem('http://box:80', wide)).not.toBeNull(); // built-in names: the server's own port only
  });
});

describe('token', () => {
  it('compares in constant time (hashes), refuses empty and near misses', () => {
    expect(tokenMatches('abc-123-secret-xyz', 'abc-123-secret-xyz')).toBe(true);
    expect(tokenMatches('abc-123-secret-xy', 'abc-123-secret-xyz')).toBe(false);
    expect(tokenMatches('', 'x')).toBe(false);
    expect(tokenMatches(undefined, 'x')).toBe(false);
    expect(tokenMatches('x', null)).toBe(false);
  });
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; linkscape-3000=t%3Dk; b=2', 'linkscape-3000')).toBe('t=k');
    expect(readCookie('linkscape-3001=x', 'linkscape-3000')).toBeNull();
  });
  it('is generated and written 0600 in a 0700 directory; an explicit token file that holds one is used', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lsS-token-'));
    try {
      const file = path.join(dir, 'run', 'token');
      const o = parseServeArgs([], { LINKSCAPE_TOKEN_FILE: file });
      const a = settleToken({ ...o, tokenFileGiven: false });
      expect(a.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(readFileSync(file, 'utf8').trim()).toBe(a.token);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(settleToken({ ...o, tokenFileGiven: false }).token).not.toBe(a.token); // a fresh one each start
      const given = settleToken(o); // explicitly named and holding one: that one
      expect(given).toMatchObject({ source: 'file', ownsFile: false });
      chmodSync(file, 0o644);
      expect(() => settleToken(o)).toThrow(/readable by others \(mode 644\)/);
      writeFileSync(file, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('flags', () => {
  it('parse as a future `linkscape serve` passes them (repeatable, comma-separated, --flag=value)', () => {
    const o = parseServeArgs(
      [
        '--host',
        '0.0.0.0',
        '--port=8080',
        '--allow-host',
        'a.example,b.example:443',
        '--allow-host=c',
        '--trust-proxy',
        '--read-only',
        '--cri-socket',
        '/run/k3s/containerd/containerd.sock',
      ],
      {},
    );
    expect(o).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      allowHosts: ['a.example', 'b.example:443', 'c'],
      trustProxy: true,
      readOnly: true,
      noAuth: false,
      tokenFile: '/run/linkscape/token',
      criSocket: '/run/k3s/containerd/containerd.sock',
    });
  });
  it.each([
    [['--alow-host', 'x'], /unknown option "--alow-host"/],
    [['--port', '99999'], /--port must be a whole number 1–65535/],
    [['--token', 'short'], /--token must be 16–512/],
    [['--no-auth', '--token', 'abcdefghijklmnopq'], /contradict/],
    [['--allow-host', 'a b'], /--allow-host "a b" is not a host name/],
    [['--host'], /--host needs a value/],
    [['--cri-socket', 'crio.sock'], /--cri-socket must be an absolute path to a unix socket/],
    [['--cri-socket'], /--cri-socket needs a value/],
  ])('%j is refused naming the flag', (argv, msg) => expect(() => parseServeArgs(argv, {})).toThrow(msg));
});

/** a request and response as node's http server gives them to the gate */
function fakeReq(o: { method?: string; url?: string; headers?: Record<string, string>; peer?: string }) {
  const headers: Record<string, string> = { host: '127.0.0.1:3000', ...o.headers };
  const head: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    status: 0,
    head,
    body: '',
    setHeader(k: string, v: string) {
      this.head[k] = v;
    },
    writeHead(s: number, h: Record<string, string>) {
      this.status = s;
      Object.assign(this.head, h);
    },
    end(b?: string) {
      this.body += b ?? '';
    },
  });
  const req = {
    method: o.method ?? 'GET',
    url: o.url ?? '/',
    headers,
    rawHeaders: Object.entries(headers).flat(),
    socket: { remoteAddress: o.peer ?? '::ffff:127.0.0.1' },
  };
  return { req, res };
}

describe('createGate', () => {
  const TOKEN = 'gate-test-token-0123456789';
  const refused: unknown[] = [];
  const gate = createGate({
    port: 3000,
    allowed: loop,
    token: TOKEN,
    tokenFile: '/run/linkscape/token',
    trustProxy: false,
    maxBody: 1000,
    maxOpen: 2,
    secret: 's',
    onRefused: (r: unknown) => refused.push(r),
  });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('a foreign Host is refused before anything, naming the host and --allow-host', () => {
    const { req, res } = fakeReq({ headers: { host: 'attacker.example:3000', ...auth } });
    expect(gate(req, res)).toBe(true);
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/attacker\.example.*--allow-host attacker\.example/);
  });

  it('without the token: the page explains where to find it; the API says 401 (and a refused change is audited)', () => {
    const page = fakeReq({});
    expect(gate(page.req, page.res)).toBe(true);
    expect(page.res.status).toBe(401);
    expect(page.res.body).toMatch(/Open the URL the server printed.*\/run\/linkscape\/token/s);
    const api = fakeReq({ method: 'POST', url: '/api/trpc/edit.applyEdits', headers: { 'content-length': '10' } });
    expect(gate(api.req, api.res)).toBe(true);
    expect(api.res.status).toBe(401);
    expect(JSON.parse(api.res.body).error.data.code).toBe('UNAUTHORIZED');
    expect(refused.at(-1)).toMatchObject({ peer: '127.0.0.1', refused: 'auth', path: '/api/trpc/edit.applyEdits' });
  });

  it('?token= is traded for an HttpOnly SameSite=Strict cookie and a reload to the address without it', () => {
    const { req, res } = fakeReq({ url: `/?view=table&token=${TOKEN}` });
    expect(gate(req, res)).toBe(true);
    expect(res.status).toBe(200);
    expect(res.head['set-cookie']).toBe(`linkscape-3000=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    expect(res.body).toContain('url=/?view=table"');
    expect(res.body).not.toContain(TOKEN);
    const wrong = fakeReq({ url: '/?token=nope' });
    gate(wrong.req, wrong.res);
    expect(wrong.res.status).toBe(401);
  });

  it('with the cookie or the Bearer header the request goes on, with the peer from the socket and forged x-linkscape-* gone', () => {
    const { req, res } = fakeReq({
      url: '/api/trpc/host.info',
      headers: {
        cookie: `linkscape-3000=${TOKEN}`,
        'x-linkscape-peer': '6.6.6.6',
        'x-linkscape-gate': 'forged',
        'x-forwarded-for': '6.6.6.6',
      },
    });
    expect(gate(req, res)).toBe(false);
    expect(req.headers['x-linkscape-peer']).toBe('127.0.0.1');
    expect(req.headers['x-linkscape-gate']).toBe('s');
    expect(req.headers['x-linkscape-forwarded-for']).toBeUndefined(); // no --trust-proxy
    expect(req.rawHeaders.join(' ')).not.toMatch(/x-linkscape|forged/i);
    expect(res.head['x-frame-options']).toBe('DENY');
    res.emit('close');
  });

  it('with --trust-proxy X-Forwarded-For is passed on beside the peer', () => {
    const g = createGate({
      port: 3000,
      allowed: loop,
      token: TOKEN,
      tokenFile: null,
      trustProxy: true,
      maxBody: 1000,
      maxOpen: 2,
      secret: 's',
    });
    const { req, res } = fakeReq({
      url: '/api/trpc/host.info',
      headers: { ...auth, 'x-forwarded-for': '198.51.100.4' },
      peer: '10.0.0.2',
    });
    expect(g(req, res)).toBe(false);
    expect(req.headers).toMatchObject({ 'x-linkscape-peer': '10.0.0.2', 'x-linkscape-forwarded-for': '198.51.100.4' });
  });

  it('a foreign Origin on the API is refused even with the token (DNS rebinding carries the cookie)', () => {
    const { req, res } = fakeReq({
      method: 'POST',
      url: '/api/trpc/edit.applyEdits',
      headers: { ...auth, origin: 'http://attacker.example:3000', 'content-length': '2' },
    });
    expect(gate(req, res)).toBe(true);
    expect(res.status).toBe(403);
    expect(refused.at(-1)).toMatchObject({ refused: 'origin' });
    const sse = fakeReq({ url: '/api/trpc/host.watch', headers: { ...auth, origin: 'http://localhost:8080' } });
    expect(gate(sse.req, sse.res)).toBe(true);
  });

  it('bodies: over the limit 413, chunked 411', () => {
    const big = fakeReq({
      method: 'POST',
      url: '/api/trpc/edit.applyEdits',
      headers: { ...auth, 'content-length': '1001' },
    });
    gate(big.req, big.res);
    expect(big.res.status).toBe(413);
    expect(big.res.body).toMatch(/limit of 1000 \(--max-body\)/);
    const chunked = fakeReq({
      method: 'POST',
      url: '/api/trpc/edit.applyEdits',
      headers: { ...auth, 'transfer-encoding': 'chunked' },
    });
    gate(chunked.req, chunked.res);
    expect(chunked.res.status).toBe(411);
  });

  it('open API requests (live streams) per client are limited; a closed one frees its place', () => {
    const open = [0, 1].map(() => fakeReq({ url: '/api/trpc/host.watch', headers: auth, peer: '10.1.1.1' }));
    for (const o of open) expect(gate(o.req, o.res)).toBe(false);
    const third = fakeReq({ url: '/api/trpc/host.watch', headers: auth, peer: '10.1.1.1' });
    expect(gate(third.req, third.res)).toBe(true);
    expect(third.res.status).toBe(429);
    const other = fakeReq({ url: '/api/trpc/host.watch', headers: auth, peer: '10.1.1.2' });
    expect(gate(other.req, other.res)).toBe(false);
    open[0].res.emit('close');
    const again = fakeReq({ url: '/api/trpc/host.watch', headers: auth, peer: '10.1.1.1' });
    expect(gate(again.req, again.res)).toBe(false);
  });
});
