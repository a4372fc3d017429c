// fleet.*: the hub's view over its agents (nodes, a node's snapshot and live feed, search, the overlay),
// and fleet.fdb, which every server answers for its own host (the hub asks its agents).
import 'server-only';
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { checkAccess, fieldError, publicProcedure, router } from './trpc';
import { hubFleet, UnknownNodeError, type Fleet } from '../fleet/fleet';
import { readFdb } from '../fleet/fdb';
import { hostWatcher } from '../host/watch';
import { readHost } from '../host/read';
import type { WatchEvent } from '../../shared/host/types';
import type { AgentClient } from '../fleet/agent';
import { relay } from '../fleet/forward';
import { onWire } from './wire';

export const NodeName = z
  .string()
  .min(1, 'node: give a node name')
  .max(253, 'node: at most 253 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:[\]-]*$/, "node: only letters, digits, '.', '_', ':', '-'");
const NodeInput = z.object({ node: NodeName }).strict();

/**
 * `{ node }` naming a node of this hub's fleet: the name's form first, then that the fleet has it. The edit
 * procedures check it in their handler (nodeAgent in edit.ts), not in `.input()`, so the refusal's message is
 * these words (`node: no node named …`) rather than tRPC's JSON of the issues; `data.issues` names `node` either way.
 */
export const KnownNodeInput = z.object({
  node: NodeName.pipe(
    z.string().superRefine((name, ctx) => {
      const f = hubFleet();
      if (!f)
        ctx.addIssue({
          code: 'custom',
          message:
            'this server is not a hub (start it with --agents URL,… or --kubernetes); leave node out to act on this host',
        });
      else if (!f.list().some((a) => a.name === name)) {
        ctx.addIssue({
          code: 'custom',
          message: `no node named ${JSON.stringify(name)} in the fleet (known: ${
            f
              .list()
              .map((a) => a.name)
              .join(', ') || 'none'
          })`,
        });
      }
    }),
  ),
});

export function requireFleet(): Fleet {
  const f = hubFleet();
  if (!f)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: 'this server is not a hub (start it with --agents URL,… or --kubernetes)',
    });
  return f;
}

/**
 * The agent of a node named in a request: BAD_REQUEST naming `node` (and the known ones) when this server is
 * not a hub or has no such node, as for every other field.
 */
export function agentOf(node: string): AgentClient {
  const r = KnownNodeInput.safeParse({ node });
  if (!r.success) throw fieldError(r.error);
  try {
    return requireFleet().get(node);
  } catch (e) {
    // gone between the check and here (a rediscovery)
    if (e instanceof UnknownNodeError) throw new TRPCError({ code: 'BAD_REQUEST', message: `node: ${e.message}` });
    throw e;
  }
}

/** A node's live feed as host.watch shapes it: its current snapshot, then the agent's events as they come. */
async function* watchNode(agent: AgentClient, signal?: AbortSignal): AsyncGenerator<WatchEvent> {
  const queue: WatchEvent[] = [];
  let wake: (() => void) | null = null;
  const off = agent.subscribe((e) => {
    if (e.type === 'snapshot') queue.length = 0; // a fresh snapshot holds every earlier diff
    queue.push(e);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    if (agent.snapshot) yield { type: 'snapshot', snapshot: agent.snapshot };
    while (!signal?.aborted) {
      if (!queue.length) await new Promise<void>((r) => (wake = r));
      wake = null;
      while (queue.length) yield queue.shift()!;
    }
  } finally {
    off();
    signal?.removeEventListener('abort', onAbort);
  }
}

export const fleetRouter = router({
  /** whether this server is a hub (the page shows the fleet then) */
  info: publicProcedure.query(() => {
    const f = hubFleet();
    return { hub: f !== null, discoveryError: f?.discoveryError ?? null };
  }),
  nodes: publicProcedure.query(() => requireFleet().nodes()),
  snapshot: publicProcedure.input(NodeInput).query(async ({ input }) => {
    const a = agentOf(input.node);
    if (a.snapshot) return a.snapshot;
    try {
      return await a.readSnapshot();
    } catch (e) {
      throw relay(a, e);
    }
  }),
  /** the node's link kinds and versions (the edit forms of a node's graph ask its agent, not the hub) */
  capabilities: publicProcedure.input(NodeInput).query(async ({ input }) => {
    const a = agentOf(input.node);
    try {
      return await a.capabilities();
    } catch (e) {
      throw relay(a, e);
    }
  }),
  /** as host.watch, tracked (a big snapshot in parts); a reconnect (lastEventId) starts over with the node's current snapshot */
  watch: publicProcedure
    .input(z.object({ node: NodeName, lastEventId: z.string().max(64).nullish() }).strict())
    .subscription(async function* ({ input, signal }) {
      let seq = 0;
      for await (const e of watchNode(agentOf(input.node), signal)) yield* onWire(`${input.node}-${++seq}`, e);
    }),
  search: publicProcedure
    .input(
      z
        .object({ q: z.string().min(1, 'q: give something to look for').max(200, 'q: at most 200 characters') })
        .strict(),
    )
    .query(({ input }) => requireFleet().search(input.q)),
  overlay: publicProcedure.query(() => requireFleet().overlay()),
  /** this host's vxlan FDB entries with a remote dst (the hub asks each agent; needs the token when one is set) */
  fdb: publicProcedure.query(async ({ ctx }) => {
    checkAccess(ctx, { changes: false });
    const cur = hostWatcher(ctx.run).current()?.event;
    const snap = cur?.type === 'snapshot' ? cur.snapshot : await readHost(ctx.run);
    return readFdb(ctx.run, snap);
  }),
});
