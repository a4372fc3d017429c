'use client';
// The page's editing state, in one place: which dialog or menu is open, the kernel's capabilities,
// what undo would revert. Dashboard creates it (useEditor), shares it (EditorContext) and draws its
// dialogs (EditLayer). It never holds a copy of the host: forms read the page's latest snapshot.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { HostSnapshot } from '@/server/host/types';
import type { HostIndex } from '../host/lookup';
import { trpc } from '../trpc';
import { targetNode } from '../fleet/target';
import type { Applied, Capabilities, LastApplied } from './api';
import type { AnyForm, HostView } from './forms/types';

export interface MenuAt {
  nodeId: string;
  x: number;
  y: number;
}

export type Panel = 'undo' | 'audit' | null;

export interface Editor {
  /** editing is allowed: the server said it is not read-only */
  canEdit: boolean;
  readOnly: boolean | null;
  host: HostView | null;
  form: AnyForm | null;
  open: (form: AnyForm) => void;
  closeForm: () => void;
  pingNs: string | null;
  ping: (nsId: string | null) => void;
  menu: MenuAt | null;
  nodeMenu: (nodeId: string | null, at?: { x: number; y: number }) => void;
  panel: Panel;
  showPanel: (p: Panel) => void;
  last: LastApplied;
  /** the last plan this page applied (its argv, for the undo preview) */
  recent: Applied | null;
  applied: (r: Applied | null) => void;
}

export function useEditor(snapshot: HostSnapshot | null, ix: HostIndex | null, readOnly: boolean | null): Editor {
  const canEdit = readOnly === false;
  const [caps, setCaps] = useState<Capabilities | null>(null);
  const [form, setForm] = useState<AnyForm | null>(null);
  const [pingNs, setPingNs] = useState<string | null>(null);
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [last, setLast] = useState<LastApplied>(null);
  const [recent, setRecent] = useState<Applied | null>(null);

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
    trpc.edit.last.query().then(setLast, () => setLast(null));
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
    (r: Applied | null) => {
      if (r) setRecent(r);
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
  const nodeMenu = useCallback((nodeId: string | null, at?: { x: number; y: number }) => setMenu(nodeId && at ? { nodeId, ...at } : null), []);
  const showPanel = useCallback((p: Panel) => {
    setMenu(null);
    setPanel(p);
  }, []);

  return { canEdit, readOnly, host, form, open, closeForm, pingNs, ping, menu, nodeMenu, panel, showPanel, last, recent, applied };
}

export const EditorContext = createContext<Editor | null>(null);

export function useEditorContext(): Editor | null {
  return useContext(EditorContext);
}
