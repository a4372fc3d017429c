'use client';
import { KIND_CLASSES, KIND_COLORS, KIND_LABELS, type KindClass } from '../graph/kinds';
import { Dropdown } from './Dropdown';

interface Props {
  kinds: KindClass[] | null;
  /** how many links of each kind the host has */
  counts: Map<KindClass, number>;
  onChange: (kinds: KindClass[] | null) => void;
}

export function KindFilter({ kinds, counts, onChange }: Props) {
  const on = (k: KindClass) => kinds === null || kinds.includes(k);
  const toggle = (k: KindClass) => {
    const cur = kinds ?? [...KIND_CLASSES];
    const next = cur.includes(k) ? cur.filter((x) => x !== k) : [...cur, k];
    onChange(next.length === KIND_CLASSES.length ? null : next);
  };
  return (
    <Dropdown
      label={kinds ? `kinds ${kinds.length}/${KIND_CLASSES.length}` : 'kinds'}
      active={kinds !== null}
      testId="kind-filter"
    >
      <div className="row-actions">
        <button type="button" className="btn small" onClick={() => onChange(null)}>
          all
        </button>
        <button type="button" className="btn small" onClick={() => onChange([])}>
          none
        </button>
      </div>
      {KIND_CLASSES.map((k) => (
        <label key={k} className="check">
          <input type="checkbox" checked={on(k)} onChange={() => toggle(k)} data-kind={k} />
          <span className="swatch" style={{ background: KIND_COLORS[k] }} />
          {KIND_LABELS[k]}
          <span className="muted count">{counts.get(k) ?? 0}</span>
        </label>
      ))}
    </Dropdown>
  );
}
