'use client';
// The plan the server made: each step's exact argv (and what undoes it), warnings, and the script.
import { argvToShell } from '@/server/edits/shell';
import type { Plan } from './api';
import { ShellScript } from './ShellScript';

export function PlanView({ plan, shell, warnings = true }: { plan: Plan; shell: string; warnings?: boolean }) {
  return (
    <section className="ed-plan" data-testid="plan">
      <h3>
        Preview: {plan.steps.length} command{plan.steps.length === 1 ? '' : 's'}, run in order, all or nothing
      </h3>
      {warnings && plan.warnings.length > 0 && (
        <ul className="ed-warnings" data-testid="plan-warnings">
          {plan.warnings.map((w, i) => <li key={i}>{w}</li>)}
        </ul>
      )}
      <ol className="ed-steps">
        {plan.steps.map((s, i) => (
          <li key={i} data-testid="plan-step" data-argv={JSON.stringify(s.argv)}>
            <div className="ed-step-desc">{s.description}</div>
            <code className="ed-argv" data-testid="plan-argv">{argvToShell(s.argv)}</code>
            <div className="ed-undo">undo: {s.undo ? <code>{argvToShell(s.undo)}</code> : <em>cannot be undone</em>}</div>
          </li>
        ))}
      </ol>
      <ShellScript text={shell} />
    </section>
  );
}
