// tRPC init and the request context. Plain JSON (no transformer) so curl can drive the API.
import 'server-only';
import { initTRPC, TRPCError } from '@trpc/server';
import type { ZodError } from 'zod';
import { run, stream, type Runner, type Streamer } from '../ip/run';
import { loadConfig, type ServerConfig } from '../config';

export interface Context {
  run: Runner;
  /** long-running processes (ping): the same door, so tests can hand a recording one */
  stream?: Streamer;
  config: ServerConfig;
  headers: Headers;
  /** who asked, for the audit log: the socket's peer address, as scripts/gate.mjs saw it */
  remote: string;
  /** X-Forwarded-For as the client sent it; only with --trust-proxy, else null */
  forwardedFor?: string | null;
  /** null when the request passed the gate (scripts/serve.mjs), else why it is refused; in-process callers (createCaller) have no gate to pass */
  gateProblem?: string | null;
}

/** where scripts/serve.mjs keeps the per-process secret it puts in x-linkscape-gate (scripts/gate.mjs) */
export const GATE_SECRET_KEY = Symbol.for('linkscape.gate');

/**
 * The context trusts the gate's x-linkscape-* headers only when they carry this process's secret (serve.mjs
 * deletes any a client sends). Without it (e.g. `next start`, which has no gate) every procedure refuses.
 */
export function createContext(req: Request): Context {
  const h = req.headers;
  const secret = (globalThis as Record<symbol, unknown>)[GATE_SECRET_KEY];
  const passed = typeof secret === 'string' && secret.length > 0 && h.get('x-linkscape-gate') === secret;
  const config = loadConfig();
  return {
    run,
    stream,
    config,
    headers: h,
    remote: passed ? (h.get('x-linkscape-peer') ?? 'unknown') : 'unknown',
    forwardedFor: passed && config.trustProxy ? h.get('x-linkscape-forwarded-for') : null,
    gateProblem: passed
      ? null
      : "this request did not come through linkscape's gate (start the server with scripts/serve.mjs; `next start` has none)",
  };
}

const t = initTRPC.context<Context>().create({
  // keep-alive pings let proxies keep, and clients detect dead, live connections
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error }) {
    // zod issues reach the client as { path, message } so forms can name the field
    const cause = error.cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined;
    // an input tRPC's own check refused: its message is the issues as JSON; say them as fieldError does
    const raw = error.code === 'BAD_REQUEST' && cause?.issues?.length && shape.message.trimStart().startsWith('[');
    return {
      ...shape,
      message: raw
        ? cause.issues!.map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`).join('; ')
        : shape.message,
      data: {
        ...shape.data,
        issues: cause?.issues?.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) ?? null,
      },
    };
  },
});

export const router = t.router;

/** A refused input as BAD_REQUEST: the message names each field and its rule, `data.issues` lists them. */
export function fieldError(e: ZodError): TRPCError {
  return new TRPCError({
    code: 'BAD_REQUEST',
    message: e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    cause: e,
  });
}

/** Every procedure, reads and streams included, runs only behind the gate (host, origin, token checked there). */
export const publicProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.gateProblem) throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.gateProblem });
  return next();
});

/** Read-only refuses anything that would change the host. Host, origin and token: scripts/gate.mjs. */
export function checkAccess(ctx: Context, opts: { changes: boolean }): void {
  if (ctx.gateProblem) throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.gateProblem });
  if (opts.changes && ctx.config.readOnly)
    throw new TRPCError({ code: 'FORBIDDEN', message: 'linkscape runs read-only (--read-only): no changes are made' });
}

export const mutationProcedure = publicProcedure.use(({ ctx, next }) => {
  checkAccess(ctx, { changes: true });
  return next();
});
