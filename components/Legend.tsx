'use client';
import { EDGE_COLORS, EDGE_LABELS, EDGE_TYPES, KIND_CLASSES, KIND_COLORS, KIND_LABELS } from './graph/kinds';
import { OPER_COLORS } from './graph/style';

export function Legend() {
  return (
    <details className="legend" data-testid="legend" open>
      <summary>legend</summary>
      <div className="legend-grid">
        {KIND_CLASSES.map((k) => (
          <span key={k} className="legend-item"><span className="swatch" style={{ background: KIND_COLORS[k] }} />{KIND_LABELS[k]}</span>
        ))}
      </div>
      <div className="legend-edges">
        {EDGE_TYPES.map((t) => (
          <span key={t} className="legend-item">
            <span className={`edge-swatch e-${t}`} style={{ borderColor: EDGE_COLORS[t] }} />{EDGE_LABELS[t]}
          </span>
        ))}
      </div>
      <div className="legend-grid">
        {Object.entries(OPER_COLORS).map(([k, c]) => (
          <span key={k} className="legend-item"><span className="swatch hollow" style={{ borderColor: c }} />oper {k}</span>
        ))}
        <span className="legend-item"><span className="swatch hollow dashed" />admin down</span>
      </div>
      <p className="muted">Double-click a namespace to collapse or expand it.</p>
    </details>
  );
}
