'use client';
// One edit, start to end: fields → Preview (a dry run: the server validates and plans; its issues
// appear beside the fields they name) → Apply (with the lock-out guard's typed confirmation when it
// asks) → the outcome. The page's state is never touched here: the graph changes from host.watch.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Edit } from '@/server/edits/schema';
import { accessRisks } from '@/server/edits/access';
import { applyEdits, callError, CHECKPOINT_EVENT, PAGE_CHECKPOINT_SECONDS, previewEdits, type Applied, type CallError, type FieldIssue, type Preview } from './api';
import { GuardConfirm } from './GuardConfirm';
import { IssuesContext } from './Field';
import { guardLinks, unclaimed } from './issues';
import { Modal } from './Modal';
import { OutcomeView } from './OutcomeView';
import { PlanView } from './PlanView';
import type { AnyForm, HostView } from './forms/types';

interface Props {
  form: AnyForm;
  host: HostView;
  onClose: () => void;
  /** a plan ran (successfully or rolled back): the undo button re-reads edit.last */
  onApplied: (result: Applied) => void;
  /** put the form's edits into the draft instead (planned with the rest, applied all at once) */
  onDraft?: (items: { title: string; edits: Edit[] }[]) => void;
}

interface Guard {
  reasons: string[];
  names: string[];
}

export function EditDialog({ form, host, onClose, onApplied, onDraft }: Props) {
  const [values, setValues] = useState<unknown>(form.initial);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [error, setError] = useState<CallError | null>(null);
  const [preview, setPreview] = useState<{ edits: Edit[]; result: Preview } | null>(null);
  const [guard, setGuard] = useState<Guard | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [result, setResult] = useState<Applied | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);
  const [claims, setClaims] = useState<Map<string, number>>(new Map());

  const claim = useCallback((path: string) => {
    setClaims((m) => new Map(m).set(path, (m.get(path) ?? 0) + 1));
    return () => setClaims((m) => new Map(m).set(path, (m.get(path) ?? 1) - 1));
  }, []);
  const issuesState = useMemo(() => ({ issues, claim }), [issues, claim]);
  const shownFields = [...claims].filter(([, n]) => n > 0).map(([p]) => p);
  const loose = unclaimed(issues, shownFields);

  const set = useCallback((patch: object) => {
    setValues((v: unknown) => ({ ...(v as object), ...patch }));
    // the plan shown was for the old values
    setPreview(null);
    setGuard(null);
    setResult(null);
  }, []);

  const runPreview = useCallback(async () => {
    setError(null);
    setResult(null);
    setPreview(null);
    setGuard(null);
    let edits: Edit[];
    try {
      edits = form.toEdits(values, host);
    } catch (e) {
      setIssues([]);
      setError({ code: null, message: e instanceof Error ? e.message : String(e), issues: [] });
      return;
    }
    setBusy('preview');
    try {
      const r = await previewEdits(edits);
      setIssues([]);
      setPreview({ edits, result: r });
      const names = [...new Set(r.plan.guards.map((g) => g.link))];
      setConfirmed(false);
      if (names.length) setGuard({ reasons: r.plan.guards.map((g) => g.reason), names });
    } catch (e) {
      const ce = callError(e);
      setIssues(ce.issues);
      if (!ce.issues.length) setError(ce);
    } finally {
      setBusy(null);
    }
  }, [form, values, host]);

  const runApply = useCallback(async () => {
    if (!preview) return;
    setError(null);
    setBusy('apply');
    try {
      // a plan that can cut this page off (host addresses, routes, links down/moved) reverts unless kept
      const rootId = host.snapshot.namespaces.find((n) => n.root)?.id ?? null;
      const risky = accessRisks(preview.edits, rootId).length > 0;
      const r = await applyEdits(preview.edits, guard !== null && confirmed, risky ? { seconds: PAGE_CHECKPOINT_SECONDS } : undefined);
      if (r.checkpoint) window.dispatchEvent(new CustomEvent(CHECKPOINT_EVENT));
      setResult(r);
      onApplied(r);
    } catch (e) {
      const ce = callError(e);
      const names = guardLinks(ce.issues);
      if (ce.code === 'PRECONDITION_FAILED' && names.length) {
        // the host changed since the preview, or the preview did not know: ask now
        setGuard({ reasons: ce.issues.map((i) => i.message), names });
        setConfirmed(false);
      } else {
        setIssues(ce.issues);
        setError(ce);
      }
    } finally {
      setBusy(null);
    }
  }, [preview, guard, confirmed, onApplied, host]);

  // nothing to fill in: show the plan at once
  const auto = useRef(false);
  useEffect(() => {
    if (!form.Fields && !auto.current) {
      auto.current = true;
      void runPreview();
    }
  }, [form.Fields, runPreview]);

  const toDraft = useCallback(() => {
    if (!onDraft) return;
    try {
      onDraft(form.toDraftItems ? form.toDraftItems(values, host) : [{ title: form.title, edits: form.toEdits(values, host) }]);
      onClose();
    } catch (e) {
      setError({ code: null, message: e instanceof Error ? e.message : String(e), issues: [] });
    }
  }, [onDraft, form, values, onClose, host]);

  const Fields = form.Fields;
  const done = result !== null;
  const canApply = preview !== null && !done && busy === null && (guard === null || confirmed);

  return (
    <Modal title={form.title} onClose={busy === 'apply' ? undefined : onClose} testId="edit-dialog" dataForm={form.key} wide={preview !== null || done}>
      {form.intro?.(host)}
      <form
        className="ed-form"
        onSubmit={(e) => {
          e.preventDefault();
          void runPreview();
        }}
      >
        <IssuesContext.Provider value={issuesState}>
          {Fields && <Fields values={values} set={set} host={host} />}
        </IssuesContext.Provider>
        {loose.length > 0 && (
          <ul className="ed-issues" data-testid="form-issues">
            {loose.map((i, k) => <li key={k}><span className="mono">{i.path}</span>: {i.message}</li>)}
          </ul>
        )}
        {error && (
          <div className="ed-error-box" role="alert" data-testid="edit-error">
            {error.code && <span className="badge">{error.code}</span>} {error.message}
          </div>
        )}
        {preview && <PlanView plan={preview.result.plan} shell={preview.result.shell} />}
        {guard && !done && <GuardConfirm key={guard.names.join(' ')} reasons={guard.reasons} names={guard.names} onChange={setConfirmed} />}
        {result && <OutcomeView result={result} />}
        <footer className="ed-actions">
          {Fields && !done && (
            <button type="submit" className={`btn${preview ? '' : ' primary'}`} disabled={busy !== null} data-testid="preview">
              {busy === 'preview' ? 'planning…' : preview ? 'Preview again' : 'Preview'}
            </button>
          )}
          {!Fields && !preview && !done && (
            <button type="submit" className="btn" disabled={busy !== null} data-testid="preview">
              {busy === 'preview' ? 'planning…' : 'Preview'}
            </button>
          )}
          {!done && (
            <button type="button" className={`btn ${guard ? 'danger' : 'primary'}`} disabled={!canApply} onClick={() => void runApply()} data-testid="apply">
              {busy === 'apply' ? 'applying…' : guard ? 'Apply anyway (force)' : 'Apply'}
            </button>
          )}
          {!done && onDraft && (
            <button type="button" className="btn" disabled={busy !== null} onClick={toDraft} data-testid="add-to-draft" title="collect it with other edits: one plan, applied all or nothing">
              Add to draft
            </button>
          )}
          {done && !result.ok && Fields && (
            <button type="button" className="btn" onClick={() => set({})} data-testid="back">Back to the form</button>
          )}
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose} disabled={busy === 'apply'} data-testid="close">
            {done ? 'Close' : 'Cancel'}
          </button>
        </footer>
      </form>
    </Modal>
  );
}
