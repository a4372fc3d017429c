import type { Address } from '@/shared/host/types';

export function AddressTable({ addresses }: { addresses: Address[] }) {
  if (!addresses.length) return <p className="muted">no addresses</p>;
  return (
    <div className="table-wrap">
      <table className="grid" data-testid="address-table">
        <thead>
          <tr>
            <th>family</th>
            <th>address</th>
            <th>scope</th>
            <th>peer / brd</th>
            <th>label</th>
            <th>flags</th>
          </tr>
        </thead>
        <tbody>
          {addresses.map((a) => (
            <tr key={a.cidr} data-testid="address-row">
              <td>{a.family}</td>
              <td className="mono">{a.cidr}</td>
              <td>{a.scope}</td>
              <td className="mono">{a.peer ?? a.broadcast ?? ''}</td>
              <td>{a.label ?? ''}</td>
              <td>{a.flags.join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
