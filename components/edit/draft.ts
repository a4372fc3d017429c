// Pure: a draft is edits collected before anything runs — each item one form's or one recipe's edits,
// planned together as one plan and applied all or nothing. Export/import as JSON, checked by the same
// zod schema the server uses, so a bad file names the item and the field.
import { z } from 'zod';
import { Edit } from '@/shared/edits/schema';

export interface DraftItem {
  id: string;
  title: string;
  edits: Edit[];
}
export type Draft = DraftItem[];

let seq = 0;
export function draftItem(title: string, edits: Edit[]): DraftItem {
  seq += 1;
  return { id: `d${Date.now().toString(36)}-${seq}`, title, edits };
}

export function draftEdits(d: Draft): Edit[] {
  return d.flatMap((i) => i.edits);
}

/** which item an edit index of draftEdits belongs to (for issues at `edits.N.…`) */
export function itemOfEdit(d: Draft, editIndex: number): DraftItem | null {
  let n = editIndex;
  for (const i of d) {
    if (n < i.edits.length) return i;
    n -= i.edits.length;
  }
  return null;
}

export function removeItem(d: Draft, id: string): Draft {
  return d.filter((i) => i.id !== id);
}

export function moveItem(d: Draft, id: string, by: -1 | 1): Draft {
  const i = d.findIndex((x) => x.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= d.length) return d;
  const out = [...d];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

const DraftFile = z
  .object({
    linkscapeDraft: z.literal(1, 'not a linkscape draft: linkscapeDraft must be 1'),
    items: z
      .array(
        z
          .object({
            title: z.string().min(1, 'title must not be empty').max(200, 'title: at most 200 characters'),
            edits: z.array(Edit).min(1, 'an item needs at least one edit'),
          })
          .strict(),
      )
      .max(200, 'at most 200 items'),
  })
  .strict();

export function exportDraft(d: Draft): string {
  return JSON.stringify({ linkscapeDraft: 1, items: d.map(({ title, edits }) => ({ title, edits })) }, null, 2);
}

/** Parse a draft file; throws an Error naming the item and field of the first problems. */
export function importDraft(text: string): Draft {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = DraftFile.safeParse(raw);
  if (!r.success)
    throw new Error(
      r.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
        .join('; '),
    );
  return r.data.items.map((i) => draftItem(i.title, i.edits));
}
