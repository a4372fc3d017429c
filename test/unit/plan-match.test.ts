// Pure: Apply runs only the plan shown — the server refuses (409) when the plan it makes again has another
// shape than the one on screen (planId, a hash of planShape): what counts as the same plan.
import { describe, expect, it } from 'vitest';
import { planShape } from '@/shared/edits/planShape';

type PlanLike = Parameters<typeof planShape>[0];
const samePlan = (a: PlanLike, b: PlanLike) => planShape(a) === planShape(b);

const step = (argv: string[], undo: string[] | null = null, description = 'd') => ({
  argv,
  undo,
  description,
  edit: 0,
});
const plan = (
  over: Partial<{
    steps: ReturnType<typeof step>[];
    guards: { edit: number; link: string; ns: string; reason: string }[];
    warnings: string[];
  }> = {},
) => ({
  steps: [step(['ip', 'link', 'add', 'x', 'type', 'dummy'], ['ip', 'link', 'del', 'dev', 'x'])],
  guards: [],
  warnings: [],
  ...over,
});

describe('samePlan', () => {
  it('the same commands, undos, guards and warnings: the same plan', () => {
    expect(samePlan(plan(), plan())).toBe(true);
  });
  it('a command, its undo, its description, a guard or a warning differs: not the same plan', () => {
    expect(
      samePlan(
        plan(),
        plan({ steps: [step(['ip', 'link', 'add', 'y', 'type', 'dummy'], ['ip', 'link', 'del', 'dev', 'x'])] }),
      ),
    ).toBe(false);
    expect(samePlan(plan(), plan({ steps: [step(['ip', 'link', 'add', 'x', 'type', 'dummy'], null)] }))).toBe(false);
    expect(
      samePlan(
        plan(),
        plan({
          steps: [step(['ip', 'link', 'add', 'x', 'type', 'dummy'], ['ip', 'link', 'del', 'dev', 'x'], 'other')],
        }),
      ),
    ).toBe(false);
    expect(samePlan(plan(), plan({ guards: [{ edit: 0, link: 'eth0', ns: 'host', reason: 'r' }] }))).toBe(false);
    expect(samePlan(plan(), plan({ warnings: ['w'] }))).toBe(false);
    expect(samePlan(plan(), plan({ steps: [] }))).toBe(false);
  });
  it('a step more, or in another order: not the same plan', () => {
    const a = step(['ip', 'a']);
    const b = step(['ip', 'b']);
    expect(samePlan(plan({ steps: [a, b] }), plan({ steps: [b, a] }))).toBe(false);
    expect(samePlan(plan({ steps: [a] }), plan({ steps: [a, a] }))).toBe(false);
  });
});
