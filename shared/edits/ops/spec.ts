// What every op declares beside its schema: the schema itself, what it does for the UI, and which
// namespaces an edit of it names (a plan reads just those). Imports only zod's types: client-safe.
import type { z } from 'zod';

/** What an op does, for the UI (menus, help text). `guarded` says when the lock-out guard applies. */
export interface OpText {
  title: string;
  description: string;
  undo: string;
  guarded: string | null;
}

export interface OpSpec<S extends z.ZodType> {
  schema: S;
  info: OpText;
  /** every namespace reference the edit holds (ns, netns, a peer's netns), as written; undefined = none */
  nsRefs: (edit: z.infer<S>) => (string | undefined)[];
}
