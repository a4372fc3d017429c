// edit.*({ node, … }) on the hub: the same request, without `node`, to that node's agent (which previews,
// guards, applies with rollback and audits it there). Every forwarded change (apply, undo, redo, confirm,
// revert) also gets one line in the hub's audit log: who asked, which node, what, and how it went. Reads
// (history, last, audit, checkpoint, recovery) are relayed and not audited.
import { TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { appendAudit, type AuditEntry } from '../edits/audit';
import type { ApplyInput } from '../../shared/edits/schema';
import {
  AgentTimeoutError,
  type AgentApplyResult,
  type AgentClient,
  type AgentEditCall,
  type AgentEditResults,
} from './agent';

export interface ForwardContext {
  auditLog: string;
  remote: string;
  forwardedFor?: string | null;
}

/** set on the cause of an error the hub relays: it is audited already (edit.ts's refusal audit skips it) */
export const FORWARDED = Symbol.for('linkscape.forwarded');

export function isForwardedError(e: unknown): boolean {
  return e instanceof TRPCError && !!(e.cause as unknown as Record<symbol, unknown> | undefined)?.[FORWARDED];
}

function chain(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e; c instanceof Error && parts.length < 4; c = (c as { cause?: unknown }).cause) {
    if (c.message && !parts.includes(c.message)) parts.push(c.message);
  }
  return parts.join(': ') || String(e);
}

/**
 * The agent's error as the hub's own: same code, same words, same field issues (errorFormatter reads
 * cause.issues). An agent that cannot be reached (refused, reset) is BAD_GATEWAY naming the node; one that does
 * not answer in time is GATEWAY_TIMEOUT, saying for a change that its outcome is unknown.
 */
export function relay(agent: AgentClient, e: unknown): TRPCError {
  if (e instanceof AgentTimeoutError) {
    const message = `node ${agent.name} (${agent.url}) did not answer: ${e.message}`;
    return new TRPCError({
      code: 'GATEWAY_TIMEOUT',
      message,
      cause: Object.assign(new Error(message), { [FORWARDED]: true }),
    });
  }
  const data =
    e instanceof TRPCClientError
      ? ((e.data ?? {}) as { code?: string; issues?: { path: string; message: string }[] | null })
      : {};
  if (e instanceof TRPCClientError && data.code) {
    const cause = Object.assign(new Error(e.message), {
      [FORWARDED]: true,
      // none (null) stays none: the caller sees data.issues exactly as the agent sent it
      ...(data.issues
        ? { issues: data.issues.map((i) => ({ path: i.path ? i.path.split('.') : [], message: i.message })) }
        : {}),
    });
    return new TRPCError({ code: data.code as TRPC_ERROR_CODE_KEY, message: e.message, cause });
  }
  const why = agent.up
    ? ''
    : `, down${agent.lastSeen ? ` since it was last heard at ${new Date(agent.lastSeen).toISOString()}` : ', never heard'}${agent.error ? ` (${agent.error})` : ''}`;
  const message = `node ${agent.name} (${agent.url}) did not answer${why}: ${chain(e)}`;
  return new TRPCError({
    code: 'BAD_GATEWAY',
    message,
    cause: Object.assign(new Error(message), { [FORWARDED]: true }),
  });
}

export async function forwardEdits(
  ctx: ForwardContext,
  agent: AgentClient,
  input: ApplyInput,
): Promise<AgentApplyResult> {
  const base = {
    when: new Date().toISOString(),
    remote: ctx.remote,
    forwardedFor: ctx.forwardedFor ?? null,
    action: 'apply' as const,
    dryRun: input.dryRun === true,
    force: input.force === true,
    edits: input.edits,
  };
  let result: AgentApplyResult;
  try {
    result = await agent.applyEdits(input);
  } catch (e) {
    const err = relay(agent, e);
    await audit(ctx, {
      ...base,
      plan: [],
      outcome: { ok: false, node: agent.name, agent: agent.url, refused: err.code, reason: err.message },
    });
    throw err;
  }
  await audit(ctx, {
    ...base,
    plan: planOf(result),
    outcome: outcomeOf(agent, result, result.dryRun ? { dryRun: true } : {}),
  });
  return result;
}

/** the changes other than apply that edit.* forwards (dismissRecovery changes no host: not audited, as locally) */
export type ForwardedChange = 'undo' | 'redo' | 'confirm' | 'revert';

/** undo, redo, confirm, revert on the node's agent, with the hub's audit line (action as the agent's own) */
export async function forwardChange<K extends ForwardedChange>(
  ctx: ForwardContext,
  agent: AgentClient,
  proc: K,
  input: { id?: string | number } | undefined,
): Promise<AgentEditResults[K]> {
  const base = {
    when: new Date().toISOString(),
    remote: ctx.remote,
    forwardedFor: ctx.forwardedFor ?? null,
    action: proc,
    dryRun: false,
    force: false,
    edits: null,
  };
  const asked =
    input?.id === undefined
      ? {}
      : proc === 'confirm' || proc === 'revert'
        ? { checkpoint: input.id }
        : { expectId: input.id };
  let result: AgentEditResults[K];
  try {
    result = await agent.editCall(proc, input);
  } catch (e) {
    const err = relay(agent, e);
    await audit(ctx, {
      ...base,
      plan: [],
      outcome: { ok: false, node: agent.name, agent: agent.url, ...asked, refused: err.code, reason: err.message },
    });
    throw err;
  }
  if (proc === 'undo' || proc === 'redo') {
    const r = result as AgentApplyResult;
    await audit(ctx, { ...base, plan: planOf(r), outcome: outcomeOf(agent, r, asked) });
  } else if (proc === 'confirm') {
    await audit(ctx, { ...base, plan: [], outcome: { ok: true, node: agent.name, agent: agent.url, ...asked } });
  } else {
    const r = result as AgentEditResults['revert'];
    await audit(ctx, {
      ...base,
      plan: [],
      outcome: {
        ok: r.ok,
        node: agent.name,
        agent: agent.url,
        ...asked,
        why: `on request through the hub from ${ctx.remote}`,
        undone: r.undone,
        left: r.left,
      },
    });
  }
  return result;
}

/** a read of the node's edit state (or dismissRecovery), relayed as it is; not audited */
export async function forwardRead<K extends AgentEditCall>(
  agent: AgentClient,
  proc: K,
  input: unknown,
): Promise<AgentEditResults[K]> {
  try {
    return await agent.editCall(proc, input);
  } catch (e) {
    throw relay(agent, e);
  }
}

function planOf(r: AgentApplyResult): AuditEntry['plan'] {
  return r.plan.steps.map(({ argv, undo, description }) => ({ argv, undo, description }));
}

/** the agent's outcome in the shape its own audit line has (components/edit/auditText.ts reads it), plus the node */
function outcomeOf(agent: AgentClient, r: AgentApplyResult, extra: Record<string, unknown>): Record<string, unknown> {
  const node = { node: agent.name, agent: agent.url, ...extra };
  if (r.dryRun || r.ok) return { ok: r.ok, steps: r.plan.steps.length, ...node };
  return {
    ok: false,
    failedStep: r.failedStep,
    error: r.error,
    rolledBack: r.rolledBack,
    notUndone: r.notUndone,
    ...node,
  };
}

async function audit(ctx: ForwardContext, entry: AuditEntry): Promise<void> {
  try {
    await appendAudit(ctx.auditLog, entry);
  } catch (e) {
    console.error(
      `linkscape: could not write the audit log ${ctx.auditLog}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
