// The one table of edit ops. Everything per op derives from it: the `Edit` union the API validates,
// EDIT_SCHEMAS, OP_INFO (UI text), the namespaces a plan reads. Client-safe (zod and the *.schema.ts
// files only); the planners are in server/edits/ops/index.ts, typed so that an op here without a planner
// does not build.
//
// Adding an op: its schema and text in a `*.schema.ts` here (an OpSpec), one line below, its planner in a
// file of its own in server/edits/ops/ and one line in server/edits/ops/index.ts.
import { z } from 'zod';
import type { OpSpec, OpText } from './spec';
import { NETNS_ADD, NETNS_DEL } from './netns.schema';
import { LINK_ADD, LINK_DEL, LINK_SET } from './link.schema';
import { ADDR_ADD, ADDR_DEL } from './addr.schema';
import { ROUTE_ADD, ROUTE_DEL } from './route.schema';
import { SRIOV_NUMVFS, SRIOV_VF } from './sriov.schema';

export const OPS = {
  'netns.add': NETNS_ADD,
  'netns.del': NETNS_DEL,
  'link.add': LINK_ADD,
  'link.del': LINK_DEL,
  'link.set': LINK_SET,
  'addr.add': ADDR_ADD,
  'addr.del': ADDR_DEL,
  'route.add': ROUTE_ADD,
  'route.del': ROUTE_DEL,
  'sriov.numvfs': SRIOV_NUMVFS,
  'sriov.vf': SRIOV_VF,
} as const;

export type EditOp = keyof typeof OPS;
export type Edit = { [K in EditOp]: z.infer<(typeof OPS)[K]['schema']> }[EditOp];
export type EditOf<K extends EditOp> = Extract<Edit, { op: K }>;

const OP_NAMES = Object.keys(OPS) as EditOp[];
type AnySpec = OpSpec<z.ZodType>;
const specOf = (op: EditOp): AnySpec => OPS[op];

/** Every op's schema, by name. */
export const EDIT_SCHEMAS = Object.fromEntries(OP_NAMES.map((op) => [op, OPS[op].schema])) as {
  [K in EditOp]: (typeof OPS)[K]['schema'];
};

/** Any edit, discriminated by `op`. */
export const Edit = z.discriminatedUnion(
  'op',
  OP_NAMES.map((op) => OPS[op].schema) as unknown as [
    (typeof OPS)['netns.add']['schema'],
    ...(typeof OPS)[EditOp]['schema'][],
  ],
) as unknown as z.ZodType<Edit>;

export interface OpInfo extends OpText {
  op: EditOp;
}

/** What each op does, for the UI. */
export const OP_INFO = Object.fromEntries(OP_NAMES.map((op) => [op, { op, ...OPS[op].info }])) as Record<
  EditOp,
  OpInfo
>;

/** The namespace references of one edit, as written (ids or names). */
export function nsRefsOf(edit: Edit): string[] {
  return specOf(edit.op)
    .nsRefs(edit)
    .filter((r): r is string => r !== undefined);
}
