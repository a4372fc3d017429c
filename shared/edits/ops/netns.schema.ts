// netns.add / netns.del: their schemas and what they do, for the UI (the planner is ./netns.ts).
import { z } from 'zod';
import { NsName, NsRef } from '../fields';
import type { OpSpec } from './spec';

export const NetnsAdd = z
  .object({
    op: z.literal('netns.add'),
    name: NsName,
    /** bring lo up inside (default true), as every walkthrough does first */
    lo: z.boolean().optional(),
  })
  .strict();

export const NetnsDel = z.object({ op: z.literal('netns.del'), ns: NsRef }).strict();

export const NETNS_ADD: OpSpec<typeof NetnsAdd> = {
  schema: NetnsAdd,
  info: {
    title: 'Create namespace',
    description: 'ip netns add NAME, then lo up inside (unless lo: false).',
    undo: 'ip netns del NAME',
    guarded: null,
  },
  nsRefs: () => [] /* a new name: nothing to read */,
};

export const NETNS_DEL: OpSpec<typeof NetnsDel> = {
  schema: NetnsDel,
  info: {
    title: 'Delete namespace',
    description:
      'ip netns del NAME (named namespaces only). Virtual links inside are destroyed; physical NICs return to the host.',
    undo: 'cannot be undone',
    guarded: null,
  },
  nsRefs: (e) => [e.ns],
};
