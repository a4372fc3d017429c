'use client';
// What happened when a plan ran: success, or the failed command with the kernel's words verbatim and
// the earlier steps that were rolled back (newest first).
import { useEffect, useRef } from 'react';
import { argvToShell } from '@/shared/edits/shell';
import type { Applied } from './api';

export function OutcomeView({ result, verb = 'Applied' }: { result: Applied; verb?: string }) {
  const box = useRef<HTMLElement>(null);
  // a long plan pushes the outcome below the fold: bring it into view
  useEffect(() => {
    void box.current?.scrollIntoView({ block: 'nearest' }); // newer browsers return a Promise: never hand it to React as a cleanup
  }, [result]);
  const total = result.plan.steps.length;
  if (result.ok) {
    return (
      <section ref={box} className="ed-outcome ok" data-testid="outcome" data-ok="true">
        <h3>
          {verb}: {result.applied.length} of {total} command{total === 1 ? '' : 's'} ran without error.
        </h3>
        <p className="muted">The graph and tables change when the kernel reports it (live feed), not before.</p>
      </section>
    );
  }
  return (
    <section ref={box} className="ed-outcome bad" data-testid="outcome" data-ok="false">
      <h3>
        Step {result.failedStep} of {total} failed — nothing was left half-done
      </h3>
      <div className="ed-failed">
        <code className="ed-argv" data-testid="failed-argv">
          {argvToShell(result.failed.argv)}
        </code>
        <div className="muted">{result.failed.description}</div>
        <pre className="ed-kernel" data-testid="kernel-error">
          {result.error}
        </pre>
      </div>
      {result.applied.length === 0 ? (
        <p>It was the first command: nothing had changed, so nothing needed rolling back.</p>
      ) : (
        <>
          <p>
            The {result.applied.length} earlier step{result.applied.length === 1 ? '' : 's'} were rolled back, newest
            first:
          </p>
          <ol className="ed-rollback" data-testid="rolled-back">
            {result.rolledBack.map((r) => (
              <li key={r.step} className={r.ok ? 'ok' : 'bad'}>
                step {r.step} undone by <code>{argvToShell(r.argv)}</code>
                {r.ok ? ' — ok' : <pre className="ed-kernel">{r.error}</pre>}
              </li>
            ))}
          </ol>
        </>
      )}
      {result.notUndone.length > 0 && (
        <p className="warn-text" data-testid="not-undone">
          Steps {result.notUndone.join(', ')} had run and cannot be undone; they stay as they are.
        </p>
      )}
      {result.failedStep < total && (
        <p className="muted">
          Steps {result.failedStep + 1}–{total} did not run.
        </p>
      )}
    </section>
  );
}
