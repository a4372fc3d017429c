'use client';
// A strip under the graph (never over it): kinds, edge types, states.
import { EDGE_COLORS, EDGE_LABELS, EDGE_TYPES, KIND_CLASSES, KIND_COLORS, KIND_LABELS } from './graph/kinds';
import { OPER_COLORS } from './graph/style';

export function Legend() {
  return (
    <details className="legend" data-testid="legend" open>
      <summary>legend</summary>
      <div className="legend-row">
        {KIND_CLASSES.map((k) => (
          <span key={k} className="legend-item">
            <span className="swatch" style={{ background: KIND_COLORS[k] }} />
            {KIND_LABELS[k]}
          </span>
        ))}
      </div>
      <div className="legend-row">
        {EDGE_TYPES.map((t) => (
          <span key={t} className="legend-item">
            <span className={`edge-swatch e-${t}`} style={{ borderColor: EDGE_COLORS[t] }} />
            {EDGE_LABELS[t]}
          </span>
        ))}
        <span className="legend-sep" />
        {Object.entries(OPER_COLORS).map(([k, c]) => (
          <span key={k} className="legend-item">
            <span className="swatch hollow" style={{ borderColor: c }} />
            {k}
          </span>
        ))}
        <span className="legend-item">
          <span className="swatch hollow dashed" />
          admin down
        </span>
        <span className="muted legend-hint">· double-click a namespace to collapse it</span>
      </div>
    </details>
  );
}
