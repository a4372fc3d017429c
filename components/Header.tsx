import type { HostSnapshot } from '@/shared/host/types';
import type { LiveState } from './useHost';
import { clockTime } from './clock';

interface Props {
  snapshot: HostSnapshot | null;
  loading: boolean;
  readOnly: boolean | null;
  live: LiveState;
  liveError: string | null;
}

const LIVE_TEXT: Record<LiveState, string> = { live: 'live', connecting: 'connecting…', off: 'not live' };

export function Header({ snapshot, loading, readOnly, live, liveError }: Props) {
  const s = snapshot;
  return (
    <header className="top" data-testid="header">
      <span className="brand">linkscape</span>
      {s && (
        <>
          <span className="host" data-testid="hostname">
            {s.hostname}
          </span>
          <span className="counts" data-testid="counts">
            <b>{s.namespaces.length}</b> namespaces · <b>{s.links.length}</b> links · <b>{s.routes.length}</b> routes
          </span>
          <span className="muted taken" title={s.takenAt}>
            read {clockTime(s.takenAt)}
          </span>
          {!s.root && <span className="badge warn">not root</span>}
        </>
      )}
      {readOnly && <span className="badge">read-only</span>}
      <span
        className={`live live-${live}`}
        data-testid="live"
        data-state={live}
        title={liveError ?? (live === 'live' ? 'changes on the host appear as they happen' : 'use refresh to re-read')}
      >
        <span className="dot" />
        {LIVE_TEXT[live]}
      </span>
      {loading && <span className="muted">reading…</span>}
    </header>
  );
}
