'use client';
// The graph's right-click menu for a node (a link or a namespace), at the mouse.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { refOfNodeId } from '../graph/model';
import { ActionList } from './ActionList';
import { linkActions, namespaceActions, visibleActions, type Action } from './actions';
import type { Editor, MenuAt } from './Editor';
import type { FormHost } from './forms/types';

export function NodeMenu({ at, editor, host }: { at: MenuAt; editor: Editor; host: FormHost }) {
  const box = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: at.x, top: at.y });

  useEffect(() => {
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node))
        editor.nodeMenu(null);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    window.addEventListener('resize', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
      window.removeEventListener('resize', close);
    };
  }, [editor]);

  // keep it on screen
  useLayoutEffect(() => {
    const r = box.current?.getBoundingClientRect();
    if (!r) return;
    setPos({
      left: Math.max(4, Math.min(at.x, window.innerWidth - r.width - 4)),
      top: Math.max(4, Math.min(at.y, window.innerHeight - r.height - 4)),
    });
  }, [at]);

  const ref = refOfNodeId(at.nodeId);
  const link = ref?.type === 'link' ? host.ix.linkById.get(ref.id) : undefined;
  const ns = ref?.type === 'namespace' ? host.ix.nsById.get(ref.id) : undefined;
  const actions = link ? linkActions(link, host) : ns ? namespaceActions(ns, host) : [];
  const shown = visibleActions(actions, editor.canEdit);
  const pick = (a: Action) => {
    if (a.ping) editor.ping(a.ping);
    else if (a.form) editor.open(a.form());
  };
  const title = link ? `${link.name} (${link.kind})` : ns ? `namespace ${ns.label}` : at.nodeId;

  return (
    <div ref={box} className="ed-menu" role="menu" style={pos} data-testid="node-menu" data-node={at.nodeId}>
      <div className="ed-menu-title mono">{title}</div>
      {shown.length ? (
        <ActionList actions={shown} onPick={pick} layout="menu" />
      ) : (
        <p className="muted">nothing to do here{editor.readOnly ? ' (read-only)' : ''}</p>
      )}
    </div>
  );
}
