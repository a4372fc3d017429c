// A dense key/value list; empty values show as a dash so the reader knows the kernel said nothing.
import type { ReactNode } from 'react';

export type AttrRow = [label: string, value: ReactNode];

const empty = (v: ReactNode) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

export function Attrs({ rows, testId }: { rows: AttrRow[]; testId?: string }) {
  return (
    <dl className="attrs" data-testid={testId}>
      {rows.map(([k, v]) => (
        <div key={k} className="attr" data-attr={k}>
          <dt>{k}</dt>
          <dd>{empty(v) ? <span className="muted">—</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}
