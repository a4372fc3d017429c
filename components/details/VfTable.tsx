'use client';
// An SR-IOV PF's virtual functions, as `ip link show PF` reports them, with the netdev each became.
import type { VfInfo } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { LinkRef, type Jump } from './Ref';

const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'on' : 'off');
const rate = (r: number | null) => (r === null ? '—' : r === 0 ? 'unlimited' : `${r} Mb/s`);

interface Props {
  vfs: VfInfo[];
  ix: HostLookup;
  jump: Jump;
  /** an edit button per VF (the SR-IOV section passes it when editing is allowed) */
  onEdit?: (vf: VfInfo) => void;
  /** the host's warnings that name a VF, by index: the row is marked and says why */
  warningsOf?: (index: number) => string[];
}

export function VfTable({ vfs, ix, jump, onEdit, warningsOf }: Props) {
  if (!vfs.length) return <p className="muted">no VFs configured</p>;
  return (
    <div className="table-wrap">
      <table className="grid" data-testid="vf-table">
        <thead>
          <tr>
            <th>vf</th>
            <th>MAC</th>
            <th>vlan / qos / proto</th>
            <th>max tx</th>
            <th>min tx</th>
            <th>spoofchk</th>
            <th>trust</th>
            <th>link state</th>
            <th>rss query</th>
            <th>netdev</th>
            {onEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {vfs.map((vf) => {
            const warned = warningsOf?.(vf.index) ?? [];
            return (
              <tr
                key={vf.index}
                data-testid="vf-row"
                data-index={vf.index}
                className={warned.length ? 'vf-warned' : undefined}
                title={warned.join('\n') || undefined}
              >
                <td>
                  {vf.index}
                  {warned.length > 0 && (
                    <span className="warn-text" data-testid="vf-warning">
                      {' '}
                      ⚠
                    </span>
                  )}
                </td>
                <td className="mono">{vf.mac ?? '—'}</td>
                <td className="mono">
                  {vf.vlans.length
                    ? vf.vlans.map((v) => `${v.vlan}/${v.qos}${v.protocol ? `/${v.protocol}` : ''}`).join(', ')
                    : '—'}
                </td>
                <td>{rate(vf.maxTxRate)}</td>
                <td>{rate(vf.minTxRate)}</td>
                <td>{yesNo(vf.spoofchk)}</td>
                <td>{yesNo(vf.trust)}</td>
                <td>{vf.linkState ?? '—'}</td>
                <td>{yesNo(vf.queryRss)}</td>
                <td>
                  {vf.netdevId ? (
                    <LinkRef id={vf.netdevId} ix={ix} jump={jump} />
                  ) : (
                    (vf.netdevName ?? <span className="muted">none</span>)
                  )}
                </td>
                {onEdit && (
                  <td>
                    <button type="button" className="btn small" data-testid="vf-edit" onClick={() => onEdit(vf)}>
                      edit…
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
