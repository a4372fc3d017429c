// edit.*: plan, apply, undo, audit. The procedures only wire requests to server/edits.
//
// The issue calls it `edit.apply`; tRPC reserves `apply` (and `call`, `then`) as procedure names, so it
// is `edit.applyEdits`.
//
// Access rules: `edit.applyEdits` with dryRun runs nothing on the host, so it is allowed in read-only mode
// (a preview and a copyable script are useful there); it still needs same-origin and the token. Every
// other mutation (apply, undo) goes through the full mutation checks: read-only, origin, token.
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { checkAccess, mutationProcedure, publicProcedure, router, type Context } from './trpc';
import { ApplyInput, AuditInput, describeOps, HistoryStepInput } from '../edits/schema';
import { EditSession, GuardError, NothingToUndoError, StaleHistoryError, type CallContext } from '../edits/apply';
import { PlanError } from '../edits/plan';
import { readAudit } from '../edits/audit';
import { namespaceRefs } from '../edits/read';
import { hostWatcher } from '../host/watch';

/** One session per server process: it holds the last applied plan (undo) and the lock. */
export const editSession = new EditSession();

function callContext(ctx: Context): CallContext {
  return { run: ctx.run, auditLog: ctx.config.auditLog, remote: ctx.remote, readOnly: ctx.config.readOnly };
}

/** Origin and token, as mutationProcedure checks them; read-only only when the request would change something. */
export const checkEditAccess = checkAccess;

/** Domain errors → tRPC errors whose `data.issues` name the field (see errorFormatter). */
export function toTrpcError(e: unknown): unknown {
  if (e instanceof ZodError) return new TRPCError({ code: 'BAD_REQUEST', message: e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), cause: e });
  if (e instanceof PlanError) return new TRPCError({ code: 'BAD_REQUEST', message: e.message, cause: e });
  if (e instanceof GuardError) return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  if (e instanceof NothingToUndoError || e instanceof StaleHistoryError) return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  return e;
}

export const editRouter = router({
  applyEdits: publicProcedure.input(ApplyInput).mutation(async ({ ctx, input }) => {
    checkEditAccess(ctx, { changes: input.dryRun !== true });
    try {
      const r = await editSession.apply(callContext(ctx), input);
      // some changes raise no netlink event (VFs of a PF that is down, sysfs writes): look again anyway
      if (!r.dryRun) hostWatcher(ctx.run).reread(namespaceRefs(input.edits));
      return r;
    } catch (e) {
      throw toTrpcError(e);
    }
  }),
  undo: mutationProcedure.input(HistoryStepInput).mutation(async ({ ctx, input }) => {
    try {
      const r = await editSession.undo(callContext(ctx), input?.id);
      hostWatcher(ctx.run).reread(null);
      return r;
    } catch (e) {
      throw toTrpcError(e);
    }
  }),
  redo: mutationProcedure.input(HistoryStepInput).mutation(async ({ ctx, input }) => {
    try {
      const r = await editSession.redo(callContext(ctx), input?.id);
      hostWatcher(ctx.run).reread(null);
      return r;
    } catch (e) {
      throw toTrpcError(e);
    }
  }),
  /** what undo and redo would do, newest first */
  history: publicProcedure.query(() => editSession.historyView()),
  /** what undo would revert, or null */
  last: publicProcedure.query(() => editSession.lastApplied()),
  /** the last `limit` (default 50) audit entries, oldest first; needs the token when one is set */
  audit: publicProcedure.input(AuditInput).query(async ({ ctx, input }) => {
    checkEditAccess(ctx, { changes: false });
    return readAudit(ctx.config.auditLog, input?.limit ?? 50);
  }),
  /** every op with a title, help text, its undo and guard rule, and its JSON Schema */
  describe: publicProcedure.query(() => describeOps()),
});
