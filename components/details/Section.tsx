import type { ReactNode } from 'react';

export function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section className="panel-section">
      <h3>
        {title}
        {count !== undefined && <span className="count">{count}</span>}
      </h3>
      {children}
    </section>
  );
}
