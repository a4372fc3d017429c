'use client';
// The plan the server made: each step's exact argv (and what undoes it), warnings, and the script.
import { argvToShell } from '@/shared/edits/shell';
import type { Plan } from './api';
import { ShellScript } from './ShellScript';

/**
 * @param current false: the edits changed since this plan was made and it is being made again (shown
 *   dimmed; nothing applies it until the new one is here)
 */
export function PlanView({
  plan,
  shell,
  warnings = true,
  current = true,
}: {
  plan: Plan;
  shell: string;
  warnings?: boolean;
  current?: boolean;
}) {
  return (
    <section className={`ed-plan${current ? '' : ' outdated'}`} data-testid="plan" data-current={current}>
      <h3>
        The plan: {plan.steps.length} command{plan.steps.length === 1 ? '' : 's'}, run in order, all or nothing
        {!current && <span className="muted"> · planning again…</span>}
      </h3>
      {warnings && plan.warnings.length > 0 && (
        <ul className="ed-warnings" data-testid="plan-warnings">
          {plan.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <ol className="ed-steps">
        {plan.steps.map((s, i) => (
          <li key={i} data-testid="plan-step" data-argv={JSON.stringify(s.argv)}>
            <div className="ed-step-desc">{s.description}</div>
            <code className="ed-argv" data-testid="plan-argv">
              {argvToShell(s.argv)}
            </code>
            <div className="ed-undo">
              undo: {s.undo ? <code>{argvToShell(s.undo)}</code> : <em>cannot be undone</em>}
            </div>
          </li>
        ))}
      </ol>
      <ShellScript text={shell} />
    </section>
  );
}

/** Apply found the host changed since the plan was shown: nothing ran; the plan now shown is the new one */
export function StalePlan({ refused }: { refused: boolean }) {
  return (
    <div className="ed-stale" role="alert" data-testid="plan-stale">
      The host changed since this plan was shown, so nothing was applied.{' '}
      {refused
        ? 'Planned again, the edits are refused now (below).'
        : 'It was planned again: look at the new plan, then Apply again to run it.'}
    </div>
  );
}
