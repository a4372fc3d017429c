// Pure: form text → edit fields. Empty means "not given"; anything else goes to the server as typed,
// so its validation (not ours) names what is wrong.
import type { Namespace } from '@/shared/host/types';

/** trimmed text, or undefined when empty */
export function opt(s: string): string | undefined {
  const t = s.trim();
  return t === '' ? undefined : t;
}

/** a whole number when it reads as one; other text goes as a string, for the server to refuse by name */
export function num(s: string): number | string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** words separated by spaces, commas or new lines; undefined when none */
export function list(s: string): string[] | undefined {
  const words = s.split(/[\s,]+/).filter(Boolean);
  return words.length ? words : undefined;
}

/** how an edit names a namespace: omitted for the host's, else its id (works for unnamed ones too) */
export function nsRef(ns: Pick<Namespace, 'id' | 'root'> | undefined): string | undefined {
  return !ns || ns.root ? undefined : ns.id;
}
