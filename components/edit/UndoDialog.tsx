'use client';
// Undo / Redo: the server's history (edit.history), the next change with the exact commands it runs,
// the ones after it; then edit.undo / edit.redo of exactly that change (refused if another tab moved
// the history meanwhile) and its outcome (rolled back too, if a step fails).
import { useEffect, useState } from 'react';
import { argvToShell } from '@/shared/edits/shell';
import { trpc } from '../trpc';
import { callError, onNode, redoLast, undoLast, type Applied, type CallError, type History } from './api';
import type { Editor } from './Editor';
import { Modal } from './Modal';
import { OutcomeView } from './OutcomeView';
import { dateTime } from '../clock';

export function UndoDialog({ editor, mode, onClose }: { editor: Editor; mode: 'undo' | 'redo'; onClose: () => void }) {
  const [history, setHistory] = useState<History | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Applied | null>(null);
  const [error, setError] = useState<CallError | null>(null);

  const load = () => trpc.edit.history.query(onNode()).then(setHistory, (e) => setError(callError(e)));
  useEffect(() => {
    void load();
  }, []);

  const list = history ? history[mode] : [];
  const next = list[0] ?? null;
  const Verb = mode === 'undo' ? 'Undo' : 'Redo';

  const run = async () => {
    if (!next) return;
    setBusy(true);
    setError(null);
    try {
      const r = await (mode === 'undo' ? undoLast(next.id) : redoLast(next.id));
      setResult(r);
      editor.applied(null);
    } catch (e) {
      setError(callError(e));
      void load();
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setResult(null);
    setHistory(undefined); // not the list from before this undo: it names the change just undone
    void load();
  };

  return (
    <Modal
      title={`${Verb} — ${list.length} change${list.length === 1 ? '' : 's'} can be ${mode === 'undo' ? 'undone' : 'redone'}`}
      onClose={busy ? undefined : onClose}
      testId="undo-dialog"
      wide
    >
      {history === undefined && !error && <p className="muted">asking the server…</p>}
      {history && !next && !result && (
        <p data-testid="undo-none">
          {mode === 'undo'
            ? 'Nothing to undo: no change that can be undone was applied since the server started, or all were undone.'
            : 'Nothing to redo: nothing was undone since the last change.'}
        </p>
      )}
      {next && !result && (
        <section className="ed-plan" data-testid="undo-plan" data-id={next.id}>
          <h3>
            {Verb} “{next.title}” ({mode === 'undo' ? 'applied' : 'undone'} {dateTime(next.at)}): {next.runs.length}{' '}
            command{next.runs.length === 1 ? '' : 's'}, all or nothing
          </h3>
          {next.undoable < next.steps && mode === 'undo' && (
            <p className="warn-text">
              {next.steps - next.undoable} of its {next.steps} steps cannot be undone and stay as they are.
            </p>
          )}
          <ol className="ed-steps">
            {next.runs.map((s, i) => (
              <li key={i} data-testid="undo-step">
                <div className="ed-step-desc">{s.description}</div>
                <code className="ed-argv">{argvToShell(s.argv)}</code>
              </li>
            ))}
          </ol>
          {list.length > 1 && (
            <details className="ed-history" data-testid="history-rest">
              <summary>
                then, one {mode} at a time: {list.length - 1} older change{list.length === 2 ? '' : 's'}
              </summary>
              <ol>
                {list.slice(1).map((h) => (
                  <li key={h.id} data-testid="history-item">
                    <span className="mono">{dateTime(h.at)}</span> {h.title}
                  </li>
                ))}
              </ol>
            </details>
          )}
        </section>
      )}
      {result && <OutcomeView result={result} verb={mode === 'undo' ? 'Undone' : 'Redone'} />}
      {error && (
        <div className="ed-error-box" role="alert" data-testid="edit-error">
          {error.code && <span className="badge">{error.code}</span>} {error.message}
        </div>
      )}
      <footer className="ed-actions">
        {!result && (
          <button
            type="button"
            className="btn primary"
            disabled={!next || busy}
            onClick={() => void run()}
            data-testid="undo-apply"
          >
            {busy ? (mode === 'undo' ? 'undoing…' : 'redoing…') : Verb}
          </button>
        )}
        {result?.ok && (
          <button type="button" className="btn" onClick={again} data-testid="undo-again">
            {Verb} another…
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="btn" onClick={onClose} disabled={busy} data-testid="undo-close">
          {result ? 'Close' : 'Cancel'}
        </button>
      </footer>
    </Modal>
  );
}
