// addr.add / addr.del: their schemas and what they do, for the UI (the planner is ./addr.ts).
import { z } from 'zod';
import { Cidr, IfName, NsRef } from '../fields';
import type { OpSpec } from './spec';

export const AddrAdd = z.object({ op: z.literal('addr.add'), ns: NsRef.optional(), dev: IfName, cidr: Cidr }).strict();
export const AddrDel = z.object({ op: z.literal('addr.del'), ns: NsRef.optional(), dev: IfName, cidr: Cidr }).strict();

export const ADDR_ADD: OpSpec<typeof AddrAdd> = {
  schema: AddrAdd,
  info: { title: 'Add address', description: 'ip addr add CIDR dev NAME', undo: 'ip addr del', guarded: null },
  nsRefs: (e) => [e.ns],
};

export const ADDR_DEL: OpSpec<typeof AddrDel> = {
  schema: AddrDel,
  info: {
    title: 'Remove address',
    description: 'ip addr del CIDR dev NAME',
    undo: 'ip addr add',
    guarded: 'addresses of the link carrying the host default route',
  },
  nsRefs: (e) => [e.ns],
};
