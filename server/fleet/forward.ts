// edit.applyEdits({ node, … }) on the hub: the same request, without `node`, to that node's agent (which
// previews, guards, applies with rollback and audits it there), plus one line in the hub's audit log.
import { TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { appendAudit } from '../edits/audit';
import type { ApplyInput } from '../edits/schema';
import type { AgentApplyResult, AgentClient } from './agent';

export interface ForwardContext {
  auditLog: string;
  remote: string;
}

/** the agent's error as the hub's own: same code, same words, same field issues (errorFormatter reads cause.issues) */
function relay(agent: AgentClient, e: unknown): TRPCError {
  if (e instanceof TRPCClientError) {
    const data = (e.data ?? {}) as { code?: string; issues?: { path: string; message: string }[] | null };
    const code = (data.code ?? 'BAD_GATEWAY') as TRPC_ERROR_CODE_KEY;
    const cause = Object.assign(new Error(e.message), {
      issues: (data.issues ?? []).map((i) => ({ path: i.path ? i.path.split('.') : [], message: i.message })),
    });
    return new TRPCError({ code, message: data.code ? e.message : `node ${agent.name} (${agent.url}): ${e.message}`, cause });
  }
  return new TRPCError({ code: 'BAD_GATEWAY', message: `node ${agent.name} (${agent.url}): ${e instanceof Error ? e.message : String(e)}` });
}

export async function forwardEdits(ctx: ForwardContext, agent: AgentClient, input: ApplyInput): Promise<AgentApplyResult> {
  const base = {
    when: new Date().toISOString(),
    remote: ctx.remote,
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
    await audit(ctx, { ...base, plan: [], outcome: { ok: false, node: agent.name, agent: agent.url, error: err.message } });
    throw err;
  }
  await audit(ctx, {
    ...base,
    plan: result.plan.steps.map(({ argv, undo, description }) => ({ argv, undo, description })),
    outcome: { ok: result.ok, node: agent.name, agent: agent.url, ...(result.ok ? {} : { error: 'error' in result ? result.error : null }) },
  });
  return result;
}

async function audit(ctx: ForwardContext, entry: Parameters<typeof appendAudit>[1]): Promise<void> {
  try {
    await appendAudit(ctx.auditLog, entry);
  } catch (e) {
    console.error(`linkscape: could not write the audit log ${ctx.auditLog}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
