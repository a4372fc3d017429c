'use client';
// Routes of one namespace: add (default or prefix, via and/or dev, table, metric), remove one of its
// routes as the routing table lists it.
import type { Edit } from '@/shared/edits/schema';
import type { Route } from '@/shared/host/types';
import { FieldIssues, SelectField, TextField } from '../Field';
import { num, opt } from '../values';
import { linkChoices, nsOf, refOf } from './choices';
import type { EditForm, FieldsProps, FormHost } from './types';

interface RouteAddValues {
  dst: string;
  via: string;
  dev: string;
  table: string;
  metric: string;
  family: string;
}

function tableValue(t: string): 'main' | 'local' | number {
  const n = num(t);
  return n === undefined ? 'main' : typeof n === 'number' ? n : (t.trim() as 'main');
}

function RouteAddFields({ values: v, set, host, nsId }: FieldsProps<RouteAddValues> & { nsId: string }) {
  return (
    <>
      <TextField
        label="destination"
        path="0.dst"
        value={v.dst}
        onChange={(dst) => set({ dst })}
        placeholder="default, 10.1.0.0/16, fd00:1::/64"
        autoFocus
      />
      <TextField
        label="via (gateway)"
        path="0.via"
        value={v.via}
        onChange={(via) => set({ via })}
        placeholder="192.168.10.1"
      />
      <SelectField
        label="dev"
        path="0.dev"
        value={v.dev}
        onChange={(dev) => set({ dev })}
        choices={linkChoices(host, nsId, undefined, { value: '', label: '(any: by the gateway)' })}
      />
      <TextField label="table" path="0.table" value={v.table} onChange={(table) => set({ table })} placeholder="main" />
      <TextField
        label="metric"
        path="0.metric"
        value={v.metric}
        onChange={(metric) => set({ metric })}
        placeholder="(none)"
      />
      {v.dst.trim() === 'default' && !v.via.trim() && (
        <SelectField
          label="family"
          path="0.family"
          value={v.family}
          onChange={(family) => set({ family })}
          choices={[
            { value: 'inet', label: 'IPv4' },
            { value: 'inet6', label: 'IPv6' },
          ]}
          hint="a default route without a gateway needs its family"
        />
      )}
    </>
  );
}

export function routeAddForm(host: FormHost, nsId: string, dev?: string): EditForm<RouteAddValues> {
  return {
    key: 'route.add',
    title: `Add a route in ${nsOf(host, nsId).label}`,
    initial: { dst: '', via: '', dev: dev ?? '', table: '', metric: '', family: 'inet' },
    Fields: (p: FieldsProps<RouteAddValues>) => <RouteAddFields {...p} nsId={nsId} />,
    toEdits: (v, h): Edit[] => {
      const dst = v.dst.trim();
      const route = {
        op: 'route.add' as const,
        ns: refOf(h, nsId),
        dst,
        via: opt(v.via),
        dev: opt(v.dev),
        table: opt(v.table) ? tableValue(v.table) : undefined,
        metric: num(v.metric) as number | undefined,
        family: dst === 'default' && !opt(v.via) ? (v.family as 'inet' | 'inet6') : undefined,
      };
      return [JSON.parse(JSON.stringify(route)) as Edit];
    },
  };
}

export function routeText(r: Route): string {
  return [
    r.type !== 'unicast' ? r.type : '',
    r.dst,
    r.gateway ? `via ${r.gateway}` : '',
    r.dev ? `dev ${r.dev}` : '',
    r.table !== 'main' ? `table ${r.table}` : '',
    r.metric !== null ? `metric ${r.metric}` : '',
    r.protocol ? `proto ${r.protocol}` : '',
    r.family === 'inet6' ? '(IPv6)' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** routes one may remove: not the kernel's local table (those follow addresses) */
export function removableRoutes(routes: Route[]): Route[] {
  return routes.filter(
    (r) => r.table !== 'local' && r.type !== 'local' && r.type !== 'broadcast' && r.type !== 'multicast',
  );
}

export function routeDelEdit(h: FormHost, nsId: string, r: Route): Edit {
  const e = {
    op: 'route.del' as const,
    ns: refOf(h, nsId),
    dst: r.dst,
    via: r.gateway ?? undefined,
    dev: r.dev ?? undefined,
    table: r.table === 'main' ? undefined : tableValue(r.table),
    metric: r.metric ?? undefined,
    family: r.family,
  };
  return JSON.parse(JSON.stringify(e)) as Edit;
}

export function routeDelForm(host: FormHost, nsId: string, route?: Route): EditForm<{ index: string }> {
  const list = () => removableRoutes(host.ix.routesByNs.get(nsId) ?? []);
  const start = route ? list().findIndex((r) => routeText(r) === routeText(route)) : 0;
  return {
    key: 'route.del',
    title: `Remove a route in ${nsOf(host, nsId).label}`,
    initial: { index: String(Math.max(0, start)) },
    Fields: ({ values, set, host: h }: FieldsProps<{ index: string }>) => {
      const routes = removableRoutes(h.ix.routesByNs.get(nsId) ?? []);
      if (!routes.length)
        return <p className="muted">No routes to remove here (the local table follows the addresses).</p>;
      return (
        <fieldset className="ed-group ed-routes" data-field="0">
          <legend>routes of this namespace (table local left out)</legend>
          {routes.map((r, i) => (
            <label key={i} className="ed-radio">
              <input
                type="radio"
                name="route"
                value={String(i)}
                checked={values.index === String(i)}
                onChange={() => set({ index: String(i) })}
                data-testid="route-choice"
              />
              <code>{routeText(r)}</code>
            </label>
          ))}
          <FieldIssues path="0" />
        </fieldset>
      );
    },
    toEdits: (v, h) => {
      const r = removableRoutes(h.ix.routesByNs.get(nsId) ?? [])[Number(v.index)];
      if (!r) throw new Error('that route is no longer in the table; choose again');
      return [routeDelEdit(h, nsId, r)];
    },
  };
}
