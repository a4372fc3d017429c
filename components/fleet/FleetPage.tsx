'use client';
// The hub's page: the node list, the fleet overview (nodes as boxes, tunnels and host-gw routes between them),
// fleet-wide search, and any node's live graph (the Dashboard, pointed at that node). The list and the overlay
// are re-asked every 2 s, so a node that goes away shows as down and comes back without a reload.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FleetNode, Overlay, SearchHit } from '@/shared/fleet/types';
import Dashboard from '../Dashboard';
import { errorText, trpc } from '../trpc';
import { layoutOverview } from './overview';

const POLL_MS = 2000;
const SIZE = 520;

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 2 ? 'just now' : s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

export default function FleetPage() {
  const [nodes, setNodes] = useState<FleetNode[] | null>(null);
  const [overlay, setOverlay] = useState<Overlay | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [discovery, setDiscovery] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  // state is set when the answers come (promise callbacks), never synchronously in the effect below
  const poll = useCallback(
    () =>
      Promise.all([trpc.fleet.nodes.query(), trpc.fleet.overlay.query(), trpc.fleet.info.query()])
        .then(
          ([n, o, info]) => {
            setNodes(n);
            setOverlay(o);
            setDiscovery(info.discoveryError);
            setError(null);
          },
          (e) => setError(errorText(e)),
        )
        .finally(() => setNow(Date.now())),
    [],
  );

  useEffect(() => {
    void poll();
    const t = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(t);
  }, [poll]);

  // an emptied search box clears the hits (adjusted while rendering); a query is asked after a short pause
  const [searched, setSearched] = useState(q);
  if (q !== searched) {
    setSearched(q);
    if (!q.trim()) {
      setHits(null);
      setSearchError(null);
    }
  }
  useEffect(() => {
    const query = q.trim();
    if (!query) return;
    let alive = true;
    const t = setTimeout(() => {
      trpc.fleet.search.query({ q: query }).then(
        (h) => alive && (setHits(h), setSearchError(null)),
        (e) => alive && setSearchError(errorText(e)),
      );
    }, 150);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [q]);

  const picture = useMemo(() => (overlay ? layoutOverview(overlay, SIZE) : null), [overlay]);
  const at = useMemo(() => new Map(picture?.boxes.map((b) => [b.name, b]) ?? []), [picture]);

  return (
    <div className="fleet-app" data-testid="fleet">
      <header className="top">
        <span className="brand">linkscape</span>
        <span className="host">fleet</span>
        {nodes && (
          <span className="counts" data-testid="fleet-counts">
            <b>{nodes.filter((n) => n.up).length}</b> of <b>{nodes.length}</b> nodes up
          </span>
        )}
        <input
          className="fleet-search"
          data-testid="fleet-search"
          placeholder="search the fleet: pod, namespace, IP, MAC, link"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label="search the fleet"
        />
      </header>
      {error && (
        <div className="banner error" data-testid="fleet-error">
          {error}
        </div>
      )}
      {discovery && (
        <div className="banner warn" data-testid="fleet-discovery">
          {discovery}
        </div>
      )}
      {searchError && <div className="banner error">{searchError}</div>}
      {hits && (
        <section className="fleet-hits" data-testid="fleet-hits">
          <b>{hits.length}</b> found{' '}
          <ul>
            {hits.map((h) => (
              <li
                key={`${h.node}|${h.kind}|${h.id}|${h.label}`}
                data-testid="fleet-hit"
                data-node={h.node}
                data-kind={h.kind}
                data-id={h.id}
              >
                <button type="button" className="linkish" onClick={() => setSelected(h.node)}>
                  {h.node}
                </button>{' '}
                <span className="badge">{h.kind}</span> {h.label}
              </li>
            ))}
          </ul>
        </section>
      )}
      <main className="fleet-body">
        <table className="fleet-nodes" data-testid="fleet-nodes">
          <thead>
            <tr>
              <th>node</th>
              <th>address</th>
              <th>state</th>
              <th>last heard</th>
              <th>namespaces · links · routes</th>
              <th>warnings</th>
            </tr>
          </thead>
          <tbody>
            <tr className={selected === null ? 'sel' : ''}>
              <td colSpan={6}>
                <button
                  type="button"
                  className="linkish"
                  data-testid="fleet-overview-tab"
                  onClick={() => setSelected(null)}
                >
                  overview
                </button>
              </td>
            </tr>
            {(nodes ?? []).map((n) => (
              <tr
                key={n.name}
                data-testid="fleet-node"
                data-node={n.name}
                data-up={n.up ? '1' : '0'}
                className={selected === n.name ? 'sel' : ''}
              >
                <td>
                  <button type="button" className="linkish" onClick={() => setSelected(n.name)}>
                    {n.name}
                  </button>
                </td>
                <td className="mono">{n.url.replace(/^https?:\/\//, '')}</td>
                <td>
                  <span
                    className={`badge ${n.up ? 'ok' : 'warn'}`}
                    data-testid="fleet-node-state"
                    title={n.error ?? ''}
                  >
                    {n.up ? 'up' : 'down'}
                  </span>
                  {!n.up && n.error && <div className="muted small">{n.error}</div>}
                </td>
                <td title={n.lastSeen ?? ''} data-testid="fleet-node-seen">
                  {ago(n.lastSeen, now)}
                </td>
                <td>{n.counts ? `${n.counts.namespaces} · ${n.counts.links} · ${n.counts.routes}` : '—'}</td>
                <td title={n.warnings.join('\n')}>{n.warnings.length || ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {selected ? (
          <section className="fleet-node-view" data-testid="fleet-node-view" data-node={selected}>
            <Dashboard key={selected} node={selected} />
          </section>
        ) : (
          <section className="fleet-overview" data-testid="fleet-overview">
            {picture && overlay && (
              <>
                <svg
                  viewBox={`0 0 ${SIZE} ${SIZE}`}
                  width={SIZE}
                  height={SIZE}
                  role="img"
                  aria-label="nodes and the overlay between them"
                >
                  {picture.lines.map((l) => {
                    const a = at.get(l.a)!;
                    const b = at.get(l.b)!;
                    const off = l.kind === 'tunnel' ? -4 : 4;
                    return (
                      <line
                        key={`${l.kind}|${l.a}|${l.b}`}
                        x1={a.x + off}
                        y1={a.y + off}
                        x2={b.x + off}
                        y2={b.y + off}
                        className={`ov-${l.kind}`}
                        data-testid="fleet-line"
                        data-kind={l.kind}
                        data-a={l.a}
                        data-b={l.b}
                      >
                        <title>{`${l.a} — ${l.b}: ${l.count} ${l.kind === 'tunnel' ? 'vxlan tunnel(s)' : 'host-gw route(s)'}`}</title>
                      </line>
                    );
                  })}
                  {picture.boxes.map((b) => (
                    <g
                      key={b.name}
                      transform={`translate(${b.x - 50},${b.y - 16})`}
                      className={`ov-node ${b.up ? 'up' : 'down'}`}
                      onClick={() => setSelected(b.name)}
                    >
                      <rect width={100} height={32} rx={6} />
                      <text x={50} y={20} textAnchor="middle">
                        {b.name.length > 14 ? `${b.name.slice(0, 13)}…` : b.name}
                      </text>
                    </g>
                  ))}
                </svg>
                <p className="muted small">
                  dashed: vxlan tunnels (remote and FDB dst) · solid: routes via another node (host-gw)
                  {picture.dangling > 0 && ` · ${picture.dangling} tunnel(s) to an address no node of the fleet has`}
                </p>
                <h3>tunnels</h3>
                <table className="fleet-table" data-testid="fleet-tunnels">
                  <thead>
                    <tr>
                      <th>from</th>
                      <th>dev</th>
                      <th>kind</th>
                      <th>local</th>
                      <th>remote</th>
                      <th>to</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overlay.tunnels.slice(0, 500).map((t) => (
                      <tr
                        key={`${t.from}|${t.linkId}|${t.remote}`}
                        data-testid="fleet-tunnel"
                        data-from={t.from}
                        data-to={t.to ?? ''}
                      >
                        <td>{t.from}</td>
                        <td className="mono">{t.dev}</td>
                        <td>{t.kind === 'vxlan' ? 'remote' : 'FDB dst'}</td>
                        <td className="mono">{t.local ?? ''}</td>
                        <td className="mono">{t.remote}</td>
                        <td>{t.to ?? <span className="muted">outside the fleet</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <h3>routes via another node</h3>
                <table className="fleet-table" data-testid="fleet-routes">
                  <thead>
                    <tr>
                      <th>node</th>
                      <th>dst</th>
                      <th>via</th>
                      <th>dev</th>
                      <th>to</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overlay.routes.slice(0, 500).map((r) => (
                      <tr
                        key={`${r.node}|${r.dst}|${r.via}`}
                        data-testid="fleet-route"
                        data-node={r.node}
                        data-to={r.toNode}
                      >
                        <td>{r.node}</td>
                        <td className="mono">{r.dst}</td>
                        <td className="mono">{r.via}</td>
                        <td className="mono">{r.dev ?? ''}</td>
                        <td>{r.toNode}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {(overlay.tunnels.length > 500 || overlay.routes.length > 500) && (
                  <p className="muted small">first 500 of each shown</p>
                )}
              </>
            )}
          </section>
        )}
      </main>
    </div>
  );
}
