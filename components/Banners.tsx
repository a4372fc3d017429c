import { useState } from 'react';
import type { HostSnapshot } from '@/shared/host/types';

/** What the server could not read (not root, unreadable namespaces) and what looks wrong on the host. */
export function Banners({ snapshot, error }: { snapshot: HostSnapshot | null; error: string | null }) {
  // the user may put away what is not shown; it comes back when the list changes
  const [dismissed, setDismissed] = useState<string | null>(null);
  const hiddenKey = snapshot?.hidden.join('\n') ?? '';
  return (
    <>
      {error && (
        <div className="banner error" role="alert" data-testid="load-error">
          Could not read the host: <span className="mono">{error}</span>
        </div>
      )}
      {snapshot && snapshot.hidden.length > 0 && dismissed !== hiddenKey && (
        <div className="banner hidden-info" data-testid="hidden-banner">
          <strong>Not everything is shown:</strong>
          <ul>
            {snapshot.hidden.map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
          <button
            className="btn small dismiss"
            data-testid="hidden-dismiss"
            title="Hide this until the list changes"
            onClick={() => setDismissed(hiddenKey)}
          >
            ×
          </button>
        </div>
      )}
      {snapshot && snapshot.warnings.length > 0 && (
        <details className="banner warning" data-testid="warnings" open={snapshot.warnings.length <= 3}>
          <summary>
            {snapshot.warnings.length} warning{snapshot.warnings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {snapshot.warnings.map((w, i) => (
              <li key={i} data-code={w.code}>
                <span className="code">{w.code}</span> {w.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
