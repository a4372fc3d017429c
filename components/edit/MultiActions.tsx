'use client';
// Several links selected (shift/ctrl-click on the graph): one action for all of them, into the draft.
import { useState } from 'react';
import type { HostLookup } from '../host/lookup';
import { sortedNamespaces } from '../host/order';
import { refOfNodeId } from '../graph/model';
import { useEditorContext } from './Editor';
import { multiEdits, type MultiAction } from './multi';
import { nsLabel } from './forms/choices';

export function MultiActions({ nodeIds, ix, onClear }: { nodeIds: string[]; ix: HostLookup; onClear: () => void }) {
  const editor = useEditorContext();
  const [to, setTo] = useState('');
  const links = nodeIds.flatMap((id) => {
    const ref = refOfNodeId(id);
    const l = ref?.type === 'link' ? ix.linkById.get(ref.id) : undefined;
    return l ? [l] : [];
  });
  if (!editor?.host || !links.length) return null;
  const all = editor.host.snapshot.links;
  const add = (a: MultiAction) => {
    const item = multiEdits(links, a, ix, all);
    if (item.edits.length) editor.addToDraft([item]);
    onClear();
  };
  return (
    <section className="ed-panel-actions ed-multi" data-testid="multi-actions">
      <h3>
        {links.length} link{links.length === 1 ? '' : 's'} selected{' '}
        <span className="muted">(shift-click adds or removes)</span>
      </h3>
      <p className="mono">{links.map((l) => `${l.name} (${ix.nsById.get(l.nsId)?.label ?? l.nsId})`).join(', ')}</p>
      {editor.canEdit && (
        <div className="ed-multi-row">
          <button type="button" className="btn small" onClick={() => add({ type: 'up' })} data-testid="multi-up">
            Bring up
          </button>
          <button type="button" className="btn small" onClick={() => add({ type: 'down' })} data-testid="multi-down">
            Take down
          </button>
          <button
            type="button"
            className="btn small danger"
            onClick={() => add({ type: 'delete' })}
            data-testid="multi-delete"
          >
            Delete
          </button>
          <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="multi-move-to">
            <option value="">move to…</option>
            {sortedNamespaces(editor.host.snapshot.namespaces).map((n) => (
              <option key={n.id} value={n.id}>
                {nsLabel(n)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn small"
            disabled={!to}
            onClick={() => add({ type: 'move', nsId: to })}
            data-testid="multi-move"
          >
            Move
          </button>
        </div>
      )}
      <p className="muted">Each goes into the draft as one item: one plan for all of them, applied all or nothing.</p>
      <button type="button" className="btn small" onClick={onClear} data-testid="multi-clear">
        Clear selection
      </button>
    </section>
  );
}
