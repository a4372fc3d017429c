'use client';
// Every visible link, grouped under its namespace: the graph's data as rows people can scan and copy.
import type { Link } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { defaultRoutes, routeText } from '../host/routes';
import { KIND_COLORS, kindClassOf, operClass } from '../graph/kinds';
import { LinkRef, type Jump, type JumpTarget } from '../details/Ref';
import type { NamespaceRows } from './rows';

interface Props {
  groups: NamespaceRows[];
  ix: HostLookup;
  selection: JumpTarget | null;
  onSelect: (t: JumpTarget) => void;
  jump: Jump;
}

function relations(l: Link, ix: HostLookup, jump: Jump) {
  const out = [];
  if (l.parentId)
    out.push(
      <span key="p">
        on <LinkRef id={l.parentId} ix={ix} jump={jump} fromNs={l.nsId} />
      </span>,
    );
  if (l.peerId)
    out.push(
      <span key="v">
        peer <LinkRef id={l.peerId} ix={ix} jump={jump} fromNs={l.nsId} />
      </span>,
    );
  if (l.masterId)
    out.push(
      <span key="m">
        port of <LinkRef id={l.masterId} ix={ix} jump={jump} fromNs={l.nsId} />
      </span>,
    );
  if (l.vf?.pfId)
    out.push(
      <span key="f">
        vf {l.vf.index ?? '?'} of <LinkRef id={l.vf.pfId} ix={ix} jump={jump} fromNs={l.nsId} />
      </span>,
    );
  if (l.sriov)
    out.push(
      <span key="s">
        PF {l.sriov.numVfs ?? 0}/{l.sriov.totalVfs ?? '?'} VFs
      </span>,
    );
  if (l.network)
    out.push(
      <span key="n" data-testid="link-network">
        net {l.network.name} ({l.network.runtime} {l.network.driver})
      </span>,
    );
  if (l.parentUnresolved)
    out.push(
      <span key="u" className="warn-text">
        parent unresolved
      </span>,
    );
  return out;
}

export function LinksTable({ groups, ix, selection, onSelect, jump }: Props) {
  if (!groups.length) return <p className="muted empty">Nothing matches the current filters.</p>;
  const sel = (type: JumpTarget['type'], id: string) => selection?.type === type && selection.id === id;
  return (
    <div className="table-wrap fill">
      <table className="grid links" data-testid="links-table">
        <thead>
          <tr>
            <th>name</th>
            <th>kind</th>
            <th>mode</th>
            <th>state</th>
            <th>MTU</th>
            <th>MAC</th>
            <th>addresses</th>
            <th>relations</th>
          </tr>
        </thead>
        {groups.map(({ ns, links }) => {
          const d = defaultRoutes(ix.routesByNs.get(ns.id) ?? []);
          return (
            <tbody key={ns.id}>
              <tr
                className={`ns-row${sel('namespace', ns.id) ? ' selected' : ''}`}
                data-testid="ns-row"
                data-id={ns.id}
                onClick={() => onSelect({ type: 'namespace', id: ns.id })}
              >
                <td colSpan={8}>
                  <strong>{ns.label}</strong>
                  <span className="muted">
                    {' '}
                    ·{' '}
                    {ns.owner && ns.owner.runtime !== 'process'
                      ? `${ns.owner.kind}${ns.owner.image ? ` ${ns.owner.image}` : ''}`
                      : ns.source}{' '}
                    · {ix.linksByNs.get(ns.id)?.length ?? 0} links
                  </span>
                  {d.length > 0 && <span className="mono muted"> · {routeText(d[0])}</span>}
                  {ns.error && <span className="warn-text"> · {ns.error}</span>}
                </td>
              </tr>
              {links.map((l) => {
                const kc = kindClassOf(l);
                return (
                  <tr
                    key={l.id}
                    className={`link-row${sel('link', l.id) ? ' selected' : ''}${l.up ? '' : ' is-down'}`}
                    data-testid="link-row"
                    data-id={l.id}
                    data-ns={l.nsId}
                    data-kind={l.kind}
                    onClick={() => onSelect({ type: 'link', id: l.id })}
                  >
                    <td className="name">
                      <span className="swatch" style={{ background: KIND_COLORS[kc] }} />
                      {l.name}
                    </td>
                    <td>{l.kind}</td>
                    <td>{l.mode ?? ''}</td>
                    <td>
                      <span className={l.up ? 'state-up' : 'state-down'}>{l.up ? 'UP' : 'DOWN'}</span>{' '}
                      <span className={`oper oper-${operClass(l.operstate)}`}>{l.operstate}</span>
                    </td>
                    <td>{l.mtu ?? ''}</td>
                    <td className="mono">{l.mac ?? ''}</td>
                    <td className="mono addrs">
                      {l.addresses.map((a) => (
                        <div key={a.cidr}>{a.cidr}</div>
                      ))}
                    </td>
                    <td className="rels" onClick={(e) => e.stopPropagation()}>
                      {relations(l, ix, jump)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
