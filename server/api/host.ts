import 'server-only';
import { z } from 'zod';
import { publicProcedure, router } from './trpc';
import { readHost } from '../host/read';
import { getCapabilities } from '../host/capabilities';
import { hostWatcher, watchHost } from '../host/watch';
import { onWire } from './wire';

export const hostRouter = router({
  /**
   * The whole host. While the page (or any host.watch subscriber) keeps the watcher running: its live
   * state, once the re-reads pending at the call are done (HostWatcher.currentSettled says what that
   * guarantees). Otherwise, or with `fresh: true`, a full read.
   */
  snapshot: publicProcedure
    .input(
      z
        .object({ fresh: z.boolean({ error: 'fresh must be true or false' }).optional() })
        .strict()
        .optional(),
    )
    .query(
      async ({ ctx, input }) => (!input?.fresh && (await hostWatcher(ctx.run).currentSettled())) || readHost(ctx.run),
    ),
  /**
   * Live: a snapshot first (or the missed diffs, when lastEventId is still buffered), then diffs. SSE. A big
   * snapshot comes in parts (shared/host/parts.ts: SnapshotJoiner joins them).
   */
  watch: publicProcedure
    .input(z.object({ lastEventId: z.string().max(64).nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const item of watchHost(ctx.run, input?.lastEventId ?? null, signal))
        yield* onWire(item.id, item.event);
    }),
  /** link kinds this kernel supports (probed once in a scratch namespace; not in read-only mode), root, versions */
  capabilities: publicProcedure.query(({ ctx }) => getCapabilities(ctx.run, { probe: !ctx.config.readOnly })),
  info: publicProcedure.query(({ ctx }) => ({
    readOnly: ctx.config.readOnly,
    tokenRequired: ctx.config.auth === 'token',
    root: typeof process.getuid === 'function' && process.getuid() === 0,
  })),
});
