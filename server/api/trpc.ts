// tRPC init and the request context. Plain JSON (no transformer) so curl can drive the API.
import { initTRPC, TRPCError } from '@trpc/server';
import { run, stream, type Runner, type Streamer } from '../ip/run';
import { loadConfig, type ServerConfig } from '../config';

export interface Context {
  run: Runner;
  /** long-running processes (ping): the same door, so tests can hand a recording one */
  stream?: Streamer;
  config: ServerConfig;
  headers: Headers;
  /** who asked, for the audit log */
  remote: string;
}

export function createContext(req: Request, connectionParams?: Record<string, string | undefined> | null): Context {
  let h = req.headers;
  // EventSource (SSE subscriptions) cannot send headers: the browser passes the token in connectionParams
  const token = connectionParams?.token;
  if (token && !h.has('authorization')) {
    h = new Headers(h);
    h.set('authorization', `Bearer ${token}`);
  }
  return {
    run,
    stream,
    config: loadConfig(),
    headers: h,
    remote: h.get('x-forwarded-for') ?? h.get('x-real-ip') ?? 'local',
  };
}

const t = initTRPC.context<Context>().create({
  // keep-alive pings let proxies keep, and clients detect dead, live connections
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error }) {
    // zod issues reach the client as { path, message } so forms can name the field
    const cause = error.cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined;
    return {
      ...shape,
      data: {
        ...shape.data,
        issues: cause?.issues?.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) ?? null,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/** Same-origin check for state-changing requests: a page elsewhere must not drive a root server. */
export function checkOrigin(headers: Headers): string | null {
  const origin = headers.get('origin');
  const host = headers.get('host');
  if (!origin) return null; // curl and other non-browser clients send none
  try {
    const o = new URL(origin);
    if (host && o.host === host) return null;
  } catch {
    /* fallthrough */
  }
  return `cross-origin request refused (Origin ${origin}, Host ${host ?? 'none'})`;
}

/**
 * The one access check for anything that acts for a client: read-only (only when the request would change
 * the host), same-origin, and the token when one is set.
 */
export function checkAccess(ctx: Context, opts: { changes: boolean }): void {
  if (opts.changes && ctx.config.readOnly) throw new TRPCError({ code: 'FORBIDDEN', message: 'linkscape runs read-only (--read-only): no changes are made' });
  const bad = checkOrigin(ctx.headers);
  if (bad) throw new TRPCError({ code: 'FORBIDDEN', message: bad });
  if (ctx.config.token) {
    const auth = ctx.headers.get('authorization') ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : ctx.headers.get('x-linkscape-token') ?? '';
    if (given !== ctx.config.token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid token is required (Authorization: Bearer TOKEN)' });
  }
}

export const mutationProcedure = t.procedure.use(({ ctx, next }) => {
  checkAccess(ctx, { changes: true });
  return next();
});
