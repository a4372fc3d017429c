'use client';
// Actions as buttons, grouped; a disabled one says why in its tooltip. Used by the node menu and
// the details panel alike.
import type { Action, ActionGroup } from './actions';

const GROUP_LABEL: Partial<Record<ActionGroup, string>> = { child: 'add child' };

export function ActionList({
  actions,
  onPick,
  layout,
}: {
  actions: Action[];
  onPick: (a: Action) => void;
  layout: 'menu' | 'panel';
}) {
  const groups: { group: ActionGroup; items: Action[] }[] = [];
  for (const a of actions) {
    const g = groups.at(-1);
    if (g && g.group === a.group) g.items.push(a);
    else groups.push({ group: a.group, items: [a] });
  }
  return (
    <div className={`ed-actions-list ${layout}`}>
      {groups.map(({ group, items }) => (
        <div key={group} className={`ed-action-group g-${group}`}>
          {GROUP_LABEL[group] && <span className="ed-group-label">{GROUP_LABEL[group]}:</span>}
          {items.map((a) => (
            <button
              key={a.key}
              type="button"
              role={layout === 'menu' ? 'menuitem' : undefined}
              className={`btn small${a.danger ? ' danger' : ''}`}
              disabled={!!a.disabled}
              title={a.disabled ?? undefined}
              data-testid={`action-${a.key}`}
              onClick={() => onPick(a)}
            >
              {a.label}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
