// The edit contract, in one import: field rules (./fields.ts), each op's schema and UI text
// (./ops/*.schema.ts, gathered in ./ops/table.ts; the planners are in server/edits/ops/), and the API's
// inputs (below). Imports only zod and those files, so client forms can import it without pulling in
// anything that runs on the host.
import { z } from 'zod';
import { IpAddr, NsRef } from './fields';
import { EDIT_SCHEMAS, Edit, OP_INFO, type EditOp } from './ops/table';

export * from './fields';
export * from './ops/netns.schema';
export * from './ops/link.schema';
export * from './ops/addr.schema';
export * from './ops/route.schema';
export * from './ops/sriov.schema';
export { EDIT_SCHEMAS, Edit, nsRefsOf, OP_INFO, OPS, type EditOf, type EditOp, type OpInfo } from './ops/table';
export type { OpText } from './ops/spec';
export type LinkAddEdit = import('./ops/table').EditOf<'link.add'>;

export const ApplyInput = z
  .object({
    edits: z.array(Edit).min(1, 'give at least one edit').max(200, 'at most 200 edits at once'),
    /** return the plan, run nothing */
    dryRun: z.boolean().optional(),
    /** confirm steps the lock-out guard holds back (the UI makes the user type the link's name) */
    force: z.boolean().optional(),
    /** run nothing unless the plan is still the one a dry run returned as `planId` (the page's Apply) */
    expectPlan: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expectPlan must be the planId a dry run returned (64 hex digits)')
      .optional(),
    /** confirm or revert: the plan stays only if edit.confirm({id}) comes within `seconds` */
    checkpoint: z
      .object({
        seconds: z
          .number()
          .int()
          .min(5, 'checkpoint.seconds must be 5–600')
          .max(600, 'checkpoint.seconds must be 5–600'),
      })
      .strict()
      .optional(),
  })
  .strict();
export const CheckpointInput = z.object({ id: z.string().min(1).max(64) }).strict();
export type ApplyInput = z.infer<typeof ApplyInput>;

export const AuditInput = z.object({ limit: z.number().int().min(1).max(1000).optional() }).optional();
/** undo/redo: `id` (from edit.history) makes it refuse when that change is no longer the next one */
export const HistoryStepInput = z.object({ id: z.number().int().positive().optional() }).strict().optional();

export const PingInput = z
  .object({
    /** namespace id or name; omitted = the host's */
    nsId: NsRef.optional(),
    target: IpAddr,
    count: z.number().int().min(1, 'count must be 1–10').max(10, 'count must be 1–10').optional(),
  })
  .strict();

/** Each op with its JSON Schema (zod 4's own), for forms that are generated rather than written. */
export function describeOps() {
  return (Object.keys(EDIT_SCHEMAS) as EditOp[]).map((op) => ({
    ...OP_INFO[op],
    jsonSchema: z.toJSONSchema(EDIT_SCHEMAS[op], { unrepresentable: 'any' }),
  }));
}
