'use client';
// The draft: edits collected from forms, recipes and multi-selection, drawn on the graph, planned as
// one plan whenever the draft changes (a dry run: no Preview click) and applied all or nothing.
// Items can be removed and reordered; the draft exported/imported as JSON, the plan downloaded or copied as a script.
import { useCallback, useMemo, useState } from 'react';
import { type Applied, type CallError } from './api';
import { draftEdits, exportDraft, importDraft, itemOfEdit, moveItem, removeItem } from './draft';
import type { Editor } from './Editor';
import { GuardConfirm } from './GuardConfirm';
import { guardLinks } from './issues';
import { OutcomeView } from './OutcomeView';
import { PlanView, StalePlan } from './PlanView';
import { usePlan } from './usePlan';

export function DraftPanel({ editor }: { editor: Editor }) {
  const { draft, setDraft } = editor;
  const [applyError, setApplyError] = useState<CallError | null>(null);
  const [applying, setApplying] = useState(false);
  const [result, setResult] = useState<Applied | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [open, setOpen] = useState(true);
  const [importText, setImportText] = useState<string | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  // the toolbar's "import a draft": the panel opens with its import, also when there is no draft yet
  const [seenAsk, setSeenAsk] = useState(0);
  if (editor.importAsk !== seenAsk) {
    setSeenAsk(editor.importAsk);
    if (editor.importAsk) {
      setOpen(true);
      setImportText('');
    }
  }

  // one plan for the whole draft, made again whenever it changes (the same live plan as a form's)
  const edits = useMemo(() => draftEdits(draft), [draft]);
  const live = usePlan(edits);
  const shown = live.current ? live.shown : null;
  const preview = shown?.preview ?? null;
  const error = live.error ?? applyError;
  const busy: 'plan' | 'apply' | null = applying ? 'apply' : live.planning ? 'plan' : null;
  // a changed draft: its old refusal and confirmation are gone (adjusted while rendering)
  const [prevDraft, setPrevDraft] = useState(draft);
  if (draft !== prevDraft) {
    setPrevDraft(draft);
    setApplyError(null);
    setConfirmed(false);
    if (draft.length) setResult(null);
  }

  const guardNames = preview ? [...new Set(preview.plan.guards.map((g) => g.link))] : [];
  const canApply = preview !== null && busy === null && (guardNames.length === 0 || confirmed);

  const apply = useCallback(async () => {
    setApplying(true);
    setApplyError(null);
    try {
      const out = await live.apply(guardNames.length > 0 && confirmed);
      if ('stale' in out) {
        setConfirmed(false);
      } else if ('applied' in out) {
        setResult(out.applied);
        editor.applied(out.applied);
        if (out.applied.ok) setDraft([]);
      } else setApplyError(out.refused);
    } finally {
      setApplying(false);
    }
  }, [live, guardNames.length, confirmed, editor, setDraft]);

  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([exportDraft(draft)], { type: 'application/json' }));
    a.download = 'linkscape-draft.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
  };

  const doImport = () => {
    try {
      setDraft([...draft, ...importDraft(importText ?? '')]);
      setImportText(null);
      setImportError(null);
    } catch (e) {
      setImportError(e instanceof Error ? e.message : String(e));
    }
  };

  if (!draft.length && !result && importText === null) return null;
  // issues name edits by their index in the whole draft: say which item
  const issueText = (path: string, message: string) => {
    const m = /^edits\.(\d+)\.?(.*)$/.exec(path);
    const item = m ? itemOfEdit(draft, Number(m[1])) : null;
    return item ? `${item.title}${m![2] ? ` · ${m![2]}` : ''}: ${message}` : `${path}: ${message}`;
  };
  const guardReasons = preview?.plan.guards.map((g) => g.reason) ?? [];

  return (
    <section className="ed-draft" data-testid="draft" data-open={open}>
      <header className="ed-draft-head">
        <button type="button" className="btn small" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? '▾' : '▸'}
        </button>
        <strong>Draft</strong>
        <span className="muted" data-testid="draft-summary">
          {draft.length} item{draft.length === 1 ? '' : 's'}
          {preview
            ? ` · ${preview.plan.steps.length} command${preview.plan.steps.length === 1 ? '' : 's'}`
            : busy === 'plan'
              ? ' · planning…'
              : error
                ? ' · refused'
                : ''}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn small"
          onClick={download}
          disabled={!draft.length}
          data-testid="draft-export"
        >
          Export
        </button>
        <button
          type="button"
          className="btn small"
          onClick={() => setImportText(importText === null ? '' : null)}
          data-testid="draft-import"
        >
          Import
        </button>
        <button
          type="button"
          className="btn small"
          onClick={() => {
            setDraft([]);
            setResult(null);
            setImportText(null);
          }}
          disabled={busy === 'apply'}
          data-testid="draft-clear"
        >
          Discard
        </button>
      </header>
      {open && (
        <div className="ed-draft-body">
          {importText !== null && (
            <div className="ed-draft-import">
              <textarea
                value={importText}
                onChange={(e) => setImportText(e.target.value)}
                placeholder='{"linkscapeDraft": 1, "items": [...]}'
                rows={5}
                data-testid="draft-import-text"
              />
              <div className="ed-draft-row">
                <input
                  type="file"
                  accept="application/json,.json"
                  onChange={(e) => void e.target.files?.[0]?.text().then(setImportText)}
                />
                <button type="button" className="btn small primary" onClick={doImport} data-testid="draft-import-apply">
                  Add to draft
                </button>
              </div>
              {importError && (
                <div className="ed-error-box" role="alert" data-testid="draft-import-error">
                  {importError}
                </div>
              )}
            </div>
          )}
          <ol className="ed-draft-items">
            {draft.map((it, i) => (
              <li key={it.id} data-testid="draft-item" data-title={it.title}>
                <span className="ed-draft-title">{it.title}</span>
                <span className="muted">
                  {' '}
                  · {it.edits.length} edit{it.edits.length === 1 ? '' : 's'}
                </span>
                <span className="spacer" />
                <button
                  type="button"
                  className="btn small"
                  disabled={i === 0}
                  onClick={() => setDraft(moveItem(draft, it.id, -1))}
                  title="earlier"
                  data-testid="draft-up"
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="btn small"
                  disabled={i === draft.length - 1}
                  onClick={() => setDraft(moveItem(draft, it.id, 1))}
                  title="later"
                  data-testid="draft-down"
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="btn small"
                  onClick={() => setDraft(removeItem(draft, it.id))}
                  title="remove from the draft"
                  data-testid="draft-remove"
                >
                  ×
                </button>
              </li>
            ))}
          </ol>
          {live.stale && <StalePlan refused={live.shown === null} />}
          {error && (
            <div className="ed-error-box" role="alert" data-testid="draft-error">
              {error.code && <span className="badge">{error.code}</span>}{' '}
              {error.issues.length ? (
                <ul>
                  {error.issues.map((i, k) => (
                    <li key={k}>{issueText(i.path, i.message)}</li>
                  ))}
                </ul>
              ) : (
                error.message
              )}
              {guardLinks(error.issues).length > 0 && <p>The host changed since the plan: look again.</p>}
            </div>
          )}
          {preview && preview.plan.warnings.length > 0 && (
            <ul className="ed-warnings" data-testid="draft-warnings">
              {preview.plan.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
          {preview && (
            <details className="ed-draft-plan" open={preview.plan.steps.length <= 6}>
              <summary>
                the plan: {preview.plan.steps.length} command{preview.plan.steps.length === 1 ? '' : 's'}, in order, all
                or nothing (and the script)
              </summary>
              <PlanView plan={preview.plan} shell={preview.shell} warnings={false} />
            </details>
          )}
          {guardNames.length > 0 && (
            <GuardConfirm
              key={guardNames.join(' ')}
              reasons={guardReasons}
              names={guardNames}
              onChange={setConfirmed}
            />
          )}
          {result && <OutcomeView result={result} />}
          <footer className="ed-actions">
            {draft.length > 0 && (
              <button
                type="button"
                className={`btn ${guardNames.length ? 'danger' : 'primary'}`}
                disabled={!canApply}
                onClick={() => void apply()}
                data-testid="draft-apply"
              >
                {busy === 'apply'
                  ? 'applying…'
                  : busy === 'plan'
                    ? 'planning…'
                    : `Apply all${preview ? ` (${preview.plan.steps.length} commands)` : ''}`}
              </button>
            )}
            {result && !draft.length && (
              <button type="button" className="btn" onClick={() => setResult(null)} data-testid="draft-close">
                Close
              </button>
            )}
          </footer>
        </div>
      )}
    </section>
  );
}
