'use client';
import { useState, type ReactNode } from 'react';
import type { HostLookup } from '../host/lookup';
import { LinkDetails } from './LinkDetails';
import { NamespaceDetails } from './NamespaceDetails';
import type { Jump, JumpTarget } from './Ref';

interface Props {
  selection: JumpTarget | null;
  ix: HostLookup;
  jump: Jump;
  collapsed: string[];
  onToggleCollapse: (nsId: string) => void;
  onClose: () => void;
  /** the editor's buttons for the selection, above what the kernel reports */
  actions?: ReactNode;
}

export function DetailsPanel({ selection, ix, jump, collapsed, onToggleCollapse, onClose, actions }: Props) {
  // what each selected object was called while it was there, to name it once it is gone (state adjusted
  // while rendering: a ref read in render would not re-render when it changes)
  const [names, setNames] = useState<ReadonlyMap<string, string>>(() => new Map());
  const key = selection ? `${selection.type}:${selection.id}` : null;
  let nameNow: string | null = null;
  if (selection?.type === 'link') {
    const l = ix.linkById.get(selection.id);
    if (l) nameNow = `${l.name} (in ${ix.nsById.get(l.nsId)?.label ?? 'a namespace'})`;
  } else if (selection) {
    nameNow = ix.nsById.get(selection.id)?.label ?? null;
  }
  if (key && nameNow !== null && names.get(key) !== nameNow) setNames(new Map(names).set(key, nameNow));
  if (!selection)
    return (
      <p className="muted panel-hint">Click a node or a table row to see everything the kernel reports about it.</p>
    );
  const body =
    selection.type === 'link'
      ? ix.linkById.get(selection.id) && <LinkDetails link={ix.linkById.get(selection.id)!} ix={ix} jump={jump} />
      : ix.nsById.get(selection.id) && (
          <NamespaceDetails
            ns={ix.nsById.get(selection.id)!}
            ix={ix}
            jump={jump}
            collapsed={collapsed.includes(selection.id)}
            onToggleCollapse={() => onToggleCollapse(selection.id)}
          />
        );
  return (
    <div className="details" data-testid="details-panel">
      <button type="button" className="close" aria-label="close details" onClick={onClose}>
        ×
      </button>
      {body && actions}
      {body || (
        <p className="muted" data-testid="gone">
          {selection.type === 'link' ? 'Link' : 'Namespace'}{' '}
          {names.get(`${selection.type}:${selection.id}`) ?? 'selected here'} is gone from the host.
        </p>
      )}
    </div>
  );
}
