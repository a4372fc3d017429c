'use client';
// Two things the server must tell the page about its own safety nets:
// - a change waiting for confirmation ("Keep these changes? reverting in 30 s" + Keep / Revert now): if
//   nobody keeps it — the page is gone, the change cut it off — the server reverts it by itself;
// - a plan a crash (or kill) interrupted, which the server rolled back when it started again (shown until dismissed).
import { useCallback, useEffect, useState } from 'react';
import { trpc, errorText } from '../trpc';
import { CHECKPOINT_EVENT, onNode } from './api';

type Status = Awaited<ReturnType<typeof trpc.edit.checkpoint.query>>;
type Recovery = Awaited<ReturnType<typeof trpc.edit.recovery.query>>;

export function SafetyBanners({ canEdit }: { canEdit: boolean }) {
  const [status, setStatus] = useState<Status | null>(null);
  /** local clock time the pending checkpoint runs out (from the server's remainingMs: no clock skew) */
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [recovery, setRecovery] = useState<Recovery>(null);
  const [error, setError] = useState<string | null>(null);
  const [seenReverted, setSeenReverted] = useState<string | null>(null);

  // state is set when the answer comes (a promise callback), never synchronously in the effects below
  const refresh = useCallback(
    () =>
      trpc.edit.checkpoint.query(onNode()).then(
        (s) => {
          setStatus(s);
          setDeadline(s.pending ? Date.now() + s.pending.remainingMs : null);
        },
        (e) => setError(errorText(e)),
      ),
    [],
  );

  useEffect(() => {
    if (!canEdit) return;
    void refresh();
    trpc.edit.recovery.query(onNode()).then(setRecovery, () => undefined);
    const on = () => void refresh();
    window.addEventListener(CHECKPOINT_EVENT, on);
    return () => window.removeEventListener(CHECKPOINT_EVENT, on);
  }, [canEdit, refresh]);

  // on first load, a revert that happened earlier is not news for this page
  // (adjusted while rendering, when the first status arrives)
  const [firstRevert, setFirstRevert] = useState<string | null | undefined>(undefined);
  if (status && firstRevert === undefined) setFirstRevert(status.reverted?.id ?? null);

  const pending = status?.pending ?? null;
  useEffect(() => {
    if (!pending || deadline === null) return;
    const t = setInterval(() => {
      setNow(Date.now());
      // the server reverts at the deadline: ask it what happened a moment after
      if (Date.now() > deadline + 1000) void refresh();
    }, 250);
    return () => clearInterval(t);
  }, [pending, deadline, refresh]);

  const keep = async () => {
    if (!pending) return;
    try {
      await trpc.edit.confirm.mutate({ id: pending.id, ...onNode() });
    } catch (e) {
      setError(errorText(e));
    }
    void refresh();
  };
  const revertNow = async () => {
    if (!pending) return;
    try {
      await trpc.edit.revert.mutate({ id: pending.id, ...onNode() });
    } catch (e) {
      setError(errorText(e));
    }
    void refresh();
  };

  const reverted =
    status?.reverted && status.reverted.id !== firstRevert && status.reverted.id !== seenReverted
      ? status.reverted
      : null;
  const left = pending && deadline !== null ? Math.max(0, Math.ceil((deadline - now) / 1000)) : 0;
  return (
    <>
      {pending && (
        <div
          className="banner checkpoint"
          role="alertdialog"
          aria-live="assertive"
          data-testid="checkpoint"
          data-id={pending.id}
        >
          <strong>Keep these changes?</strong> <span data-testid="checkpoint-countdown">reverting in {left} s</span>
          <span className="muted">
            {' '}
            — {pending.steps.length} step{pending.steps.length === 1 ? '' : 's'}: {pending.steps.slice(0, 3).join('; ')}
            {pending.steps.length > 3 ? '; …' : ''}
          </span>
          <span className="cp-buttons">
            <button type="button" className="primary" data-testid="checkpoint-keep" onClick={() => void keep()}>
              Keep
            </button>
            <button type="button" data-testid="checkpoint-revert" onClick={() => void revertNow()}>
              Revert now
            </button>
          </span>
        </div>
      )}
      {reverted && (
        <div className={`banner ${reverted.ok ? 'warning' : 'error'}`} role="alert" data-testid="checkpoint-reverted">
          The change was reverted ({reverted.why}){reverted.ok ? '.' : ' — but not all of it:'}
          {!reverted.ok && (
            <ul>
              {reverted.left.map((l) => (
                <li key={l.step}>
                  step {l.step}, {l.description}: {l.reason}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => setSeenReverted(reverted.id)}>
            OK
          </button>
        </div>
      )}
      {recovery && (
        <div className={`banner ${recovery.ok ? 'warning' : 'error'}`} role="alert" data-testid="recovery">
          <strong>linkscape stopped in the middle of a plan</strong> ({recovery.action} from {recovery.remote} at{' '}
          {new Date(recovery.when).toLocaleString()}, {recovery.steps} steps). When it started again it rolled back{' '}
          {recovery.undone.filter((u) => u.ok).length} step(s), newest first
          {recovery.ok ? '; nothing of that plan is left on the host.' : '. STILL IN PLACE:'}
          {!recovery.ok && (
            <ul>
              {recovery.left.map((l) => (
                <li key={l.step}>
                  <span className="mono">{l.argv.join(' ')}</span> ({l.description}): {l.reason}
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            data-testid="recovery-dismiss"
            onClick={() =>
              void trpc.edit.dismissRecovery.mutate({ id: recovery.id, ...onNode() }).then(
                () => setRecovery(null),
                (e) => setError(errorText(e)),
              )
            }
          >
            Dismiss
          </button>
        </div>
      )}
      {error && (
        <div className="banner error" role="alert" data-testid="safety-error">
          {error}{' '}
          <button type="button" onClick={() => setError(null)}>
            OK
          </button>
        </div>
      )}
    </>
  );
}
