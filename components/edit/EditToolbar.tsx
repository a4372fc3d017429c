'use client';
// The toolbar's editing controls: New… (namespace or any link kind), Recipes… (and a draft's import),
// Undo and Redo (icons only below 1360 px: ../toolbar/toolbar.css), Audit log.
// Hidden in read-only mode except the audit log, which changes nothing.
import type { MouseEvent } from 'react';
import type { LinkKind } from '@/shared/edits/schema';
import { Dropdown } from '../toolbar/Dropdown';
import { useEditorContext } from './Editor';
import { linkAddForm, NEW_KINDS, unsupported } from './forms/LinkAddForm';
import { netnsAddForm } from './forms/namespace';
import { recipeForm } from './forms/recipe';
import { RECIPE_IDS, RECIPES } from '@/shared/edits/recipes';
import { clockTime } from '../clock';

const KIND_TEXT: Partial<Record<LinkKind, string>> = { veth: 'veth pair' };

const closeDropdown = (e: MouseEvent) => {
  const d = (e.currentTarget as HTMLElement).closest('details');
  if (d) d.open = false;
};

export function EditToolbar() {
  const editor = useEditorContext();
  if (!editor) return null;
  const host = editor.host;
  const undo = editor.history?.undo[0] ?? null;
  const redo = editor.history?.redo[0] ?? null;
  return (
    <span className="ed-toolbar" data-testid="edit-toolbar">
      {editor.canEdit && host && (
        <Dropdown label="New…" active={false} testId="new-menu">
          <div className="ed-new-list" role="menu">
            <button
              type="button"
              role="menuitem"
              className="btn small"
              data-testid="new-netns"
              onClick={(e) => {
                closeDropdown(e);
                editor.open(netnsAddForm());
              }}
            >
              namespace
            </button>
            {NEW_KINDS.map((k) => {
              const why = unsupported(host, k);
              return (
                <button
                  key={k}
                  type="button"
                  role="menuitem"
                  className="btn small"
                  disabled={!!why}
                  title={why ?? undefined}
                  data-testid={`new-${k}`}
                  onClick={(e) => {
                    closeDropdown(e);
                    editor.open(linkAddForm(host, { kind: k }));
                  }}
                >
                  {KIND_TEXT[k] ?? k}
                  {why && <span className="ed-why">{why}</span>}
                </button>
              );
            })}
          </div>
        </Dropdown>
      )}
      {editor.canEdit && host && (
        <Dropdown label="Recipes…" active={false} testId="recipe-menu">
          <div className="ed-new-list" role="menu">
            {RECIPE_IDS.map((id) => (
              <button
                key={id}
                type="button"
                role="menuitem"
                className="btn small"
                data-testid={`recipe-${id}`}
                title={RECIPES[id].summary}
                onClick={(e) => {
                  closeDropdown(e);
                  editor.open(recipeForm(host, id));
                }}
              >
                {RECIPES[id].title}
              </button>
            ))}
            <button
              type="button"
              role="menuitem"
              className="btn small"
              data-testid="draft-import-open"
              title="a draft saved with the draft's Export: its items back into the draft, planned, nothing run"
              onClick={(e) => {
                closeDropdown(e);
                editor.askImport();
              }}
            >
              import a draft (JSON)…
            </button>
          </div>
        </Dropdown>
      )}
      {editor.canEdit && (
        <>
          <button
            type="button"
            className="btn"
            data-testid="undo-last"
            disabled={!undo}
            title={undo ? `undo the change of ${clockTime(undo.at)}: ${undo.title}` : 'nothing to undo'}
            onClick={() => editor.showPanel('undo')}
            aria-label={`undo${editor.history && editor.history.undo.length > 1 ? ` (${editor.history.undo.length} steps)` : ''}`}
          >
            ↶<span className="tb-label"> Undo</span>
            {editor.history && editor.history.undo.length > 1 ? ` (${editor.history.undo.length})` : ''}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="redo-last"
            disabled={!redo}
            title={redo ? `redo what was undone at ${clockTime(redo.at)}: ${redo.title}` : 'nothing to redo'}
            onClick={() => editor.showPanel('redo')}
            aria-label={`redo${editor.history && editor.history.redo.length > 1 ? ` (${editor.history.redo.length} steps)` : ''}`}
          >
            ↷<span className="tb-label"> Redo</span>
            {editor.history && editor.history.redo.length > 1 ? ` (${editor.history.redo.length})` : ''}
          </button>
        </>
      )}
      <button
        type="button"
        className="btn"
        data-testid="audit-open"
        onClick={() => editor.showPanel('audit')}
        title="every plan applied, refused, undone or redone"
      >
        Audit
      </button>
    </span>
  );
}
