// Throwaway network namespaces for kernel-tier tests. Everything is made with a unique prefix
// inside namespaces the test created, and removed in cleanup(), also on failure.
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';

export class Lab {
  readonly prefix: string;
  private namespaces: string[] = [];
  private holders: ChildProcess[] = [];

  constructor(tag = 'k') {
    this.prefix = `ls${tag}${process.pid % 100000}`;
  }

  /** `ip netns add` a namespace named `${prefix}-${suffix}`, with lo up; returns its name. */
  async netns(suffix: string): Promise<string> {
    const name = `${this.prefix}-${suffix}`;
    await execa('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await execa('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** `count` namespaces `${prefix}-${suffix}0` … with one `ip -batch` (lo left down); returns their names. */
  async many(count: number, suffix = 'm'): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${this.prefix}-${suffix}${i}`);
    this.namespaces.push(...names);
    await execa('ip', ['-batch', '-'], { input: names.map((n) => `netns add ${n}\n`).join('') });
    return names;
  }

  /** An unnamed namespace held by a `sleep` process (unshare -n); returns the pid. */
  async unnamed(): Promise<number> {
    const child = spawn('unshare', ['-n', 'sleep', '600'], { stdio: 'ignore' });
    this.holders.push(child);
    if (!child.pid) throw new Error('unshare failed');
    // wait until the child is inside its own namespace
    for (let i = 0; i < 100; i++) {
      const self = (await execa('readlink', ['/proc/self/ns/net'])).stdout;
      const its = await execa('readlink', [`/proc/${child.pid}/ns/net`], { reject: false });
      if (its.exitCode === 0 && its.stdout !== self) return child.pid;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('unshare child never entered a new namespace');
  }

  /** Run `ip ARGS` (in namespace ns when given). Throws with ip's message on failure. */
  async ip(ns: string | null, ...args: string[]): Promise<string> {
    const argv = ns ? ['-n', ns, ...args] : args;
    return (await execa('ip', argv)).stdout;
  }

  async ipJson<T = unknown>(ns: string | null, ...args: string[]): Promise<T> {
    const out = await this.ip(ns, '-j', ...args);
    return (out.trim() ? JSON.parse(out) : []) as T;
  }

  async cleanup(): Promise<void> {
    for (const c of this.holders) c.kill('SIGKILL');
    const names = this.namespaces.reverse();
    if (names.length)
      await execa('ip', ['-force', '-batch', '-'], {
        input: names.map((n) => `netns del ${n}\n`).join(''),
        reject: false,
      });
    this.namespaces = [];
    this.holders = [];
  }
}

export async function inodeOf(path: string): Promise<string> {
  return (await execa('stat', ['-L', '-c', '%i', path])).stdout.trim();
}
