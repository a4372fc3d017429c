'use client';
// The audit log (edit.audit): every plan applied, refused or undone — when, from where, the commands,
// the outcome. Previews (dry runs) are logged too and can be shown.
import { useCallback, useEffect, useState } from 'react';
import { argvToShell } from '@/shared/edits/shell';
import { trpc } from '../trpc';
import { callError, onNode, type AuditEntry, type CallError } from './api';
import { Modal } from './Modal';
import { dateTime } from '../clock';
import { auditOutcomeText } from './auditText';

function outcomeText(e: AuditEntry): { text: string; cls: string } {
  return auditOutcomeText(e.action, e.outcome, e.plan.length);
}

export function AuditDialog({ onClose }: { onClose: () => void }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const [previews, setPreviews] = useState(false);

  // state is set when the answer comes, never synchronously in the effect below
  const fetchEntries = useCallback(
    () =>
      trpc.edit.audit.query({ limit: 500, ...onNode() }).then(
        (e) => setEntries([...e].reverse()),
        (e) => setError(callError(e)),
      ),
    [],
  );
  const load = () => {
    setError(null);
    void fetchEntries();
  };
  useEffect(() => {
    void fetchEntries();
  }, [fetchEntries]);

  const shown = (entries ?? []).filter((e) => previews || !e.dryRun);
  return (
    <Modal title="Audit log" onClose={onClose} testId="audit-dialog" wide>
      <div className="ed-audit-bar">
        <label className="check inline">
          <input
            type="checkbox"
            checked={previews}
            onChange={(e) => setPreviews(e.target.checked)}
            data-testid="audit-previews"
          />
          show previews (dry runs)
        </label>
        <button type="button" className="btn small" onClick={load}>
          reload
        </button>
        <span className="muted">
          {entries ? `${shown.length} of the last ${entries.length} entries, newest first` : 'reading…'}
        </span>
      </div>
      {error && (
        <div className="ed-error-box" role="alert">
          {error.code && <span className="badge">{error.code}</span>} {error.message}
        </div>
      )}
      {entries && !shown.length && <p className="muted">Nothing here yet.</p>}
      <ol className="ed-audit" data-testid="audit-list">
        {shown.map((e, i) => {
          const o = outcomeText(e);
          return (
            <li key={i} data-testid="audit-entry" data-action={e.action}>
              <div className="ed-audit-head">
                <span className="mono">{dateTime(e.when)}</span>
                <span className="badge">
                  {e.action}
                  {e.force ? ' · force' : ''}
                </span>
                <span className="muted">
                  from {e.remote}
                  {e.forwardedFor ? ` (X-Forwarded-For: ${e.forwardedFor})` : ''}
                </span>
                <span className={o.cls}>{o.text}</span>
              </div>
              <details>
                <summary>
                  {e.plan.length} command{e.plan.length === 1 ? '' : 's'}: {e.plan[0]?.description ?? ''}
                  {e.plan.length > 1 ? ' …' : ''}
                </summary>
                <pre>{e.plan.map((s) => `# ${s.description}\n${argvToShell(s.argv)}`).join('\n')}</pre>
              </details>
            </li>
          );
        })}
      </ol>
    </Modal>
  );
}
