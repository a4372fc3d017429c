// Pure: server issues → form fields. A form names its fields by their path inside the edits array
// ("0.name", "0.peer.netns"); the server says "edits.0.name" (zod) or the same from the planner.
import type { FieldIssue } from './api';

/** "edits.0.name" → "0.name"; anything else (e.g. "force") stays as it is */
export function fieldKey(path: string): string {
  return path.startsWith('edits.') ? path.slice(6) : path;
}

/** does an issue at `issuePath` belong to the field at `field` (itself or something inside it)? */
export function belongsTo(issuePath: string, field: string): boolean {
  const k = fieldKey(issuePath);
  return k === field || k.startsWith(`${field}.`);
}

export function issuesFor(issues: FieldIssue[], field: string): string[] {
  return issues.filter((i) => belongsTo(i.path, field)).map((i) => i.message);
}

/** the issues no shown field claims, for the list above the form */
export function unclaimed(issues: FieldIssue[], fields: Iterable<string>): FieldIssue[] {
  const list = [...fields];
  return issues.filter((i) => !list.some((f) => belongsTo(i.path, f)));
}

/** Link names the lock-out guard wants typed, from a PRECONDITION_FAILED answer's issues. */
export function guardLinks(issues: FieldIssue[]): string[] {
  const names = new Set<string>();
  for (const i of issues) {
    if (fieldKey(i.path) !== 'force') continue;
    const m = /\(type "([^"]+)"\)\s*$/.exec(i.message);
    if (m) names.add(m[1]);
  }
  return [...names];
}
