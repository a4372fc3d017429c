'use client';
// Routes as `ip route show table all` would list them, one row each, every field the kernel gave.
import type { Route } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { LinkRef, NsRef, type Jump } from './Ref';

interface Props {
  routes: Route[];
  ix: HostLookup;
  jump: Jump;
  /** show a namespace column (the host-wide table) */
  withNs?: boolean;
  /** fewer columns for the side panel: the rest folds into one "more" cell */
  compact?: boolean;
}

export function RouteTable({ routes, ix, jump, withNs, compact }: Props) {
  if (!routes.length) return <p className="muted">no routes</p>;
  if (compact) return <CompactRoutes routes={routes} ix={ix} jump={jump} />;
  return (
    <div className="table-wrap">
      <table className="grid routes" data-testid="routes-table">
        <thead>
          <tr>
            {withNs && <th>namespace</th>}
            <th>table</th>
            <th>type</th>
            <th>dst</th>
            <th>gateway</th>
            <th>dev</th>
            <th>proto</th>
            <th>scope</th>
            <th>metric</th>
            <th>prefsrc</th>
            <th>flags / nexthops</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((r, i) => (
            <tr
              key={i}
              data-testid="route-row"
              data-ns={r.nsId}
              className={r.dst === 'default' ? 'is-default' : undefined}
            >
              {withNs && (
                <td>
                  <NsRef id={r.nsId} ix={ix} jump={jump} />
                </td>
              )}
              <td>{r.table}</td>
              <td>{r.type}</td>
              <td className="mono">{r.dst}</td>
              <td className="mono">{r.gateway ?? ''}</td>
              <td>{r.devId ? <LinkRef id={r.devId} ix={ix} jump={jump} fromNs={r.nsId} /> : (r.dev ?? '')}</td>
              <td>{r.protocol ?? ''}</td>
              <td>{r.scope ?? ''}</td>
              <td>{r.metric ?? ''}</td>
              <td className="mono">{r.prefsrc ?? ''}</td>
              <td>
                {r.flags.join(' ')}
                {r.nexthops.map((n, j) => (
                  <div key={j} className="mono nexthop">
                    nexthop {n.gateway ? `via ${n.gateway} ` : ''}
                    {n.devId ? (
                      <LinkRef id={n.devId} ix={ix} jump={jump} fromNs={r.nsId} />
                    ) : n.dev ? (
                      `dev ${n.dev}`
                    ) : (
                      ''
                    )}
                    {n.weight !== null ? ` weight ${n.weight}` : ''} {n.flags.join(' ')}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CompactRoutes({ routes, ix, jump }: { routes: Route[]; ix: HostLookup; jump: Jump }) {
  // as `ip route show table all` prints them: what an administrator reads every day
  const dev = (id: string | null, name: string | null, ns: string) =>
    id ? (
      <>
        dev <LinkRef id={id} ix={ix} jump={jump} fromNs={ns} />
      </>
    ) : name ? (
      `dev ${name}`
    ) : null;
  return (
    <ul className="route-lines" data-testid="routes-table">
      {routes.map((r, i) => (
        <li key={i} data-testid="route-row" data-ns={r.nsId} className={r.dst === 'default' ? 'is-default' : undefined}>
          {r.type !== 'unicast' && <span className="muted">{r.type} </span>}
          <b>{r.dst}</b>
          {r.gateway && <> via {r.gateway}</>} {dev(r.devId, r.dev, r.nsId)}
          {r.table !== 'main' && <> table {r.table}</>}
          <span className="muted">
            {r.protocol && ` proto ${r.protocol}`}
            {r.scope && ` scope ${r.scope}`}
          </span>
          {r.metric !== null && ` metric ${r.metric}`}
          {r.prefsrc && ` src ${r.prefsrc}`}
          {r.flags.length > 0 && <span className="muted"> {r.flags.join(' ')}</span>}
          {r.nexthops.map((n, j) => (
            <div key={j} className="nexthop">
              nexthop{n.gateway && ` via ${n.gateway}`} {dev(n.devId, n.dev, r.nsId)}
              {n.weight !== null && ` weight ${n.weight}`} {n.flags.join(' ')}
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}
