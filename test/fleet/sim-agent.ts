// A simulated agent: a real HTTP server speaking the agent's tRPC API (tRPC's own standalone adapter, so the
// wire format is tRPC's) with a recorded snapshot: host.watch (SSE), host.snapshot, fleet.fdb, edit.applyEdits,
// and the other edit procedures (undo, redo, confirm, revert, history, last, audit, checkpoint, recovery,
// dismissRecovery) with the real input schemas, answering what a test scripts in `answers` (a thrown
// TRPCError is the agent's error). It checks the agent token as the real server does (Authorization: Bearer).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC, TRPCError, tracked } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { z } from 'zod';
import { AuditInput, CheckpointInput, HistoryStepInput } from '../../shared/edits/schema';
import type { HostDiff, HostSnapshot } from '../../shared/host/types';
import type { FdbEntry } from '../../shared/fleet/types';

export interface SimAgent {
  url: string;
  port: number;
  snapshot: HostSnapshot;
  fdb: FdbEntry[];
  /** the edit requests it was sent */
  edits: unknown[];
  /** every other edit.* call: the procedure and its input as it arrived */
  calls: { proc: string; input: unknown }[];
  /** what edit.PROC answers (or throws); a procedure without one answers NOT_IMPLEMENTED */
  answers: Partial<Record<SimEditProc, (input: unknown) => unknown>>;
  /** push a diff to every live subscriber */
  push(diff: HostDiff): void;
  /** stop listening and drop every connection (the node goes away) */
  close(): Promise<void>;
  /** listen again on the same port (the node comes back) */
  reopen(): Promise<void>;
}

export type SimEditProc =
  'undo' | 'redo' | 'confirm' | 'revert' | 'history' | 'last' | 'audit' | 'checkpoint' | 'recovery' | 'dismissRecovery';

export async function startSimAgent(o: {
  snapshot: HostSnapshot;
  fdb?: FdbEntry[];
  token: string;
  port?: number;
}): Promise<SimAgent> {
  const t = initTRPC.context<{ auth: string | null }>().create({
    sse: { ping: { enabled: true, intervalMs: 1000 } },
    // as server/api/trpc.ts: zod issues reach the client as { path, message }
    errorFormatter({ shape, error }) {
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
  const authed = t.procedure.use(({ ctx, next }) => {
    if (ctx.auth !== `Bearer ${o.token}`)
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid token is required (Authorization: Bearer TOKEN)' });
    return next();
  });
  const subs = new Set<(d: HostDiff) => void>();
  let seq = 0;
  const sim: SimAgent = {
    url: '',
    port: 0,
    snapshot: o.snapshot,
    fdb: o.fdb ?? [],
    edits: [],
    calls: [],
    answers: {},
    push: (d) => {
      for (const fn of subs) fn(d);
    },
    close: async () => undefined,
    reopen: async () => undefined,
  };
  const answer =
    (proc: SimEditProc) =>
    ({ input }: { input: unknown }) => {
      sim.calls.push({ proc, input });
      const fn = sim.answers[proc];
      if (!fn) throw new TRPCError({ code: 'NOT_IMPLEMENTED', message: `sim agent: no answer for edit.${proc}` });
      return fn(input);
    };
  const NoInput = z.undefined();
  const router = t.router({
    host: t.router({
      snapshot: authed.query(() => sim.snapshot),
      watch: authed.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({
        signal,
      }) {
        const queue: HostDiff[] = [];
        let wake: (() => void) | null = null;
        const fn = (d: HostDiff) => {
          queue.push(d);
          wake?.();
        };
        subs.add(fn);
        signal?.addEventListener('abort', () => wake?.());
        try {
          yield tracked(`sim-${++seq}`, { type: 'snapshot' as const, snapshot: sim.snapshot });
          while (!signal?.aborted) {
            if (!queue.length) await new Promise<void>((r) => (wake = r));
            while (queue.length) yield tracked(`sim-${++seq}`, { type: 'diff' as const, diff: queue.shift()! });
          }
        } finally {
          subs.delete(fn);
        }
      }),
    }),
    fleet: t.router({ fdb: authed.query(() => ({ entries: sim.fdb, errors: [] })) }),
    edit: t.router({
      applyEdits: authed
        .input(
          z
            .object({
              edits: z.array(z.unknown()).min(1),
              dryRun: z.boolean().optional(),
              force: z.boolean().optional(),
            })
            .strict(),
        )
        .mutation(({ input }) => {
          sim.edits.push(input);
          return {
            dryRun: true as const,
            ok: true,
            plan: {
              steps: [{ argv: ['ip', 'netns', 'add', 'x'], undo: null, description: 'sim' }],
              warnings: [],
              guards: [],
              createsHostLinks: [],
            },
            shell: '',
          };
        }),
      undo: authed.input(HistoryStepInput).mutation(answer('undo')),
      redo: authed.input(HistoryStepInput).mutation(answer('redo')),
      confirm: authed.input(CheckpointInput).mutation(answer('confirm')),
      revert: authed.input(CheckpointInput).mutation(answer('revert')),
      dismissRecovery: authed.input(CheckpointInput).mutation(answer('dismissRecovery')),
      history: authed.input(NoInput).query(answer('history')),
      last: authed.input(NoInput).query(answer('last')),
      checkpoint: authed.input(NoInput).query(answer('checkpoint')),
      recovery: authed.input(NoInput).query(answer('recovery')),
      audit: authed.input(AuditInput).query(answer('audit')),
    }),
  });
  const handler = createHTTPHandler({
    router,
    basePath: '/api/trpc/',
    createContext: ({ req }) => ({ auth: req.headers.authorization ?? null }),
  });
  let server = http.createServer(handler);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  sim.port = await listen(o.port ?? 0);
  sim.url = `http://127.0.0.1:${sim.port}`;
  sim.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  sim.reopen = async () => {
    server = http.createServer(handler);
    await listen(sim.port);
  };
  return sim;
}
