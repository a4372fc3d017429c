// route.add / route.del: their schemas and what they do, for the UI (the planner is ./route.ts).
import { z } from 'zod';
import { familyOfIp, IfName, IpAddr, NsRef, RouteDst, RouteTable, type IpFamily } from '../fields';
import type { OpSpec } from './spec';

const routeFields = {
  ns: NsRef.optional(),
  dst: RouteDst,
  via: IpAddr.optional(),
  dev: IfName.optional(),
  table: RouteTable.optional(),
  metric: z
    .number()
    .int()
    .min(0, 'metric must be 0–4294967295')
    .max(4294967295, 'metric must be 0–4294967295')
    .optional(),
  /** only needed for `default` without a gateway: which family's default route (default inet) */
  family: z.enum(['inet', 'inet6'], 'family must be inet or inet6').optional(),
};

function routeRefine(requireNexthop: boolean) {
  return (v: { dst: string; via?: string; dev?: string; family?: IpFamily }, ctx: z.RefinementCtx) => {
    if (requireNexthop && !v.via && !v.dev)
      ctx.addIssue({
        code: 'custom',
        path: ['via'],
        message: 'a route needs a gateway (via) or a device (dev), or both',
      });
    const dstFam = v.dst === 'default' ? null : familyOfIp(v.dst);
    const viaFam = v.via ? familyOfIp(v.via) : null;
    // an IPv6 gateway for IPv4 routes is legal (RFC 5549); the reverse is not
    if (dstFam === 'inet6' && viaFam === 'inet')
      ctx.addIssue({ code: 'custom', path: ['via'], message: 'an IPv6 route cannot use an IPv4 gateway' });
    if (v.family && dstFam && v.family !== dstFam)
      ctx.addIssue({ code: 'custom', path: ['family'], message: `family ${v.family} does not match dst ${v.dst}` });
  };
}

export const RouteAdd = z
  .object({ op: z.literal('route.add'), ...routeFields })
  .strict()
  .superRefine(routeRefine(true));
export const RouteDel = z
  .object({ op: z.literal('route.del'), ...routeFields })
  .strict()
  .superRefine(routeRefine(false));

export const ROUTE_ADD: OpSpec<typeof RouteAdd> = {
  schema: RouteAdd,
  info: {
    title: 'Add route',
    description: 'ip route add DST [via GW] [dev NAME] [table T] [metric M]',
    undo: 'ip route del',
    guarded: null,
  },
  nsRefs: (e) => [e.ns],
};

export const ROUTE_DEL: OpSpec<typeof RouteDel> = {
  schema: RouteDel,
  info: {
    title: 'Remove route',
    description: 'ip route del DST …',
    undo: 'ip route add (rebuilt from the snapshot)',
    guarded: "the host namespace's default route",
  },
  nsRefs: (e) => [e.ns],
};
