'use client';
import { useState } from 'react';
import type { Namespace } from '@/shared/host/types';
import { namespaceMatches } from '../graph/search';
import { Dropdown } from './Dropdown';

interface Props {
  namespaces: Namespace[];
  selected: string[] | null;
  onChange: (ids: string[] | null) => void;
}

/** Pick which namespaces to draw; with hundreds, type to narrow the list — by name or by owner, as the search
 *  finds them: container, pod, Kubernetes namespace, image, runtime network, an address the runtime gave. */
export function NamespaceFilter({ namespaces, selected, onChange }: Props) {
  const [q, setQ] = useState('');
  const shown = q.trim() ? namespaces.filter((n) => namespaceMatches(q, n)) : namespaces;
  const on = (id: string) => selected === null || selected.includes(id);
  const set = (ids: string[]) => onChange(ids.length === namespaces.length ? null : ids);
  const toggle = (id: string) => {
    const cur = selected ?? namespaces.map((n) => n.id);
    set(cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id]);
  };
  return (
    <Dropdown
      label={selected ? `namespaces ${selected.length}/${namespaces.length}` : 'namespaces'}
      active={selected !== null}
      testId="ns-filter"
    >
      <input
        type="search"
        placeholder="name, container, pod, image, network"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div className="row-actions">
        <button type="button" className="btn small" onClick={() => onChange(null)}>
          all
        </button>
        <button type="button" className="btn small" onClick={() => set([])}>
          none
        </button>
        {q && (
          <button
            type="button"
            className="btn small"
            onClick={() => set([...new Set([...(selected ?? []), ...shown.map((n) => n.id)])])}
          >
            add shown
          </button>
        )}
        {q && (
          <button type="button" className="btn small" onClick={() => set(shown.map((n) => n.id))}>
            only shown
          </button>
        )}
      </div>
      <div className="check-list">
        {shown.map((n) => (
          <label key={n.id} className="check">
            <input type="checkbox" checked={on(n.id)} onChange={() => toggle(n.id)} data-ns={n.id} />
            {n.label}
            <span className="muted count">{n.source}</span>
          </label>
        ))}
      </div>
    </Dropdown>
  );
}
