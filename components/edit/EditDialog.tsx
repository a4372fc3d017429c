'use client';
// One edit, start to end: fields → the plan inline, made as the fields are filled in (a dry run: the
// server validates and plans; its issues appear beside the fields they name; usePlan, the draft's code
// path) → Apply, which runs exactly the plan shown (with the lock-out guard's typed confirmation when it
// asks) → the outcome. The page's state is never touched here: the graph changes from host.watch.
import { useCallback, useMemo, useState } from 'react';
import type { Edit } from '@/shared/edits/schema';
import { accessRisks } from '@/shared/edits/access';
import { CHECKPOINT_EVENT, PAGE_CHECKPOINT_SECONDS, type Applied, type CallError } from './api';
import { GuardConfirm } from './GuardConfirm';
import { IssuesContext } from './Field';
import { guardLinks, unclaimed } from './issues';
import { Modal } from './Modal';
import { OutcomeView } from './OutcomeView';
import { PlanView, StalePlan } from './PlanView';
import { usePlan } from './usePlan';
import type { AnyForm, FormHost } from './forms/types';

/** typing: plan once the user pauses this long */
const TYPING_MS = 250;

interface Props {
  form: AnyForm;
  host: FormHost;
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
  const [applyError, setApplyError] = useState<CallError | null>(null);
  /** a guard the apply itself met (the host changed since the plan, or the plan did not know) */
  const [lateGuard, setLateGuard] = useState<Guard | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [result, setResult] = useState<Applied | null>(null);
  const [applying, setApplying] = useState(false);
  const [claims, setClaims] = useState<Map<string, number>>(new Map());

  // the edits the form stands for now; a form may refuse on its own (e.g. the object is gone)
  const built = useMemo((): { edits: Edit[] | null; error: CallError | null } => {
    try {
      return { edits: form.toEdits(values, host), error: null };
    } catch (e) {
      return { edits: null, error: { code: null, message: e instanceof Error ? e.message : String(e), issues: [] } };
    }
  }, [form, values, host]);
  const live = usePlan(built.edits, form.Fields ? TYPING_MS : 0);
  const shown = live.shown;
  const issues = useMemo(() => live.error?.issues ?? applyError?.issues ?? [], [live.error, applyError]);
  const error = built.error ?? (live.error && !live.error.issues.length ? live.error : null) ?? applyError;

  const claim = useCallback((path: string) => {
    setClaims((m) => new Map(m).set(path, (m.get(path) ?? 0) + 1));
    return () => setClaims((m) => new Map(m).set(path, (m.get(path) ?? 1) - 1));
  }, []);
  const issuesState = useMemo(() => ({ issues, claim }), [issues, claim]);
  const shownFields = [...claims].filter(([, n]) => n > 0).map(([p]) => p);
  const loose = unclaimed(issues, shownFields);

  const planGuard = useMemo((): Guard | null => {
    const gs = shown?.preview.plan.guards ?? [];
    return gs.length ? { reasons: gs.map((g) => g.reason), names: [...new Set(gs.map((g) => g.link))] } : null;
  }, [shown]);
  const guard = lateGuard ?? planGuard;
  const guardKey = guard?.names.join(' ') ?? '';
  // a new guard (another plan, or the apply's own) is confirmed anew (adjusted while rendering)
  const [prevGuardKey, setPrevGuardKey] = useState(guardKey);
  if (guardKey !== prevGuardKey) {
    setPrevGuardKey(guardKey);
    setConfirmed(false);
  }

  const set = useCallback((patch: object) => {
    setValues((v: unknown) => ({ ...(v as object), ...patch }));
    setApplyError(null);
    setLateGuard(null);
    setResult(null);
  }, []);

  const runApply = useCallback(async () => {
    if (!shown) return;
    setApplyError(null);
    setApplying(true);
    try {
      // a plan that can cut this page off (host addresses, routes, links down/moved) reverts unless kept
      const rootId = host.snapshot.namespaces.find((n) => n.root)?.id ?? null;
      const risky = accessRisks(shown.edits, rootId).length > 0;
      const out = await live.apply(
        guard !== null && confirmed,
        risky ? { seconds: PAGE_CHECKPOINT_SECONDS } : undefined,
      );
      if ('stale' in out) {
        setConfirmed(false);
        return;
      }
      if ('applied' in out) {
        if (out.applied.checkpoint) window.dispatchEvent(new CustomEvent(CHECKPOINT_EVENT));
        setResult(out.applied);
        onApplied(out.applied);
        return;
      }
      const ce = out.refused;
      const names = guardLinks(ce.issues);
      if (ce.code === 'PRECONDITION_FAILED' && names.length) {
        // the host changed since the plan, or the plan did not know: ask now
        setLateGuard({ reasons: ce.issues.map((i) => i.message), names });
        setConfirmed(false);
      } else if (!live.stale) {
        setApplyError(ce);
      }
    } finally {
      setApplying(false);
    }
  }, [shown, live, guard, confirmed, onApplied, host]);

  const toDraft = useCallback(() => {
    if (!onDraft) return;
    try {
      onDraft(
        form.toDraftItems
          ? form.toDraftItems(values, host)
          : [{ title: form.title, edits: form.toEdits(values, host) }],
      );
      onClose();
    } catch (e) {
      setApplyError({ code: null, message: e instanceof Error ? e.message : String(e), issues: [] });
    }
  }, [onDraft, form, values, onClose, host]);

  const Fields = form.Fields;
  const done = result !== null;
  const busy = applying || live.planning;
  const canApply = shown !== null && live.current && !done && !busy && (guard === null || confirmed);

  return (
    <Modal
      title={form.title}
      onClose={applying ? undefined : onClose}
      testId="edit-dialog"
      dataForm={form.key}
      wide={shown !== null || done}
    >
      {form.intro?.(host)}
      <form
        className="ed-form"
        onSubmit={(e) => {
          // Enter in a field plans at once; it never applies
          e.preventDefault();
          live.replan();
        }}
      >
        <IssuesContext.Provider value={issuesState}>
          {Fields && <Fields values={values} set={set} host={host} />}
        </IssuesContext.Provider>
        {loose.length > 0 && (
          <ul className="ed-issues" data-testid="form-issues">
            {loose.map((i, k) => (
              <li key={k}>
                <span className="mono">{i.path}</span>: {i.message}
              </li>
            ))}
          </ul>
        )}
        {error && (
          <div className="ed-error-box" role="alert" data-testid="edit-error">
            {error.code && <span className="badge">{error.code}</span>} {error.message}
          </div>
        )}
        {live.stale && !done && <StalePlan refused={shown === null} />}
        {shown && !built.error && (
          <PlanView plan={shown.preview.plan} shell={shown.preview.shell} current={live.current && !live.planning} />
        )}
        {!shown && live.planning && !done && (
          <p className="muted" data-testid="planning">
            planning…
          </p>
        )}
        {guard && !done && (
          <GuardConfirm key={guardKey} reasons={guard.reasons} names={guard.names} onChange={setConfirmed} />
        )}
        {result && <OutcomeView result={result} />}
        <footer className="ed-actions">
          {!done && (
            <button
              type="button"
              className={`btn ${guard ? 'danger' : 'primary'}`}
              disabled={!canApply}
              onClick={() => void runApply()}
              data-testid="apply"
            >
              {applying
                ? 'applying…'
                : live.planning
                  ? 'planning…'
                  : guard
                    ? 'Apply anyway (force)'
                    : `Apply${shown && live.current ? ` (${shown.preview.plan.steps.length} command${shown.preview.plan.steps.length === 1 ? '' : 's'})` : ''}`}
            </button>
          )}
          {!done && onDraft && (
            <button
              type="button"
              className="btn"
              disabled={applying}
              onClick={toDraft}
              data-testid="add-to-draft"
              title="collect it with other edits: one plan, applied all or nothing"
            >
              Add to draft
            </button>
          )}
          {done && !result.ok && Fields && (
            <button
              type="button"
              className="btn"
              onClick={() => {
                set({});
                live.replan();
              }}
              data-testid="back"
            >
              Back to the form
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose} disabled={applying} data-testid="close">
            {done ? 'Close' : 'Cancel'}
          </button>
        </footer>
      </form>
    </Modal>
  );
}
