'use client';
// A clickable reference to a link or namespace anywhere on the host: jumps there (graph and panel).
import type { HostLookup } from '../host/lookup';

export interface JumpTarget {
  type: 'namespace' | 'link';
  id: string;
}
export type Jump = (t: JumpTarget) => void;

export function LinkRef({ id, ix, jump, fromNs }: { id: string | null; ix: HostLookup; jump: Jump; fromNs?: string }) {
  if (!id) return null;
  const l = ix.linkById.get(id);
  if (!l)
    return (
      <span className="muted" title="not in this snapshot">
        {id}
      </span>
    );
  const ns = ix.nsById.get(l.nsId);
  return (
    <button
      type="button"
      className="ref"
      data-testid="link-ref"
      data-id={id}
      onClick={() => jump({ type: 'link', id })}
    >
      {l.name}
      {l.nsId !== fromNs && <span className="ref-ns">@{ns?.label ?? l.nsId}</span>}
    </button>
  );
}

export function NsRef({ id, ix, jump }: { id: string; ix: HostLookup; jump: Jump }) {
  const ns = ix.nsById.get(id);
  return (
    <button
      type="button"
      className="ref"
      data-testid="ns-ref"
      data-id={id}
      onClick={() => jump({ type: 'namespace', id })}
    >
      {ns?.label ?? id}
    </button>
  );
}
