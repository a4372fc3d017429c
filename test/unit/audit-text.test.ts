import { describe, expect, it } from 'vitest';
import { auditOutcomeText } from '../../components/edit/auditText';

describe('auditOutcomeText', () => {
  it.each<[string, Parameters<typeof auditOutcomeText>[1], number, string]>([
    ['a preview', { ok: true, dryRun: true }, 3, 'preview'],
    ['a refusal', { ok: false, refused: 'lock-out guard' }, 1, 'refused: lock-out guard'],
    ['success', { ok: true, steps: 3 }, 3, 'ok (3 steps)'],
    [
      'the first step failed: nothing ran, nothing rolled back',
      { ok: false, failedStep: 1, error: 'RTNETLINK answers: Device or resource busy', rolledBack: [], notUndone: [] },
      2,
      'failed at step 1 (nothing had run): RTNETLINK answers: Device or resource busy',
    ],
    [
      'a later step failed and two undos ran',
      { ok: false, failedStep: 3, error: 'E', rolledBack: [{ ok: true }, { ok: true }], notUndone: [] },
      3,
      'failed at step 3 (rolled back 2 of 2 steps): E',
    ],
    [
      'an undo failed and a step had none',
      { ok: false, failedStep: 4, error: 'E', rolledBack: [{ ok: true }, { ok: false }], notUndone: [1] },
      4,
      'failed at step 4 (rolled back 1 of 3 steps, 1 undo failed, 1 could not be undone): E',
    ],
  ])('%s', (_, o, n, text) => {
    expect(auditOutcomeText('apply', o, n).text).toBe(text);
  });
  it.each<[string, string, Parameters<typeof auditOutcomeText>[1], string]>([
    [
      'a refusal at the gate, with its reason',
      'refused',
      { ok: false, refused: 'token', reason: 'a valid token is required' },
      'refused: token — a valid token is required',
    ],
    [
      'a checkpoint that ran out',
      'revert',
      { ok: true, why: 'not confirmed within 30 s' },
      'reverted (not confirmed within 30 s)',
    ],
    ['a revert that left steps', 'revert', { ok: false, why: 'x', left: [1, 2] }, 'reverted (x), 2 step(s) left'],
    ['a start-up recovery', 'recover', { ok: true }, 'rolled back at start: an unfinished plan'],
    ['a confirmation', 'confirm', { ok: true }, 'kept (confirmed)'],
  ])('%s', (_, action, o, text) => {
    expect(auditOutcomeText(action, o, 0).text).toBe(text);
  });
});
