// Pure: one audit entry's outcome in a few words, saying "rolled back" only when something was.
export interface AuditOutcome {
  ok?: boolean;
  dryRun?: boolean;
  refused?: string;
  reason?: string;
  failedStep?: number;
  /** a checkpoint's revert, or a start-up recovery */
  why?: string;
  left?: unknown[];
  error?: string;
  steps?: number;
  rolledBack?: { ok: boolean }[];
  notUndone?: number[];
}

export function auditOutcomeText(action: string, o: AuditOutcome, planSteps: number): { text: string; cls: string } {
  if (o.dryRun) return { text: 'preview', cls: 'muted' };
  if (o.refused) return { text: `refused: ${o.refused}${o.reason ? ` — ${o.reason}` : ''}`, cls: 'warn-text' };
  if (action === 'revert')
    return {
      text: `reverted (${o.why ?? ''})${o.ok ? '' : `, ${o.left?.length ?? '?'} step(s) left`}`,
      cls: o.ok ? 'warn-text' : 'state-down',
    };
  if (action === 'recover')
    return {
      text: o.ok
        ? 'rolled back at start: an unfinished plan'
        : `rolled back at start, ${o.left?.length ?? '?'} step(s) left`,
      cls: o.ok ? 'warn-text' : 'state-down',
    };
  if (action === 'confirm') return { text: 'kept (confirmed)', cls: 'state-up' };
  const n = o.steps ?? planSteps;
  if (o.ok) return { text: `ok (${n} step${n === 1 ? '' : 's'})`, cls: 'state-up' };
  const at = `failed at step ${o.failedStep ?? '?'}`;
  const back = o.rolledBack ?? [];
  const bad = back.filter((r) => !r.ok).length;
  const kept = o.notUndone?.length ?? 0;
  let what: string;
  if (o.failedStep === 1) what = 'nothing had run';
  else if (!back.length && !kept) what = o.rolledBack ? 'nothing to roll back' : 'rollback unknown';
  else {
    const parts = [
      `rolled back ${back.length - bad} of ${back.length + kept} step${back.length + kept === 1 ? '' : 's'}`,
    ];
    if (bad) parts.push(`${bad} undo${bad === 1 ? '' : 's'} failed`);
    if (kept) parts.push(`${kept} could not be undone`);
    what = parts.join(', ');
  }
  return { text: `${at} (${what}): ${o.error ?? ''}`, cls: 'state-down' };
}
