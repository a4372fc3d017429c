'use client';
// The details panel's action buttons for the selected link or namespace.
import type { JumpTarget } from '../details/Ref';
import { ActionList } from './ActionList';
import { linkActions, namespaceActions, visibleActions, type Action } from './actions';
import { useEditorContext } from './Editor';

export function SelectionActions({ selection }: { selection: JumpTarget | null }) {
  const editor = useEditorContext();
  const host = editor?.host;
  if (!editor || !host || !selection) return null;
  const link = selection.type === 'link' ? host.ix.linkById.get(selection.id) : undefined;
  const ns = selection.type === 'namespace' ? host.ix.nsById.get(selection.id) : undefined;
  const actions = visibleActions(link ? linkActions(link, host) : ns ? namespaceActions(ns, host) : [], editor.canEdit);
  if (!actions.length) return null;
  const pick = (a: Action) => {
    if (a.ping) editor.ping(a.ping);
    else if (a.form) editor.open(a.form());
  };
  return (
    <section className="ed-panel-actions" data-testid="selection-actions">
      <h3>actions</h3>
      <ActionList actions={actions} onPick={pick} layout="panel" />
    </section>
  );
}
