// route.add / route.del. A deleted route's undo is rebuilt from the snapshot (proto, scope, src, metric).
import { canonicalDst, familyOfIp, type EditOf, type IpFamily } from '../../../shared/edits/schema';
import type { OpPlanner, PlanContext } from '../plan';
import type { LinkState, RouteState } from '../model';

type RouteEdit = EditOf<'route.add'> | EditOf<'route.del'>;

function familyOf(e: RouteEdit): IpFamily {
  if (e.dst !== 'default') return familyOfIp(e.dst) ?? 'inet';
  if (e.family) return e.family;
  return e.via ? (familyOfIp(e.via) ?? 'inet') : 'inet';
}

function tableWords(table: string): string[] {
  return table === 'main' ? [] : ['table', table];
}

function viaWords(family: IpFamily, via: string | null): string[] {
  if (!via) return [];
  // an IPv4 route through an IPv6 gateway (RFC 5549) needs the family spelled out
  return family === 'inet' && familyOfIp(via) === 'inet6' ? ['via', 'inet6', via] : ['via', via];
}

/** the words that name one route exactly, for add and del alike */
function routeWords(
  verb: 'add' | 'del',
  r: {
    dst: string;
    family: IpFamily;
    gateway: string | null;
    dev: string | null;
    table: string;
    metric: number | null;
  },
): string[] {
  return [
    ...(r.family === 'inet6' ? ['-6'] : []),
    'route',
    verb,
    r.dst,
    ...viaWords(r.family, r.gateway),
    ...(r.dev ? ['dev', r.dev] : []),
    ...tableWords(r.table),
    ...(r.metric !== null ? ['metric', String(r.metric)] : []),
  ];
}

function describe(
  verb: string,
  r: { dst: string; gateway: string | null; dev: string | null; table: string },
  ns: string,
): string {
  return `${verb} route ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.table !== 'main' ? ` table ${r.table}` : ''} in ${ns}`;
}

export const planRouteAdd: OpPlanner<EditOf<'route.add'>> = (e, ctx) => {
  const ns = ctx.ns(e.ns, 'ns');
  const dev = e.dev !== undefined ? ctx.link(ns, e.dev, 'dev') : null;
  const spec = {
    dst: canonicalDst(e.dst),
    family: familyOf(e),
    gateway: e.via ?? null,
    dev: dev?.name ?? null,
    table: String(e.table ?? 'main'),
    metric: e.metric ?? null,
  };
  ctx.step(ctx.ip(ns, routeWords('add', spec)), ctx.ip(ns, routeWords('del', spec)), describe('add', spec, ns.label));
  ctx.model.routes.push({
    ns,
    dst: spec.dst,
    table: spec.table,
    type: 'unicast',
    family: spec.family,
    gateway: spec.gateway,
    dev,
    metric: spec.metric,
    protocol: 'boot',
    scope: null,
    prefsrc: null,
    multipath: false,
    nexthopDevs: [],
  });
};

/** argv words that recreate a route as the snapshot shows it; null for what ip cannot say in one line here */
function recreateWords(r: RouteState): string[] | null {
  if (r.multipath) return null;
  return [
    ...(r.family === 'inet6' ? ['-6'] : []),
    'route',
    'add',
    ...(r.type !== 'unicast' ? [r.type] : []),
    r.dst,
    ...viaWords(r.family, r.gateway),
    ...(r.dev ? ['dev', r.dev.name] : []),
    ...tableWords(r.table),
    ...(r.metric !== null ? ['metric', String(r.metric)] : []),
    ...(r.protocol ? ['proto', r.protocol] : []),
    ...(r.scope ? ['scope', r.scope] : []),
    ...(r.prefsrc ? ['src', r.prefsrc] : []),
  ];
}

/**
 * The kernel drops every route through a link that goes down or leaves its namespace (IPv4 and IPv6 alike).
 * Spell that out as steps before the one that does it, each with the undo that puts the route back — so
 * undo, a rollback or a checkpoint's revert restores a host's default route with its uplink. Connected
 * routes (proto kernel) and the local table come back with the addresses by themselves.
 */
export function removeRoutesThrough(ctx: PlanContext, link: LinkState, why: string): void {
  const ns = link.ns;
  const through = ctx.model.routes.filter(
    (r) =>
      r.ns === ns && r.protocol !== 'kernel' && r.table !== 'local' && (r.dev === link || r.nexthopDevs.includes(link)),
  );
  const gone: RouteState[] = [];
  for (const r of through) {
    if (r.multipath) {
      // the kernel takes only that nexthop out of service; the route stays
      ctx.warn(`the multipath route ${r.dst} loses its nexthop through ${link.name} while it is down`);
      continue;
    }
    const spec = { dst: r.dst, family: r.family, gateway: r.gateway, dev: link.name, table: r.table, metric: r.metric };
    ctx.step(
      ctx.ip(ns, routeWords('del', spec)),
      ctx.ip(ns, recreateWords(r)!),
      `${describe('remove', spec, ns.label)} (${why})`,
    );
    gone.push(r);
  }
  ctx.model.routes = ctx.model.routes.filter((r) => !gone.includes(r));
}

export const planRouteDel: OpPlanner<EditOf<'route.del'>> = (e, ctx) => {
  const ns = ctx.ns(e.ns, 'ns');
  const dst = canonicalDst(e.dst);
  const table = String(e.table ?? 'main');
  const family = familyOf(e);
  const match = ctx.model.routes.find(
    (r) =>
      r.ns === ns &&
      r.dst === dst &&
      r.table === table &&
      r.family === family &&
      (e.via === undefined || (r.gateway !== null && canonicalDst(r.gateway) === canonicalDst(e.via))) &&
      (e.dev === undefined || r.dev?.name === e.dev) &&
      (e.metric === undefined || r.metric === e.metric),
  );
  if (!match)
    return ctx.fail(
      ['dst'],
      `no such ${family === 'inet6' ? 'IPv6 ' : ''}route ${e.dst}${table !== 'main' ? ` in table ${table}` : ''} in namespace ${ns.label}`,
    );
  if (ns.root && dst === 'default') {
    const dev = match.dev ?? match.nexthopDevs[0];
    if (dev)
      ctx.guard(dev, `removing the host's default route (via ${match.gateway ?? dev.name}) can cut this host off`);
    else
      ctx.guards.push({
        edit: ctx.edit,
        link: 'default',
        ns: ns.label,
        reason: "removing the host's default route can cut this host off",
      });
  }
  const recreate = recreateWords(match);
  if (!recreate) ctx.warn(`the multipath route ${match.dst} cannot be restored by undo`);
  const spec = {
    dst: match.dst,
    family: match.family,
    gateway: match.gateway,
    dev: match.dev?.name ?? null,
    table: match.table,
    metric: match.metric,
  };
  ctx.step(
    ctx.ip(
      ns,
      match.multipath
        ? [...(family === 'inet6' ? ['-6'] : []), 'route', 'del', match.dst, ...tableWords(match.table)]
        : routeWords('del', spec),
    ),
    recreate ? ctx.ip(ns, recreate) : null,
    describe('remove', spec, ns.label),
  );
  ctx.model.routes = ctx.model.routes.filter((r) => r !== match);
};
