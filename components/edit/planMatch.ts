// Pure: is a plan made again the same plan as the one shown? Apply runs only what was shown: the live
// plan (usePlan) plans again just before applying and refuses when anything the user saw differs
// (a command, its undo, a guard, a warning) — the host changed in between.
import { planShape } from '@/shared/edits/planShape';
import type { Plan } from './api';

type PlanLike = Pick<Plan, 'steps' | 'guards' | 'warnings'>;

/** what the user saw of a plan, as one comparable string (the server hashes the same as `planId`) */
export { planShape };

export function samePlan(a: PlanLike, b: PlanLike): boolean {
  return planShape(a) === planShape(b);
}
