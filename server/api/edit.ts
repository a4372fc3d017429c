// edit.*: plan, apply, undo, audit. The procedures only wire requests to server/edits.
//
// The issue calls it `edit.apply`; tRPC reserves `apply` (and `call`, `then`) as procedure names, so it
// is `edit.applyEdits`.
//
// Access rules: `edit.applyEdits` with dryRun runs nothing on the host, so it is allowed in read-only mode
// (a preview and a copyable script are useful there); it still needs same-origin and the token. Every
// other mutation (apply, undo) goes through the full mutation checks: read-only, origin, token.
import 'server-only';
import { TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import { checkAccess, fieldError, mutationProcedure, publicProcedure, router, type Context } from './trpc';
import { ApplyInput, AuditInput, CheckpointInput, describeOps, HistoryStepInput } from '../../shared/edits/schema';
import {
  BusyError,
  EditSession,
  GuardError,
  PlanChangedError,
  NoSuchCheckpointError,
  NothingToUndoError,
  StaleHistoryError,
  type CallContext,
} from '../edits/apply';
import { PlanError } from '../edits/plan';
import { appendAudit, readAudit } from '../edits/audit';
import { dismissRecovery, recoveryReport } from '../edits/recover';
import { namespaceRefs } from '../edits/read';
import { hostWatcher } from '../host/watch';
import { agentOf, NodeName } from './fleet';
import {
  forwardChange,
  forwardEdits,
  forwardRead,
  isForwardedError,
  type ForwardContext,
  type ForwardedChange,
} from '../fleet/forward';

/** One session per server process: it holds the last applied plan (undo) and the lock. */
export const editSession = new EditSession();

// scripts/serve.mjs, on SIGTERM, lets a running plan finish (or roll back) and reverts one awaiting confirmation
(globalThis as Record<symbol, unknown>)[Symbol.for('linkscape.edits')] = {
  busy: () => editSession.busy(),
  drain: (signal: string) => editSession.drain(signal),
};

function callContext(ctx: Context): CallContext {
  return {
    run: ctx.run,
    auditLog: ctx.config.auditLog,
    journal: ctx.config.journal,
    remote: ctx.remote,
    forwardedFor: ctx.forwardedFor ?? null,
    readOnly: ctx.config.readOnly,
  };
}

/**
 * A change refused before or while planning (no gate, read-only, validation, busy) goes to the audit log
 * too; guard refusals are logged by the session itself. Runs before `.input()`, so zod refusals are seen.
 */
const auditedMutation = publicProcedure.use(async ({ ctx, next, path, getRawInput }) => {
  const result = await next();
  // a change forwarded to a node's agent is audited by server/fleet/forward.ts, refused or not
  if (!result.ok && result.error.code !== 'PRECONDITION_FAILED' && !isForwardedError(result.error)) {
    const raw = (await getRawInput().catch(() => null)) as {
      edits?: unknown;
      dryRun?: unknown;
      force?: unknown;
      node?: unknown;
    } | null;
    if (raw?.dryRun === true) return result; // a preview changes nothing: not a refused change
    await appendAudit(ctx.config.auditLog, {
      when: new Date().toISOString(),
      remote: ctx.remote,
      forwardedFor: ctx.forwardedFor ?? null,
      action: 'refused',
      dryRun: raw?.dryRun === true,
      force: raw?.force === true,
      edits: Array.isArray(raw?.edits) ? raw.edits.slice(0, 200) : null,
      plan: [],
      outcome: {
        ok: false,
        refused: result.error.code,
        reason: result.error.message,
        procedure: path,
        ...(typeof raw?.node === 'string' ? { node: raw.node.slice(0, 253) } : {}),
      },
    }).catch((e) =>
      console.error(
        `linkscape: could not write the audit log ${ctx.config.auditLog}: ${e instanceof Error ? e.message : e}`,
      ),
    );
  }
  return result;
});
/** Origin and token, as mutationProcedure checks them; read-only only when the request would change something. */
export const checkEditAccess = checkAccess;

/** Domain errors → tRPC errors whose `data.issues` name the field (see errorFormatter). */
export function toTrpcError(e: unknown): unknown {
  if (e instanceof ZodError) return fieldError(e);
  if (e instanceof PlanError) return new TRPCError({ code: 'BAD_REQUEST', message: e.message, cause: e });
  if (e instanceof GuardError) return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  if (e instanceof NothingToUndoError || e instanceof StaleHistoryError)
    return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  if (e instanceof NoSuchCheckpointError)
    return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  if (e instanceof BusyError) return new TRPCError({ code: 'CONFLICT', message: e.message, cause: e });
  if (e instanceof PlanChangedError) return new TRPCError({ code: 'CONFLICT', message: e.message, cause: e });
  return e;
}

/** A change to the host from the edit session: access checked, kernel errors as tRPC errors, the host re-read after. */
async function changeHost<T>(ctx: Context, act: (c: CallContext) => Promise<T>, reread = true): Promise<T> {
  checkEditAccess(ctx, { changes: true });
  try {
    const r = await act(callContext(ctx));
    if (reread) hostWatcher(ctx.run).reread(null);
    return r;
  } catch (e) {
    throw toTrpcError(e);
  }
}

// On a hub every procedure below that acts on or reads a host's edit state takes `node` (a node of the fleet):
// the same request without it goes to that node's agent (server/fleet/forward.ts), whose answer or error
// (code, message, field issues) comes back as it is. Without `node`, this server's own host.
const onNode = { node: NodeName.optional() };
const NodeOnly = z.object(onNode).strict().optional();

/** the agent of a node of the fleet; any other name (or any name on a server that is not a hub) is a BAD_REQUEST naming `node` */

function forwardContext(ctx: Context): ForwardContext {
  return { auditLog: ctx.config.auditLog, remote: ctx.remote, forwardedFor: ctx.forwardedFor ?? null };
}

/** a change on a node: this hub's access rules first, then the agent's (it has its own read-only, guards, lock) */
function changeNode<K extends ForwardedChange>(ctx: Context, name: string, proc: K, input: { id?: string | number }) {
  checkEditAccess(ctx, { changes: true });
  return forwardChange(forwardContext(ctx), agentOf(name), proc, input);
}

export const editRouter = router({
  /** with `node` (a hub): forwarded to that node's agent, see server/fleet/forward.ts */
  applyEdits: auditedMutation.input(ApplyInput.extend(onNode)).mutation(async ({ ctx, input: { node, ...input } }) => {
    checkEditAccess(ctx, { changes: input.dryRun !== true });
    if (node !== undefined) return forwardEdits(forwardContext(ctx), agentOf(node), input);
    try {
      const r = await editSession.apply(callContext(ctx), input);
      // some changes raise no netlink event (VFs of a PF that is down, sysfs writes): look again anyway
      if (!r.dryRun) hostWatcher(ctx.run).reread(namespaceRefs(input.edits));
      return r;
    } catch (e) {
      throw toTrpcError(e);
    }
  }),
  undo: auditedMutation
    .input(HistoryStepInput.unwrap().extend(onNode).optional())
    .mutation(({ ctx, input: { node, ...step } = {} }) =>
      node !== undefined ? changeNode(ctx, node, 'undo', step) : changeHost(ctx, (c) => editSession.undo(c, step.id)),
    ),
  redo: auditedMutation
    .input(HistoryStepInput.unwrap().extend(onNode).optional())
    .mutation(({ ctx, input: { node, ...step } = {} }) =>
      node !== undefined ? changeNode(ctx, node, 'redo', step) : changeHost(ctx, (c) => editSession.redo(c, step.id)),
    ),
  /** keep a plan applied with `checkpoint`: without this within its seconds, the server reverts it */
  confirm: auditedMutation
    .input(CheckpointInput.extend(onNode))
    .mutation(({ ctx, input: { node, ...cp } }) =>
      node !== undefined
        ? changeNode(ctx, node, 'confirm', cp)
        : changeHost(ctx, (c) => editSession.confirm(c, cp.id), false),
    ),
  /** revert a plan applied with `checkpoint` now, without waiting for its time to run out */
  revert: auditedMutation
    .input(CheckpointInput.extend(onNode))
    .mutation(({ ctx, input: { node, ...cp } }) =>
      node !== undefined ? changeNode(ctx, node, 'revert', cp) : changeHost(ctx, (c) => editSession.revert(c, cp.id)),
    ),
  /** the plan waiting for confirmation (or null), and the last one reverted for want of it */
  checkpoint: publicProcedure
    .input(NodeOnly)
    .query(({ input }) =>
      input?.node !== undefined
        ? forwardRead(agentOf(input.node), 'checkpoint', undefined)
        : editSession.checkpoints.status(),
    ),
  /** a plan the last crash left unfinished and the start-up rolled back (null: none, or dismissed) */
  recovery: publicProcedure
    .input(NodeOnly)
    .query(({ input }) =>
      input?.node !== undefined ? forwardRead(agentOf(input.node), 'recovery', undefined) : recoveryReport(),
    ),
  dismissRecovery: mutationProcedure
    .input(CheckpointInput.extend(onNode))
    .mutation(({ input: { node, ...cp } }) =>
      node !== undefined ? forwardRead(agentOf(node), 'dismissRecovery', cp) : { dismissed: dismissRecovery(cp.id) },
    ),
  /** what undo and redo would do, newest first */
  history: publicProcedure
    .input(NodeOnly)
    .query(({ input }) =>
      input?.node !== undefined ? forwardRead(agentOf(input.node), 'history', undefined) : editSession.historyView(),
    ),
  /** what undo would revert, or null */
  last: publicProcedure
    .input(NodeOnly)
    .query(({ input }) =>
      input?.node !== undefined ? forwardRead(agentOf(input.node), 'last', undefined) : editSession.lastApplied(),
    ),
  /** the last `limit` (default 50) audit entries, oldest first; needs the token when one is set (with `node`: that node's log) */
  audit: publicProcedure
    .input(AuditInput.unwrap().extend(onNode).optional())
    .query(async ({ ctx, input: { node, ...rest } = {} }) => {
      checkEditAccess(ctx, { changes: false });
      if (node !== undefined) return forwardRead(agentOf(node), 'audit', rest);
      return readAudit(ctx.config.auditLog, rest.limit ?? 50);
    }),
  /** every op with a title, help text, its undo and guard rule, and its JSON Schema */
  describe: publicProcedure.query(() => describeOps()),
});
