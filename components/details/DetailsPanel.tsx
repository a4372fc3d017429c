'use client';
import type { ReactNode } from 'react';
import type { HostIndex } from '../host/lookup';
import { LinkDetails } from './LinkDetails';
import { NamespaceDetails } from './NamespaceDetails';
import type { Jump, JumpTarget } from './Ref';

interface Props {
  selection: JumpTarget | null;
  ix: HostIndex;
  jump: Jump;
  collapsed: string[];
  onToggleCollapse: (nsId: string) => void;
  onClose: () => void;
  /** the editor's buttons for the selection, above what the kernel reports */
  actions?: ReactNode;
}

export function DetailsPanel({ selection, ix, jump, collapsed, onToggleCollapse, onClose, actions }: Props) {
  if (!selection) return <p className="muted panel-hint">Click a node or a table row to see everything the kernel reports about it.</p>;
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
      <button type="button" className="close" aria-label="close details" onClick={onClose}>×</button>
      {body && actions}
      {body || <p className="muted">{selection.type} {selection.id} is gone from the host.</p>}
    </div>
  );
}
