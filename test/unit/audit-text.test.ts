import { describe, expect, it } from 'vitest';
import { auditOutcomeText } from '../../components/edit/auditText';

describe('auditOutcomeText', () => {
  it.each<[string, Parameters<typeof auditOutcomeText>[0], number, string]>([
    ['a preview', { ok: true, dryRun: true }, 3, 'preview'],
    ['a refusal', { ok: false, refused: 'lock-out guard' }, 1, 'refused: lock-out guard'],
    ['success', { ok: true, steps: 3 }, 3, 'ok (3 steps)'],
    ['the first step failed: nothing ran, nothing rolled back', { ok: false, failedStep: 1, error: 'RTNETLINK answers: Device or resource busy', rolledBack: [], notUndone: [] }, 2,
      'failed at step 1 (nothing had run): RTNETLINK answers: Device or resource busy'],
    ['a later step failed and two undos ran', { ok: false, failedStep: 3, error: 'E', rolledBack: [{ ok: true }, { ok: true }], notUndone: [] }, 3, 'failed at step 3 (rolled back 2 of 2 steps): E'],
    ['an undo failed and a step had none', { ok: false, failedStep: 4, error: 'E', rolledBack: [{ ok: true }, { ok: false }], notUndone: [1] }, 4,
      'failed at step 4 (rolled back 1 of 3 steps, 1 undo failed, 1 could not be undone): E'],
  ])('%s', (_, o, n, text) => {
    expect(auditOutcomeText(o, n).text).toBe(text);
  });
});
