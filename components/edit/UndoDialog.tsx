'use client';
// "Undo last change": what the server would revert (edit.last), with the exact commands when this
// page applied that plan itself, then edit.undo and its outcome (rolled back too, if an undo fails).
import { useEffect, useState } from 'react';
import { argvToShell } from '@/server/edits/shell';
import { trpc } from '../trpc';
import { callError, undoLast, type Applied, type CallError, type LastApplied } from './api';
import type { Editor } from './Editor';
import { Modal } from './Modal';
import { OutcomeView } from './OutcomeView';
import { dateTime } from '../clock';

/** the undo argv, newest step first, when the page's own last plan is the one the server would undo */
function undoSteps(recent: Applied | null, last: NonNullable<LastApplied>): { argv: string[] | null; description: string }[] | null {
  if (!recent || !recent.ok) return null;
  const mine = recent.plan.steps.map((s) => s.description);
  if (mine.length !== last.description.length || mine.some((d, i) => d !== last.description[i])) return null;
  return [...recent.plan.steps].reverse().map((s) => ({ argv: s.undo, description: s.description }));
}

export function UndoDialog({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const [last, setLast] = useState<LastApplied | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Applied | null>(null);
  const [error, setError] = useState<CallError | null>(null);

  useEffect(() => {
    trpc.edit.last.query().then(setLast, (e) => setError(callError(e)));
  }, []);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await undoLast();
      setResult(r);
      editor.applied(null);
    } catch (e) {
      setError(callError(e));
    } finally {
      setBusy(false);
    }
  };

  const steps = last ? undoSteps(editor.recent, last) : null;
  return (
    <Modal title="Undo last change" onClose={busy ? undefined : onClose} testId="undo-dialog" wide>
      {last === undefined && !error && <p className="muted">asking the server…</p>}
      {last === null && <p>Nothing to undo: no plan was applied since the server started, or it was undone already.</p>}
      {last && (
        <section className="ed-plan" data-testid="undo-plan">
          <h3>
            Reverts the change of {dateTime(last.at)}: {last.undoable} of {last.steps} step{last.steps === 1 ? '' : 's'} can be undone, newest first
          </h3>
          <ol className="ed-steps">
            {(steps ?? [...last.description].reverse().map((description) => ({ argv: undefined as string[] | null | undefined, description }))).map((s, i) => (
              <li key={i} data-testid="undo-step">
                <div className="ed-step-desc">undo: {s.description}</div>
                {s.argv === null ? <em className="muted">cannot be undone; stays as it is</em> : s.argv ? <code className="ed-argv">{argvToShell(s.argv)}</code> : null}
              </li>
            ))}
          </ol>
          {!steps && <p className="muted">Applied from elsewhere (another tab or client): the server knows the commands and shows them after the undo.</p>}
        </section>
      )}
      {result && <OutcomeView result={result} verb="Undone" />}
      {result?.ok && (
        <details className="ed-ran">
          <summary>commands that ran</summary>
          <pre>{result.shell}</pre>
        </details>
      )}
      {error && <div className="ed-error-box" role="alert" data-testid="edit-error">{error.code && <span className="badge">{error.code}</span>} {error.message}</div>}
      <footer className="ed-actions">
        {!result && (
          <button type="button" className="btn primary" disabled={!last || busy} onClick={() => void run()} data-testid="undo-apply">
            {busy ? 'undoing…' : 'Undo'}
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="btn" onClick={onClose} disabled={busy}>{result ? 'Close' : 'Cancel'}</button>
      </footer>
    </Modal>
  );
}
