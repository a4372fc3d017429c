// Pure: Apply runs only the plan shown — samePlan tells a plan made again from the one on screen.
import { describe, expect, it } from 'vitest';
import { samePlan } from '@/components/edit/planMatch';

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
