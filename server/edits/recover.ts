// At start (instrumentation.ts, before the server listens): a plan the journal shows unfinished — the server
// was killed mid-plan, or while a change waited for confirmation — is rolled back, newest step first. The
// audit log says so, and the page shows the report once (edit.recovery, until dismissed).
import { run } from '../ip/run';
import { loadConfig, type ServerConfig } from '../config';
import { execStep } from './apply';
import { appendAudit } from './audit';
import { readJournal, recoverJournal, type RollbackReport } from './journal';

/** shared between the instrumentation bundle and the API route's bundle (one process, two module graphs) */
const RECOVERY_KEY = Symbol.for('linkscape.recovery');

export function recoveryReport(): RollbackReport | null {
  return ((globalThis as Record<symbol, unknown>)[RECOVERY_KEY] as RollbackReport | undefined) ?? null;
}

export function dismissRecovery(id: string): boolean {
  if (recoveryReport()?.id !== id) return false;
  delete (globalThis as Record<symbol, unknown>)[RECOVERY_KEY];
  return true;
}

export async function recoverOnStart(config: ServerConfig = loadConfig()): Promise<RollbackReport | null> {
  const once = Symbol.for('linkscape.recovery.ran');
  if ((globalThis as Record<symbol, unknown>)[once]) return recoveryReport();
  (globalThis as Record<symbol, unknown>)[once] = true;
  let report: RollbackReport | null;
  if (config.readOnly) {
    if (readJournal(config.journal)?.length)
      console.warn(
        `linkscape: ${config.journal} holds a plan that did not finish; read-only (--read-only): it is NOT rolled back now — start without --read-only to roll it back`,
      );
    return null;
  }
  try {
    report = await recoverJournal(config.journal, (argv) => execStep(run, argv, {}));
  } catch (e) {
    // the journal stays, so no new plan starts over it (PlanJournal.begin refuses) until someone looks
    console.error(
      `linkscape: could not roll back the unfinished plan in ${config.journal}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return null;
  }
  if (!report) return null;
  const left = report.left.map((l) => `  step ${l.step} (${l.description}): ${l.reason}`).join('\n');
  console.warn(
    `linkscape: a plan from ${report.when} (${report.remote}, ${report.steps} steps) did not finish: linkscape stopped during it.\n` +
      `linkscape: rolled back ${report.undone.filter((u) => u.ok).length} step(s), newest first` +
      (report.ok ? '; nothing of it is left.' : `; STILL IN PLACE:\n${left}`),
  );
  try {
    await appendAudit(config.auditLog, {
      when: new Date().toISOString(),
      remote: 'linkscape (start-up)',
      forwardedFor: null,
      action: 'recover',
      dryRun: false,
      force: false,
      edits: null,
      plan: [],
      outcome: {
        ok: report.ok,
        planId: report.id,
        planAt: report.when,
        planRemote: report.remote,
        planAction: report.action,
        undone: report.undone,
        left: report.left,
      },
    });
  } catch (e) {
    console.error(
      `linkscape: could not write the audit log ${config.auditLog}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  (globalThis as Record<symbol, unknown>)[RECOVERY_KEY] = report;
  return report;
}
