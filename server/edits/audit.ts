// The audit log: one JSON line per plan shown, applied, refused or undone. Append-only; the directory is
// created on first use. LINKSCAPE_AUDIT_LOG (config.auditLog) says where.
import 'server-only';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Plan } from './plan';

export interface AuditEntry {
  when: string;
  /** who asked: the peer address of the connection (the socket's, never a header) */
  remote: string;
  /** X-Forwarded-For as sent, recorded only with --trust-proxy; null otherwise */
  forwardedFor?: string | null;
  /** refused: the gate or validation said no; recover: rolled back at start; confirm/revert: a checkpoint */
  action: 'apply' | 'undo' | 'redo' | 'refused' | 'recover' | 'confirm' | 'revert';
  dryRun: boolean;
  force: boolean;
  edits: unknown[] | null;
  plan: Pick<Plan['steps'][number], 'argv' | 'undo' | 'description'>[];
  outcome: Record<string, unknown>;
}

export async function appendAudit(file: string, entry: AuditEntry): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
  await fs.appendFile(file, JSON.stringify(entry) + '\n', { mode: 0o640 });
}

/** The last `limit` entries, oldest first. A missing log is an empty one; a torn line is skipped. */
export async function readAudit(file: string, limit = 50): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: AuditEntry[] = [];
  const lines = text.split('\n').filter((l) => l.trim());
  for (const line of lines.slice(-limit)) {
    try {
      out.push(JSON.parse(line) as AuditEntry);
    } catch {
      /* a line torn by a crash mid-write */
    }
  }
  return out;
}
