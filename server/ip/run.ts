// The one door for processes. argv arrays only, never a shell; an allow-list of binaries; a timeout;
// a non-zero exit becomes a CommandError that carries the program's own message (the kernel's words).
import 'server-only';
import { readdirSync, readFileSync } from 'node:fs';
import { execa, execaSync } from 'execa';

export const ALLOWED_BINARIES = ['ip', 'nsenter', 'ping', 'bridge'] as const;
export type AllowedBinary = (typeof ALLOWED_BINARIES)[number];
/** The one form xargs may take (server/ip/netns.ts bulkArgv): nsenter per NUL-terminated path read from stdin. */
const XARGS_PREFIX = ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--'];

export interface RunOptions {
  /** milliseconds before the process is killed; default 10 s */
  timeoutMs?: number;
  /** written to stdin (e.g. an `ip -batch -` script) */
  input?: string;
}

export interface RunResult {
  argv: string[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class CommandError extends Error {
  readonly argv: string[];
  readonly stderr: string;
  readonly stdout: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  constructor(argv: string[], stderr: string, stdout: string, exitCode: number | null, timedOut: boolean) {
    const msg =
      stderr.trim() || (timedOut ? `timed out: ${argv.join(' ')}` : `exit code ${exitCode}: ${argv.join(' ')}`);
    super(msg);
    this.name = 'CommandError';
    this.argv = argv;
    this.stderr = stderr;
    this.stdout = stdout;
    this.exitCode = exitCode;
    this.timedOut = timedOut;
  }
}

export type Runner = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

/** Streams output lines of a long-running process (ip monitor, ping). */
export interface StreamHandle {
  pid: number | undefined;
  stop(): void;
  done: Promise<{ exitCode: number | null; stderr: string; timedOut?: boolean }>;
}

function checkArgv(argv: string[]): void {
  if (argv.length === 0) throw new Error('empty argv');
  const bin = argv[0];
  // xargs only as the bulk reader runs it, and what it runs only from the list (never nsenter or xargs again)
  if (bin === 'xargs') {
    const inner = argv[XARGS_PREFIX.length];
    if (
      !XARGS_PREFIX.every((a, i) => argv[i] === a) ||
      !inner ||
      inner === 'nsenter' ||
      !(ALLOWED_BINARIES as readonly string[]).includes(inner)
    ) {
      throw new Error(
        `xargs may only run: ${XARGS_PREFIX.join(' ')} ${ALLOWED_BINARIES.filter((b) => b !== 'nsenter').join('|')} …`,
      );
    }
  } else if (!(ALLOWED_BINARIES as readonly string[]).includes(bin)) throw new Error(`binary not allowed: ${bin}`);
  for (const a of argv) {
    if (typeof a !== 'string') throw new Error('argv must be strings');
    if (a.includes('\0')) throw new Error('argv may not contain NUL bytes');
  }
  // nsenter may only run allowed binaries inside the namespace it enters
  if (bin === 'nsenter') {
    const inner = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
    if (inner < 0 || !(ALLOWED_BINARIES as readonly string[]).includes(argv[inner]) || argv[inner] === 'nsenter') {
      throw new Error(`nsenter may only run ${ALLOWED_BINARIES.join(', ')}`);
    }
  }
}

/**
 * Pids of the processes run() and stream() have started and that have not ended yet. Some of them run
 * inside other namespaces (nsenter … ip), where namespace discovery would otherwise count them as holders.
 */
export const runningChildren = new Set<number>();

function track(child: { pid?: number; then: PromiseLike<unknown>['then'] }): void {
  const pid = child.pid;
  if (pid === undefined) return;
  runningChildren.add(pid);
  child.then(
    () => runningChildren.delete(pid),
    () => runningChildren.delete(pid),
  );
}

/** Write `input` to a child's stdin and close it (straight to the pipe: cheaper than execa's `input`). */
function feed(stdin: NodeJS.WritableStream | null, input: string | undefined): void {
  if (input === undefined || !stdin) return;
  stdin.on('error', () => {}); // EPIPE from a program that exited without reading: its exit says why
  stdin.end(input);
}

export const run: Runner = async (argv, opts = {}) => {
  checkArgv(argv);
  // Spawning is most of what a re-read costs the server (the watcher's CPU per event): no exit hook per
  // process (`cleanup`: these end within their timeout anyway), and the input written straight to stdin
  // rather than through execa's input pipeline — together about 2 ms of CPU per run here.
  const child = execa(argv[0], argv.slice(1), {
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    timeout: opts.timeoutMs ?? 10_000,
    reject: false,
    cleanup: false,
    stripFinalNewline: false,
    env: { LC_ALL: 'C' },
    extendEnv: true,
  });
  track(child);
  feed(child.stdin, opts.input);
  const r = await child;
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  if (r.timedOut || r.exitCode !== 0 || r.failed) {
    throw new CommandError(
      argv,
      stderr || (r.failed && !r.exitCode ? String(r.shortMessage ?? '') : ''),
      stdout,
      r.exitCode ?? null,
      !!r.timedOut,
    );
  }
  return { argv, stdout, stderr, exitCode: 0 };
};

/**
 * Synchronous run, for what must happen inside a process 'exit' handler (removing a scratch namespace
 * on the way out), where nothing asynchronous runs any more. Same allow-list; returns whether it exited 0.
 */
export function runSync(argv: string[], timeoutMs = 5000): boolean {
  checkArgv(argv);
  const r = execaSync(argv[0], argv.slice(1), {
    stdin: 'ignore',
    timeout: timeoutMs,
    reject: false,
    env: { LC_ALL: 'C' },
    extendEnv: true,
  });
  return !r.failed && r.exitCode === 0;
}

export interface StreamOptions {
  /** milliseconds before the process is killed (then `done` resolves with timedOut) */
  timeoutMs?: number;
  /** written to stdin, which is then closed; without it stdin is /dev/null */
  input?: string;
  /**
   * The process gets a process group of its own, and a timeout or stop() ends the whole group: for a
   * process that starts others (the bulk reader's xargs of nsenter per namespace), whose children would otherwise
   * outlive it, keep its stdout open and leave `done` waiting (an `ip` stuck on the rtnl lock).
   */
  group?: boolean;
}

/** Pids of the live (not zombie) members of process group `pgid`, from /proc. */
export function liveGroupMembers(pgid: number, proc = '/proc'): number[] {
  const out: number[] = [];
  // (/proc at run time, not a file of the build: the tracer is told not to follow it)
  for (const d of readdirSync(/* turbopackIgnore: true */ proc)) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")"
      const stat = readFileSync(/* turbopackIgnore: true */ `${proc}/${d}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') out.push(Number(d));
    } catch {
      /* ended while we looked */
    }
  }
  return out;
}

/**
 * After a group was killed, its leader's exit does not mean its members are gone: a SIGKILLed process
 * still runs its exit path, and one forked as the signal went out gets it late. Wait (bounded) until
 * none is left, killing again, so a caller told "done" never races a member still holding a lock.
 */
async function reapGroup(pgid: number, kill: () => void, limitMs = 5000): Promise<void> {
  const until = Date.now() + limitMs;
  while (liveGroupMembers(pgid).length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    if (liveGroupMembers(pgid).length) kill();
  }
}

/** Starts a process and hands each stdout line to onLine as it arrives. */
export type Streamer = (argv: string[], onLine: (line: string) => void, opts?: StreamOptions) => StreamHandle;

/** Start a process (long-running, or one whose output is worth using while it runs) and hand each stdout line to onLine. */
export const stream: Streamer = (argv, onLine, opts = {}) => {
  checkArgv(argv);
  const child = execa(argv[0], argv.slice(1), {
    reject: false,
    timeout: opts.group ? undefined : opts.timeoutMs,
    detached: !!opts.group,
    env: { LC_ALL: 'C' },
    buffer: { stdout: false, stderr: true },
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
  });
  track(child);
  feed(child.stdin, opts.input);
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal); // the group this process leads: it and what it started
    } catch {
      /* already gone */
    }
  };
  let groupTimedOut = false;
  let groupKilled = false;
  const timer =
    opts.group && opts.timeoutMs !== undefined
      ? setTimeout(() => {
          groupTimedOut = true;
          groupKilled = true;
          killGroup('SIGKILL');
        }, opts.timeoutMs)
      : null;
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    rest += chunk;
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, i);
      rest = rest.slice(i + 1);
      onLine(line);
    }
  });
  const done = child.then(async (r) => {
    if (timer) clearTimeout(timer);
    if (rest) onLine(rest);
    if (groupKilled && child.pid) await reapGroup(child.pid, () => killGroup('SIGKILL'));
    return { exitCode: r.exitCode ?? null, stderr: String(r.stderr ?? ''), timedOut: !!r.timedOut || groupTimedOut };
  });
  return {
    pid: child.pid,
    stop: () => {
      if (opts.group) {
        groupKilled = true;
        killGroup('SIGTERM');
      } else child.kill('SIGTERM');
    },
    done,
  };
};
