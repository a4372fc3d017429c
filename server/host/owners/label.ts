// Pure: the label a namespace's owner gives it (`web-1 · docker`, `shop/cart-7d9f8-x2x · pod`); null
// for a plain process, whose namespace keeps today's `pid N (comm)`.
import type { NamespaceOwner } from '../../../shared/host/types';

export function ownerLabel(o: NamespaceOwner): string | null {
  if (o.runtime === 'process') return null;
  if (o.kind === 'pod') return `${o.namespace ? `${o.namespace}/` : ''}${o.name} · pod`;
  return `${o.name} · ${o.runtime}`;
}
