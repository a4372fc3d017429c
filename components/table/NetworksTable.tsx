'use client';
// The runtime networks (Docker's, CNI's) with their members: which container or pod is attached with
// which addresses, and which devices (bridge, ports, children) the network owns.
import type { HostLookup } from '../host/lookup';
import { LinkRef, NsRef, type Jump } from '../details/Ref';
import type { NetworkRow } from './networks';

/** `onShow(nsIds)`: draw only these namespaces (a network's members and where its devices are) in the graph */
export function NetworksTable({
  rows,
  ix,
  jump,
  onShow,
}: {
  rows: NetworkRow[];
  ix: HostLookup;
  jump: Jump;
  onShow: (nsIds: string[]) => void;
}) {
  if (!rows.length) {
    return (
      <p className="muted empty" data-testid="networks-empty">
        No runtime networks: no Docker daemon answered and no CNI attachment is cached on this host (or none matches the
        search).
      </p>
    );
  }
  return (
    <div className="table-wrap fill">
      <table className="grid links" data-testid="networks-table">
        <thead>
          <tr>
            <th>network</th>
            <th>runtime</th>
            <th>driver</th>
            <th>subnets</th>
            <th>gateway</th>
            <th>members</th>
            <th>devices</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className="link-row" data-testid="network-row" data-name={r.name} data-runtime={r.runtime}>
              <td className="name">
                <strong>{r.name}</strong>
                {r.id && <div className="mono muted">{r.id.slice(0, 12)}</div>}
                <button
                  type="button"
                  className="btn small"
                  data-testid="network-show"
                  title="draw only this network's members and devices in the graph (the namespaces filter shows it)"
                  onClick={() =>
                    onShow([...new Set([...r.members.map((m) => m.ns.id), ...r.devices.map((l) => l.nsId)])])
                  }
                >
                  show in graph
                </button>
              </td>
              <td>{r.runtime}</td>
              <td>{r.driver}</td>
              <td className="mono addrs">
                {r.subnets.map((s) => (
                  <div key={s}>{s}</div>
                ))}
              </td>
              <td className="mono addrs">
                {r.gateway.map((s) => (
                  <div key={s}>{s}</div>
                ))}
              </td>
              <td className="rels" data-testid="network-members">
                {r.members.map((m) => (
                  <div key={m.ns.id}>
                    <NsRef id={m.ns.id} ix={ix} jump={jump} /> <span className="mono muted">{m.ips.join(' ')}</span>
                  </div>
                ))}
              </td>
              <td className="rels" data-testid="network-devices">
                <span className="ref-list">
                  {r.devices.map((l) => (
                    <LinkRef key={l.id} id={l.id} ix={ix} jump={jump} />
                  ))}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
