'use client';
// On a big host, over the graph: how the namespaces are grouped, and the switches for it (close the
// groups drawn open, draw every namespace instead). Shown only past the grouping threshold.
import type { GraphModel, ViewOptions } from './model';
import { GROUP_THRESHOLD } from './groups';

interface Props {
  model: GraphModel;
  namespaceCount: number;
  view: ViewOptions;
  setView: (f: (v: ViewOptions) => ViewOptions) => void;
}

export function GroupBar({ model, namespaceCount, view, setView }: Props) {
  if (namespaceCount <= GROUP_THRESHOLD) return null;
  const groups = model.nodes.filter((n) => n.type === 'group');
  const open = groups.filter((n) => n.classes.includes('group-open')).length;
  const on = view.grouping !== false;
  return (
    <div className="graph-groups" data-testid="group-bar">
      <span>
        {!on
          ? `${namespaceCount} namespaces, all drawn`
          : groups.length
            ? `${groups.length} group${groups.length === 1 ? '' : 's'}${open ? ` (${open} open)` : ''} · ${
                open === groups.length
                  ? 'double-click a frame to close it'
                  : open
                    ? 'click a card to open it, double-click a frame to close it'
                    : 'click one to open it'
              }`
            : 'no groups of 3 or more'}
      </span>
      {on && (view.openGroups?.length ?? 0) > 0 && (
        <button
          type="button"
          className="btn small"
          data-testid="close-groups"
          onClick={() => setView((v) => ({ ...v, openGroups: [] }))}
        >
          close groups
        </button>
      )}
      <label
        className="check inline"
        title="draw namespaces of one owner (pods of a Kubernetes namespace, containers of a network, a name's prefix) as one node per group"
      >
        <input
          type="checkbox"
          data-testid="grouping"
          checked={on}
          onChange={(e) => setView((v) => ({ ...v, grouping: e.target.checked }))}
        />
        group
      </label>
    </div>
  );
}
