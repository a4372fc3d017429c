'use client';
// The page's editing state, in one place: which dialog or menu is open, the kernel's capabilities,
// what undo and redo would do. Dashboard creates it (useEditor), shares it (EditorContext) and draws its
// dialogs (EditLayer). It never holds a copy of the host: forms read the page's latest snapshot.
// What undo/redo would do is the server's (edit.history), re-read after each change and as the host changes.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { HostSnapshot } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { trpc } from '../trpc';
import { targetNode } from '../fleet/target';
import { onNode, type Applied, type Capabilities, type History } from './api';
import type { AnyForm, FormHost } from './forms/types';
import { draftItem, type Draft } from './draft';
import type { Edit } from '@/shared/edits/schema';

export interface MenuAt {
  nodeId: string;
  x: number;
  y: number;
}

export type Panel = 'undo' | 'redo' | 'audit' | null;

export interface Editor {
  /** editing is allowed: the server said it is not read-only */
  canEdit: boolean;
  readOnly: boolean | null;
  host: FormHost | null;
  form: AnyForm | null;
  open: (form: AnyForm) => void;
  closeForm: () => void;
  pingNs: string | null;
  ping: (nsId: string | null) => void;
  menu: MenuAt | null;
  nodeMenu: (nodeId: string | null, at?: { x: number; y: number }) => void;
  panel: Panel;
  showPanel: (p: Panel) => void;
  /** what undo and redo would do (edit.history); null until read */
  history: History | null;
  /** edits collected before anything runs (DraftPanel), drawn on the graph */
  draft: Draft;
  setDraft: (d: Draft) => void;
  addToDraft: (items: { title: string; edits: Edit[] }[]) => void;
  /** asks the draft panel to open its import (counts up; 0: never asked), even with no draft yet */
  importAsk: number;
  askImport: () => void;
  applied: (r: Applied | null) => void;
}

export function useEditor(snapshot: HostSnapshot | null, ix: HostLookup | null, readOnly: boolean | null): Editor {
  const canEdit = readOnly === false;
  const [caps, setCaps] = useState<Capabilities | null>(null);
  const [form, setForm] = useState<AnyForm | null>(null);
  const [pingNs, setPingNs] = useState<string | null>(null);
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [history, setHistory] = useState<History | null>(null);
  const [draft, setDraft] = useState<Draft>([]);
  const [importAsk, setImportAsk] = useState(0);
  const askImport = useCallback(() => {
    setMenu(null);
    setImportAsk((n) => n + 1);
  }, []);
  const addToDraft = useCallback(
    (items: { title: string; edits: Edit[] }[]) =>
      setDraft((d) => [...d, ...items.map((i) => draftItem(i.title, i.edits))]),
    [],
  );

  useEffect(() => {
    if (!canEdit) return;
    let alive = true;
    const node = targetNode();
    (node ? trpc.fleet.capabilities.query({ node }) : trpc.host.capabilities.query()).then(
      (c) => alive && setCaps(c),
      () => undefined, // unknown capabilities: nothing is disabled, the server still refuses with the kernel's reason
    );
    return () => {
      alive = false;
    };
  }, [canEdit]);

  const refreshLast = useCallback(() => {
    trpc.edit.history.query(onNode()).then(setHistory, () => setHistory(null));
  }, []);

  // someone else (another tab, curl) may apply or undo: re-read what undo would do as the host changes
  const takenAt = snapshot?.takenAt;
  const lastRead = useRef(0);
  useEffect(() => {
    if (!canEdit) return;
    const wait = Math.max(0, 2000 - (Date.now() - lastRead.current));
    const t = setTimeout(() => {
      lastRead.current = Date.now();
      refreshLast();
    }, wait);
    return () => clearTimeout(t);
  }, [canEdit, takenAt, refreshLast]);

  const host = useMemo(() => (snapshot && ix ? { snapshot, ix, caps } : null), [snapshot, ix, caps]);

  const applied = useCallback(
    (_r: Applied | null) => {
      refreshLast();
    },
    [refreshLast],
  );

  const open = useCallback((f: AnyForm) => {
    setMenu(null);
    setForm(f);
  }, []);
  const closeForm = useCallback(() => setForm(null), []);
  const ping = useCallback((nsId: string | null) => {
    setMenu(null);
    setPingNs(nsId);
  }, []);
  const nodeMenu = useCallback(
    (nodeId: string | null, at?: { x: number; y: number }) => setMenu(nodeId && at ? { nodeId, ...at } : null),
    [],
  );
  const showPanel = useCallback((p: Panel) => {
    setMenu(null);
    setPanel(p);
  }, []);

  return {
    canEdit,
    readOnly,
    host,
    form,
    open,
    closeForm,
    pingNs,
    ping,
    menu,
    nodeMenu,
    panel,
    showPanel,
    history,
    draft,
    setDraft,
    addToDraft,
    importAsk,
    askImport,
    applied,
  };
}

export const EditorContext = createContext<Editor | null>(null);

export function useEditorContext(): Editor | null {
  return useContext(EditorContext);
}
