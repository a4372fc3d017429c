// Production build + server for browser tests: builds when .next/BUILD_ID is missing or older than a
// source file, starts `node scripts/serve.mjs` on a free loopback port, and stops exactly that process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** what the production build is made from */
const BUILD_INPUTS = ['app', 'components', 'server', 'next.config.js', 'package.json', 'tsconfig.json'];

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
  url: string;
  pid: number;
  /** everything the server printed, for failure messages */
  output: () => string;
  stop: () => Promise<void>;
  /** SIGTERM without waiting: for a signal handler on the way out (the server stops its watcher and exits) */
  stopSync: () => void;
}

export async function startServer(extraArgs: string[] = [], fixedPort?: number): Promise<Served> {
  const port = fixedPort ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(port), ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
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
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid!, output: () => out, stop, stopSync };
}
