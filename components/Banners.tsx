import type { HostSnapshot } from '@/server/host/types';

/** What the server could not read (not root, unreadable namespaces) and what looks wrong on the host. */
export function Banners({ snapshot, error }: { snapshot: HostSnapshot | null; error: string | null }) {
  return (
    <>
      {error && (
        <div className="banner error" role="alert" data-testid="load-error">
          Could not read the host: <span className="mono">{error}</span>
        </div>
      )}
      {snapshot && snapshot.hidden.length > 0 && (
        <div className="banner hidden-info" data-testid="hidden-banner">
          <strong>Not everything is shown:</strong>
          <ul>{snapshot.hidden.map((h) => <li key={h}>{h}</li>)}</ul>
        </div>
      )}
      {snapshot && snapshot.warnings.length > 0 && (
        <details className="banner warning" data-testid="warnings" open={snapshot.warnings.length <= 3}>
          <summary>{snapshot.warnings.length} warning{snapshot.warnings.length === 1 ? '' : 's'}</summary>
          <ul>
            {snapshot.warnings.map((w, i) => (
              <li key={i} data-code={w.code}><span className="code">{w.code}</span> {w.message}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
