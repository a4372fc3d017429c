'use client';
// The page: one host snapshot, one set of view options, one selection; everything else is derived.
import { useCallback, useEffect, useMemo, useState } from 'react';
import dynamic from 'next/dynamic';
import { ActivityList } from './ActivityList';
import { Banners } from './Banners';
import { DetailsPanel } from './details/DetailsPanel';
import { EditLayer } from './edit/EditLayer';
import { EditorContext, useEditor } from './edit/Editor';
import { EditToolbar } from './edit/EditToolbar';
import { SelectionActions } from './edit/SelectionActions';
import { SafetyBanners } from './edit/SafetyBanners';
import { MultiActions } from './edit/MultiActions';
import type { JumpTarget } from './details/Ref';
import { RouteTable } from './details/RouteTable';
import type { GraphFit, GraphFocus } from './graph/CytoscapeGraph';
import { kindClassOf, type KindClass } from './graph/kinds';
import { overlayDraft } from './graph/draft';
import { draftEdits } from './edit/draft';
import { buildGraph, DEFAULT_VIEW, linkNodeId, nsNodeId, refOfNodeId, type ViewOptions } from './graph/model';
import { revealIn } from './graph/reveal';
import { GroupBar } from './graph/GroupBar';
import { Header } from './Header';
import { indexHost } from './host/lookup';
import { sortedNamespaces } from './host/order';
import { Legend } from './Legend';
import { LinksTable } from './table/LinksTable';
import { NetworksTable } from './table/NetworksTable';
import { networkRows } from './table/networks';
import { routeRows, tableRows } from './table/rows';
import { Toolbar, type ViewMode } from './toolbar/Toolbar';
import { trpc } from './trpc';
import { useHost } from './useHost';
import { setTargetNode } from './fleet/target';

const CytoscapeGraph = dynamic(() => import('./graph/CytoscapeGraph'), {
  ssr: false,
  loading: () => <p className="muted empty">loading the graph…</p>,
});

/** `node`: on the hub's page, the fleet node to show (and edit) instead of this server's host */
export default function Dashboard({ node = null }: { node?: string | null } = {}) {
  setTargetNode(node);
  const host = useHost(node);
  const snap = host.snapshot;
  // `?group=off` in the address: a big host drawn with every namespace from the start
  const [view, setViewState] = useState<ViewOptions>(() => ({
    ...DEFAULT_VIEW,
    grouping: typeof window === 'undefined' || new URLSearchParams(window.location.search).get('group') !== 'off',
  }));
  const setView = useCallback((f: (v: ViewOptions) => ViewOptions) => setViewState(f), []);
  const [mode, setMode] = useState<ViewMode>('graph');
  const [selection, setSelection] = useState<JumpTarget | null>(null);
  const [focus, setFocus] = useState<GraphFocus | null>(null);
  const [fit, setFit] = useState<GraphFit | null>(null);
  const [relayoutSeq, setRelayoutSeq] = useState(0);
  const [readOnly, setReadOnly] = useState<boolean | null>(null);

  useEffect(() => {
    trpc.host.info.query().then(
      (i) => setReadOnly(i.readOnly),
      () => setReadOnly(null),
    );
    // fetch and run the graph's code (cytoscape) while the host is read, not after it arrives
    void import('./graph/CytoscapeGraph');
  }, []);

  const ix = useMemo(() => (snap ? indexHost(snap) : null), [snap]);
  const model = useMemo(() => (snap ? buildGraph(snap, view) : null), [snap, view]);
  const namespaces = useMemo(() => (snap ? sortedNamespaces(snap.namespaces) : []), [snap]);
  const kindCounts = useMemo(() => {
    const m = new Map<KindClass, number>();
    for (const l of snap?.links ?? []) m.set(kindClassOf(l), (m.get(kindClassOf(l)) ?? 0) + 1);
    return m;
  }, [snap]);

  const toggleCollapse = useCallback(
    (nsId: string) =>
      setView((v) => ({
        ...v,
        collapsed: v.collapsed.includes(nsId) ? v.collapsed.filter((x) => x !== nsId) : [...v.collapsed, nsId],
      })),
    [setView],
  );

  const toggleGroup = useCallback(
    (key: string) =>
      setView((v) => {
        const open = v.openGroups ?? [];
        return { ...v, openGroups: open.includes(key) ? open.filter((x) => x !== key) : [...open, key] };
      }),
    [setView],
  );

  const jump = useCallback(
    (t: JumpTarget) => {
      if (!snap) return;
      setViewState((v) => revealIn(v, snap, t));
      setSelection(t);
      setFocus((f) => ({ nodeId: t.type === 'link' ? linkNodeId(t.id) : nsNodeId(t.id), seq: (f?.seq ?? 0) + 1 }));
    },
    [snap],
  );

  // a new search brings its matches into view (adjusted while rendering, not in an effect: no extra pass)
  const matches = model?.matches;
  const [lastSearch, setLastSearch] = useState('');
  if (matches && view.search !== lastSearch) {
    setLastSearch(view.search);
    if (view.search.trim() && matches.length) setFit((f) => ({ ids: matches, seq: (f?.seq ?? 0) + 1 }));
  }

  // shift/ctrl/cmd-click collects links into a multi-selection (one draft item for all of them)
  const [multi, setMulti] = useState<string[]>([]);
  const onGraphSelect = useCallback((nodeId: string | null, additive?: boolean) => {
    const ref = nodeId ? refOfNodeId(nodeId) : null;
    if (additive && nodeId && ref?.type === 'link' && nodeId.startsWith('link:')) {
      setMulti((m) => (m.includes(nodeId) ? m.filter((x) => x !== nodeId) : [...m, nodeId]));
      return;
    }
    setMulti([]);
    setSelection(ref);
  }, []);
  const editor = useEditor(snap, ix, readOnly);
  const { nodeMenu } = editor;
  // the draft drawn over the host: ghosts for what it creates, marks on what it changes
  const drawn = useMemo(
    () => (model && snap && editor.draft.length ? overlayDraft(model, snap, draftEdits(editor.draft)) : model),
    [model, snap, editor.draft],
  );
  const onNodeMenu = useCallback(
    (nodeId: string, at: { x: number; y: number }) => {
      setSelection(refOfNodeId(nodeId));
      nodeMenu(nodeId, at);
    },
    [nodeMenu],
  );

  // a link inside a collapsed namespace is selected through its namespace's node
  const selectedNode = useMemo(() => {
    if (!selection) return null;
    if (selection.type === 'namespace') return nsNodeId(selection.id);
    const l = ix?.linkById.get(selection.id);
    return l && view.collapsed.includes(l.nsId) ? nsNodeId(l.nsId) : linkNodeId(selection.id);
  }, [selection, ix, view.collapsed]);

  useEffect(() => {
    if (!focus || mode === 'graph' || !selection) return;
    const testId = selection.type === 'link' ? 'link-row' : 'ns-row';
    document
      .querySelector(`[data-testid="${testId}"][data-id="${CSS.escape(selection.id)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [focus, mode, selection]);

  return (
    <EditorContext.Provider value={editor}>
      <div className="app">
        <Header
          snapshot={snap}
          loading={host.loading}
          readOnly={readOnly}
          live={host.live}
          liveError={host.liveError}
        />
        <Banners snapshot={snap} error={host.error} />
        <SafetyBanners canEdit={readOnly === false} />
        <Toolbar
          view={view}
          setView={setView}
          mode={mode}
          setMode={setMode}
          namespaces={namespaces}
          kindCounts={kindCounts}
          matchCount={view.search.trim() && model ? model.matches.length : null}
          loading={host.loading}
          onRefresh={() => void host.refresh()}
          onRelayout={() => setRelayoutSeq((s) => s + 1)}
          extra={<EditToolbar />}
        />
        <main className="body">
          <section className="stage" data-testid="stage">
            {!snap || !model || !ix ? (
              host.error ? (
                <p className="muted empty">No data.</p>
              ) : (
                <p className="muted empty" data-testid="read-progress">
                  Reading the host…
                  {host.progress && host.progress.total > 0 && (
                    <>
                      {' '}
                      {host.progress.done} of {host.progress.total} namespaces{' '}
                      <progress max={host.progress.total} value={host.progress.done} />
                    </>
                  )}
                </p>
              )
            ) : mode === 'graph' ? (
              <>
                <div className="graph-area">
                  <CytoscapeGraph
                    model={drawn ?? model}
                    hostVersion={host.version}
                    relayoutSeq={relayoutSeq}
                    selected={selectedNode}
                    focus={focus}
                    fit={fit}
                    onSelect={onGraphSelect}
                    marked={multi}
                    onToggleCollapse={toggleCollapse}
                    onToggleGroup={toggleGroup}
                    onContextMenu={onNodeMenu}
                  />
                  <GroupBar model={model} namespaceCount={snap.namespaces.length} view={view} setView={setView} />
                </div>
                <Legend />
              </>
            ) : mode === 'links' ? (
              <LinksTable
                groups={tableRows(snap, ix, view)}
                ix={ix}
                selection={selection}
                onSelect={setSelection}
                jump={jump}
              />
            ) : mode === 'networks' ? (
              <NetworksTable
                rows={networkRows(snap, view.search)}
                ix={ix}
                jump={jump}
                onShow={(namespaces) => {
                  setView((v) => ({ ...v, namespaces }));
                  setMode('graph');
                }}
              />
            ) : (
              <div className="table-wrap fill">
                <RouteTable routes={routeRows(snap, ix, view)} ix={ix} jump={jump} withNs />
              </div>
            )}
          </section>
          <aside className="side" data-testid="side">
            <div className="side-main">
              {ix && (
                <DetailsPanel
                  selection={selection}
                  ix={ix}
                  jump={jump}
                  collapsed={view.collapsed}
                  onToggleCollapse={toggleCollapse}
                  onClose={() => setSelection(null)}
                  actions={<SelectionActions selection={selection} />}
                />
              )}
              {ix && multi.length > 0 && <MultiActions nodeIds={multi} ix={ix} onClear={() => setMulti([])} />}
            </div>
            <ActivityList items={host.activity} />
          </aside>
        </main>
        <EditLayer editor={editor} />
      </div>
    </EditorContext.Provider>
  );
}
