// Pure helpers over routes: a namespace's default route, the routes that leave through a link.
import type { Route } from '@/shared/host/types';

export function isDefault(r: Route): boolean {
  return r.dst === 'default' && r.type === 'unicast' && r.table === 'main';
}

/** "default via 10.0.0.1 dev eth0" (the devices by name as the namespace sees them) */
export function routeText(r: Route): string {
  const parts = [r.dst];
  if (r.gateway) parts.push('via', r.gateway);
  if (r.dev) parts.push('dev', r.dev);
  for (const nh of r.nexthops)
    parts.push('nexthop', ...(nh.gateway ? ['via', nh.gateway] : []), ...(nh.dev ? ['dev', nh.dev] : []));
  return parts.join(' ');
}

/** the main table's default routes, IPv4 before IPv6, lowest metric first */
export function defaultRoutes(routes: Route[]): Route[] {
  return routes
    .filter(isDefault)
    .sort((a, b) => (a.family === b.family ? 0 : a.family === 'inet' ? -1 : 1) || (a.metric ?? 0) - (b.metric ?? 0));
}

/** routes whose device or one of whose nexthops is this link */
export function routesThrough(routes: Route[], linkId: string): Route[] {
  return routes.filter((r) => r.devId === linkId || r.nexthops.some((n) => n.devId === linkId));
}
