// Pure: the order namespaces and links are shown in (graph boxes, tables, filters).
import type { Link, Namespace } from '@/shared/host/types';
import { KIND_ORDER, kindClassOf } from '../graph/kinds';

const SOURCE_ORDER: Record<Namespace['source'], number> = { root: 0, named: 1, docker: 2, process: 3 };
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** root first, then named, Docker's, process-held; by label (numbers in names sort as numbers) */
export function compareNamespaces(a: Namespace, b: Namespace): number {
  if (a.root !== b.root) return a.root ? -1 : 1;
  return (
    SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
    collator.compare(a.label, b.label) ||
    collator.compare(a.id, b.id)
  );
}

/** physical NICs and PFs first, loopback last; then by name */
export function compareLinks(a: Link, b: Link): number {
  return (
    KIND_ORDER[kindClassOf(a)] - KIND_ORDER[kindClassOf(b)] || collator.compare(a.name, b.name) || a.ifindex - b.ifindex
  );
}

export function sortedNamespaces(list: Namespace[]): Namespace[] {
  return [...list].sort(compareNamespaces);
}
