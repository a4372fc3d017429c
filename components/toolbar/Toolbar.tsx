'use client';
import type { ReactNode } from 'react';
import type { Namespace } from '@/shared/host/types';
import type { KindClass } from '../graph/kinds';
import type { ViewOptions } from '../graph/model';
import { KindFilter } from './KindFilter';
import { NamespaceFilter } from './NamespaceFilter';
import { SearchBox } from './SearchBox';
import './toolbar.css';

export type ViewMode = 'graph' | 'links' | 'routes' | 'networks';

interface Props {
  view: ViewOptions;
  setView: (f: (v: ViewOptions) => ViewOptions) => void;
  mode: ViewMode;
  setMode: (m: ViewMode) => void;
  namespaces: Namespace[];
  kindCounts: Map<KindClass, number>;
  matchCount: number | null;
  loading: boolean;
  onRefresh: () => void;
  onRelayout: () => void;
  /** more controls (the editor's New… / Undo / Audit) */
  extra?: ReactNode;
}

const MODES: [ViewMode, string][] = [
  ['graph', 'Graph'],
  ['links', 'Table'],
  ['routes', 'Routes'],
  ['networks', 'Networks'],
];

export function Toolbar(p: Props) {
  const { view, setView } = p;
  return (
    <div className="toolbar" data-testid="toolbar">
      <div className="seg" role="tablist" aria-label="view">
        {MODES.map(([m, label]) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={p.mode === m}
            className={p.mode === m ? 'on' : ''}
            data-testid={`mode-${m}`}
            onClick={() => p.setMode(m)}
          >
            {label}
          </button>
        ))}
      </div>
      <SearchBox value={view.search} onChange={(search) => setView((v) => ({ ...v, search }))} />
      {p.matchCount !== null && (
        <span className="muted match-count" data-testid="match-count">
          {p.matchCount} match{p.matchCount === 1 ? '' : 'es'}
        </span>
      )}
      <KindFilter kinds={view.kinds} counts={p.kindCounts} onChange={(kinds) => setView((v) => ({ ...v, kinds }))} />
      <NamespaceFilter
        namespaces={p.namespaces}
        selected={view.namespaces}
        onChange={(namespaces) => setView((v) => ({ ...v, namespaces }))}
      />
      <label
        className="check inline"
        title="show loopback devices and the tunnel devices the kernel makes in every namespace (sit0, tunl0, gre0, ip6tnl0, …)"
      >
        <input
          type="checkbox"
          data-testid="show-loopback"
          checked={view.showLoopback}
          onChange={(e) => setView((v) => ({ ...v, showLoopback: e.target.checked }))}
        />
        lo &amp; fallback
      </label>
      {view.collapsed.length ? (
        <button
          type="button"
          className="btn"
          data-testid="expand-all"
          onClick={() => setView((v) => ({ ...v, collapsed: [] }))}
          title={`${view.collapsed.length} namespace(s) drawn as one node`}
        >
          expand all
        </button>
      ) : (
        <button
          type="button"
          className="btn"
          data-testid="collapse-all"
          onClick={() => setView((v) => ({ ...v, collapsed: p.namespaces.map((n) => n.id) }))}
          title="draw every namespace as one node"
        >
          collapse all
        </button>
      )}
      {p.extra}
      <span className="spacer" />
      {p.mode === 'graph' && (
        <button
          type="button"
          className="btn"
          data-testid="relayout"
          onClick={p.onRelayout}
          aria-label="re-layout"
          title="re-layout: forget positions and lay everything out again"
        >
          <span aria-hidden="true">⟲</span>
          <span className="tb-label"> re-layout</span>
        </button>
      )}
      <button type="button" className="btn primary" data-testid="refresh" onClick={p.onRefresh} disabled={p.loading}>
        {p.loading ? 'reading…' : 'refresh'}
      </button>
    </div>
  );
}
