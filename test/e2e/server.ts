// Production build + server for browser tests: builds when .next/BUILD_ID is missing or older than a
// source file, starts `node scripts/serve.mjs` on a free loopback port with a known token (its token file
// and plan journal in a temp directory), and stops exactly that process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** what the production build is made from */
const BUILD_INPUTS = [
  'app',
  'components',
  'server',
  'shared',
  'instrumentation.ts',
  'next.config.js',
  'package.json',
  'tsconfig.json',
];

/** the newest modification time (ms) of a file or of any file under a directory */
function newestMtime(p: string): number {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((n) => newestMtime(path.join(p, n))));
}

/** Builds unless .next holds a build newer than every source file (a stale build would test old code). */
export async function ensureBuild(): Promise<void> {
  const id = statSync(path.join(ROOT, '.next', 'BUILD_ID'), { throwIfNoEntry: false });
  if (id && Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(ROOT, p)))) < id.mtimeMs) return;
  await execa('npx', ['next', 'build'], { cwd: ROOT, timeout: 15 * 60_000, stdio: 'inherit' });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Served {
  /** opens the page logged in: `base` with ?token= (the server trades it for its cookie and drops it) */
  url: string;
  /** http://127.0.0.1:PORT/ without the token */
  base: string;
  port: number;
  /** null with --no-auth */
  token: string | null;
  /** for API calls (fetch, curl): the Bearer token and a Host the server answers to */
  headers: Record<string, string>;
  /** the temp directory with this server's token file and plan journal */
  dir: string;
  pid: number;
  /** everything the server printed, for failure messages */
  output: () => string;
  stop: () => Promise<void>;
  /** SIGTERM without waiting: for a signal handler on the way out (the server stops its watcher and exits) */
  stopSync: () => void;
  /** send a signal (SIGKILL: a crash) */
  kill: (signal: NodeJS.Signals) => void;
  /** resolves when the process has exited */
  exited: Promise<void>;
}

export interface ServerOptions {
  /** give the server this token (default: a random one); with --no-auth in extraArgs none is used */
  token?: string;
  /** keep this directory (token file, journal) across starts, as a restarted server on a host would */
  dir?: string;
  env?: Record<string, string>;
  /** run the server inside this named namespace (made by the test): to the server it is the host's */
  netns?: string;
}

export async function startServer(
  extraArgs: string[] = [],
  fixedPort?: number,
  opts: ServerOptions = {},
): Promise<Served> {
  const port = fixedPort ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'linkscape-served-'));
  const noAuth = extraArgs.includes('--no-auth');
  const tokenArg = extraArgs.indexOf('--token');
  const token = noAuth
    ? null
    : tokenArg >= 0
      ? extraArgs[tokenArg + 1]
      : (opts.token ?? randomBytes(18).toString('base64url'));
  const argv = [process.execPath, 'scripts/serve.mjs', '--port', String(port), ...extraArgs];
  // nsenter execs the server (no fork): the child's pid is the server's
  const [cmd, ...args] = opts.netns ? ['nsenter', `--net=/run/netns/${opts.netns}`, '--', ...argv] : argv;
  const child: ChildProcess = spawn(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LINKSCAPE_TOKEN_FILE: path.join(dir, 'token'),
      LINKSCAPE_JOURNAL: path.join(dir, 'journal.jsonl'),
      // a test's changes and refusals never go to the host's own audit log
      LINKSCAPE_AUDIT_LOG: process.env.LINKSCAPE_AUDIT_LOG ?? path.join(dir, 'audit.jsonl'),
      ...(token && tokenArg < 0 ? { LINKSCAPE_TOKEN: token } : {}),
      ...opts.env,
    },
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + 60_000;
  while (!out.includes('linkscape on')) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stopSync = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  const base = `http://127.0.0.1:${port}/`;
  return {
    url: token ? `${base}?token=${encodeURIComponent(token)}` : base,
    base,
    port,
    token,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    dir,
    pid: child.pid!,
    output: () => out,
    stop: async () => {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
    stopSync,
    kill: (signal) => void child.kill(signal),
    exited,
  };
}

/** Open the token URL once in this browser: it keeps the server's cookie, so plain addresses load after. */
export async function logIn(
  browser: { context: import('playwright-core').BrowserContext },
  served: Served,
): Promise<void> {
  const page = await browser.context.newPage();
  try {
    await page.goto(served.url);
    await page.waitForURL(served.base);
  } finally {
    await page.close();
  }
}
