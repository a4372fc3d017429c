// Pure: what a user sees of a plan (each step's description, argv and undo; the guards; the warnings) as
// one comparable string. A dry run returns its hash as `planId`; `edit.applyEdits({expectPlan})` plans
// again under the one-plan-at-a-time lock and runs nothing unless the plan is still that one — so Apply
// runs exactly what was shown, even when the host changes between the last preview and the click.
export interface PlanShapeInput {
  steps: { description: string; argv: string[]; undo: string[] | null }[];
  guards: { link: string; reason: string }[];
  warnings: string[];
}

export function planShape(p: PlanShapeInput): string {
  return JSON.stringify({
    steps: p.steps.map((s) => [s.description, s.argv, s.undo ?? null]),
    guards: p.guards.map((g) => [g.link, g.reason]),
    warnings: p.warnings,
  });
}
