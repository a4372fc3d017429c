// The edit API as the forms use it: preview (dry run), apply, undo, and errors turned into what a form
// shows (the tRPC error's code, its message, and data.issues naming fields).
import { TRPCClientError } from '@trpc/client';
import type { Edit } from '@/shared/edits/schema';
import { trpc } from '../trpc';
import { targetNode } from '../fleet/target';

/** on the hub's page, edits go to the node shown (edit.applyEdits forwards them) */
export const onNode = (): { node?: string } => (targetNode() ? { node: targetNode()! } : {});

export type ApplyResult = Awaited<ReturnType<typeof trpc.edit.applyEdits.mutate>>;
export type Preview = Extract<ApplyResult, { dryRun: true }>;
export type Applied = Extract<ApplyResult, { dryRun: false }>;
export type Plan = Preview['plan'];
export type PlanStep = Plan['steps'][number];
export type PlanGuard = Plan['guards'][number];
export type Capabilities = Awaited<ReturnType<typeof trpc.host.capabilities.query>>;
export type LastApplied = Awaited<ReturnType<typeof trpc.edit.last.query>>;
export type History = Awaited<ReturnType<typeof trpc.edit.history.query>>;
export type HistoryItem = History['undo'][number];
export type AuditEntry = Awaited<ReturnType<typeof trpc.edit.audit.query>>[number];

export interface FieldIssue {
  /** dotted, from the request root: "edits.0.name", "force" */
  path: string;
  message: string;
}

export interface CallError {
  /** tRPC code: BAD_REQUEST, PRECONDITION_FAILED, FORBIDDEN, UNAUTHORIZED, … (null: no answer) */
  code: string | null;
  message: string;
  issues: FieldIssue[];
}

export function callError(e: unknown): CallError {
  if (e instanceof TRPCClientError) {
    const data = (e.data ?? null) as { code?: string; issues?: FieldIssue[] | null } | null;
    return { code: data?.code ?? null, message: e.message, issues: data?.issues ?? [] };
  }
  return { code: null, message: e instanceof Error ? e.message : String(e), issues: [] };
}

export function previewEdits(edits: Edit[]): Promise<Preview> {
  return trpc.edit.applyEdits.mutate({ edits, dryRun: true, ...onNode() }) as Promise<Preview>;
}

/** the page applies plans that can cut it off (accessRisks) under a checkpoint of this many seconds */
export const PAGE_CHECKPOINT_SECONDS = 30;

/** `expectPlan`: the planId of the plan shown; the server runs nothing if it would now plan otherwise */
export function applyEdits(
  edits: Edit[],
  force: boolean,
  checkpoint?: { seconds: number },
  expectPlan?: string,
): Promise<Applied> {
  return trpc.edit.applyEdits.mutate({
    edits,
    ...(force ? { force: true } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    ...(expectPlan ? { expectPlan } : {}),
    ...onNode(),
  }) as Promise<Applied>;
}

/** the checkpoint banner (SafetyBanners) listens for this to show a plan waiting for confirmation */
export const CHECKPOINT_EVENT = 'linkscape:checkpoint';

export function undoLast(id?: number): Promise<Applied> {
  return trpc.edit.undo.mutate({ ...(id === undefined ? {} : { id }), ...onNode() }) as Promise<Applied>;
}

export function redoLast(id?: number): Promise<Applied> {
  return trpc.edit.redo.mutate({ ...(id === undefined ? {} : { id }), ...onNode() }) as Promise<Applied>;
}
