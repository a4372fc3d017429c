'use client';
// The only module that knows cytoscape. It draws a GraphModel with preset positions (pure layout),
// and on every new model patches the drawing in place: nodes that stay keep their place, new ones
// are put beside their kin (place.ts), gone ones leave; what changed on the host flashes briefly.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import cytoscape from 'cytoscape';
import type { CollectionArgument, Core, ElementDefinition, NodeSingular, SingularElementReturnValue } from 'cytoscape';
import type { GraphEdge, GraphModel, GraphNode } from './model';
import { groupOfNodeId, refOfNodeId } from './model';
import { drawnBounds, fitViewport, type Bounds } from './fit';
import { layoutGraph, type Point } from './layout';
import { installDirtyStyleCache } from './dirtyStyle';
import { drip, loadOrder, type Drip } from './load';
import { placeNew } from './place';
import { graphStyle, NS_FONT } from './style';

export interface GraphFocus {
  nodeId: string;
  seq: number;
}

/** bring these nodes into view (the search's matches) */
export interface GraphFit {
  ids: string[];
  seq: number;
}

interface Props {
  model: GraphModel;
  /** bumps when the host changed (not just the view): changed nodes flash */
  hostVersion: number;
  /** bumps to throw away positions and lay everything out afresh */
  relayoutSeq: number;
  selected: string | null;
  focus: GraphFocus | null;
  fit: GraphFit | null;
  /** a click; additive when shift, ctrl or cmd was held (multi-selection) */
  onSelect: (nodeId: string | null, additive?: boolean) => void;
  /** nodes in the multi-selection, drawn with the class `multi` */
  marked?: string[];
  onToggleCollapse: (nsId: string) => void;
  /** a click on a closed group of namespaces, or a double click on an open one */
  onToggleGroup?: (key: string) => void;
  /** right click on a node, at the mouse (client coordinates) */
  onContextMenu?: (nodeId: string, at: { x: number; y: number }) => void;
}

/** read-only hooks for tests and curious operators (window.__linkscape) */
export interface GraphProbe {
  ready: () => boolean;
  nodeIds: () => string[];
  edgeIds: () => string[];
  /** the elements drawn as selected */
  selectedIds: () => string[];
  /** a node's centre in CSS pixels relative to the graph container, or null */
  renderedPosition: (id: string) => Point | null;
  /** a node's centre in graph coordinates (what stays put when the host changes) */
  position: (id: string) => Point | null;
  zoom: () => number;
  /** a node's drawn box in graph coordinates (a compound one's around what is inside it), or null */
  box: (id: string) => Bounds | null;
  /** the part of the graph in view, in graph coordinates */
  extent: () => Bounds;
  /** how long the last model → drawing update took, in ms */
  lastSyncMs: () => number;
  /** how many model → drawing updates ran since the graph was made */
  syncCount: () => number;
  /** a node's label as drawn, and its classes (a search's matches carry `match`) */
  label: (id: string) => string | null;
  classes: (id: string) => string[];
}

declare global {
  interface Window {
    __linkscape?: GraphProbe;
  }
}

const BIG = 600;
const FLASH_MS = 1400;
/** beyond this many changes at once (a reconnect, a refresh) a flash says nothing */
const MAX_FLASH = 300;
/** fitting a small graph must not blow it up */
const MAX_FIT_ZOOM = 1.25;
const FIT_PADDING = 30;
const MIN_ZOOM = 0.03;
const MAX_ZOOM = 4;
/** more new elements than this at once (a first render, a relayout) are added a slice at a time */
const DRIP_OVER = 120;
/** elements per cy.add while dripping, and how long one task may keep adding */
const DRIP_GROUP = 20;
const DRIP_BUDGET_MS = 50;
/** no frame this long after a slice: the page is hidden (or very busy); go on without one */
const HIDDEN_FRAME_MS = 250;

function fitAll(cy: Core) {
  cy.fit(undefined, FIT_PADDING);
  if (cy.zoom() > MAX_FIT_ZOOM)
    cy.zoom({ level: MAX_FIT_ZOOM, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}

/** fit to where the whole model will be drawn, without asking cytoscape for bounding boxes */
/** model units above an open group's frame that its label takes (two lines of its font, and the margin) */
const GROUP_LABEL_ROOM = 2 * (NS_FONT + 2) + 8;

function fitPlanned(cy: Core, b: Bounds) {
  cy.viewport(fitViewport(b, cy.width(), cy.height(), FIT_PADDING, MIN_ZOOM, MAX_FIT_ZOOM));
}

/** f in a task of its own, soon (no timer clamping), after whatever input is waiting */
function nextTask(f: () => void): () => void {
  const ch = new MessageChannel();
  let live = true;
  ch.port1.onmessage = () => {
    ch.port1.close();
    if (live) f();
  };
  ch.port2.postMessage(null);
  return () => {
    live = false;
    ch.port1.close();
  };
}

/**
 * f in a task of its own after the next frame: a frame (input, then cytoscape's drawing) between any
 * two slices of a load, so neither waits behind a run of the other. A hidden page draws no frames:
 * after a while f runs anyway.
 */
function afterFrame(f: () => void): () => void {
  let cancelTask = () => {};
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    cancelTask = nextTask(f);
  };
  const frame = requestAnimationFrame(start);
  const timer = setTimeout(start, HIDDEN_FRAME_MS);
  return () => {
    started = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    cancelTask();
  };
}

/** the drawing's progress line: shown while elements are still going in, hidden once all are drawn */
function showProgress(el: HTMLDivElement | null, done: number, total: number): void {
  if (!el) return;
  el.hidden = done >= total;
  if (!el.hidden) el.textContent = `drawing ${done} of ${total} elements…`;
}

const nodeDef = (n: GraphNode, position?: Point): ElementDefinition => ({
  group: 'nodes',
  data: { id: n.id, label: n.label, ref: n.ref, type: n.type, sig: n.sig, ...(n.parent ? { parent: n.parent } : {}) },
  classes: n.classes.join(' '),
  ...(position ? { position: { ...position } } : {}),
});

const edgeDef = (e: GraphEdge): ElementDefinition => ({
  group: 'edges',
  data: {
    id: e.id,
    source: e.source,
    target: e.target,
    type: e.type,
    sig: e.sig,
    countLabel: e.count > 1 ? `×${e.count}` : '',
  },
  classes: e.classes.join(' '),
});

/** positions of nodes no longer drawn, so they return to their place; bounded for pages open for days */
const CACHE_MAX = 5000;
function remember(cache: Map<string, Point>, id: string, p: Point) {
  cache.delete(id);
  cache.set(id, p);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
}

/** a collection of these elements, built in one go (union in a loop is quadratic) */
const collectionOf = (cy: Core, eles: SingularElementReturnValue[]) =>
  cy.collection(eles as unknown as CollectionArgument);

interface Synced {
  /** ids of nodes and edges that are new or changed */
  changed: string[];
  /** new elements left for drip(), in loadOrder (empty when everything new was added at once) */
  later: ElementDefinition[];
  /** with `later`: the extent of the whole model once drawn */
  bounds: Bounds | null;
  /** the group node that just opened or closed (everything was laid out afresh), if any */
  toggled: string | null;
  /** its box as laid out */
  toggledBounds: Bounds | null;
}

/**
 * Patch cy to show `model`. A few new elements are added at once; many (a first render) are left in
 * `later` with their planned positions remembered in the cache, so a new model arriving before they
 * are all drawn places them exactly where planned.
 * One pass over what is drawn and one over the model: no per-id lookups (each would allocate).
 */
function sync(cy: Core, model: GraphModel, cache: Map<string, Point>): Synced {
  const wantNodes = new Map(model.nodes.map((n) => [n.id, n]));
  const wantEdges = new Map(model.edges.map((e) => [e.id, e]));
  const changed: string[] = [];
  let later: ElementDefinition[] = [];
  let bounds: Bounds | null = null;
  const existing = new Map<string, SingularElementReturnValue>();
  const centres = new Map<string, Point>();
  const wasParent: string[] = [];
  const goneEdges: SingularElementReturnValue[] = [];
  const goneChildren: SingularElementReturnValue[] = [];
  const goneParents: SingularElementReturnValue[] = [];
  const modelParents = new Set(model.nodes.map((n) => n.parent));
  cy.elements().forEach((e) => {
    const id = e.id();
    if (e.group() === 'edges') {
      if (wantEdges.has(id)) existing.set(id, e);
      else goneEdges.push(e);
      return;
    }
    const node = e as unknown as NodeSingular;
    const parent = node.isParent();
    const wanted = wantNodes.has(id);
    // a namespace box's centre is computed from its links' bounds (every label measured): only read
    // when it is needed, i.e. when the box goes away or becomes one node
    if (!parent || !wanted || !modelParents.has(id)) centres.set(id, { ...node.position() });
    if (parent) wasParent.push(id);
    if (wanted) existing.set(id, e);
    else (parent ? goneParents : goneChildren).push(e);
  });

  cy.batch(() => {
    // children before their namespace: removing a parent would take its children along
    for (const list of [goneEdges, goneChildren, goneParents]) {
      for (const e of list) if (centres.has(e.id())) remember(cache, e.id(), centres.get(e.id())!);
      if (list.length) cy.remove(collectionOf(cy, list));
    }
  });

  // a group opened or closed: its size changes by far more than a namespace's, so everything is laid out
  // afresh (the group keeps its slot in the order; what follows it moves aside, nothing overlaps)
  let toggled: string | null = null;
  for (const n of model.nodes) {
    if (n.type !== 'group') continue;
    const ele = existing.get(n.id);
    if (ele && ele.hasClass('group-open') !== n.classes.includes('group-open')) toggled = n.id;
  }
  const known = new Map(cache);
  for (const [id, p] of centres) if (wantNodes.has(id)) known.set(id, p);
  const missing = model.nodes.some((n) => !existing.has(n.id) && !known.has(n.id));
  const fresh = toggled ? layoutGraph(model) : null;
  const placed = fresh
    ? fresh.positions
    : missing
      ? placeNew(model, known, layoutGraph(model))
      : new Map<string, Point>();
  const positionOf = (id: string) => placed.get(id) ?? known.get(id);
  if (toggled) {
    const parents = new Set(model.nodes.map((n) => n.parent));
    cy.batch(() => {
      for (const n of model.nodes) {
        const ele = existing.get(n.id) as NodeSingular | undefined;
        const p = placed.get(n.id);
        if (ele && p && !parents.has(n.id)) ele.position({ ...p });
      }
    });
  }

  cy.batch(() => {
    const add: ElementDefinition[] = [];
    for (const n of model.nodes) {
      const ele = existing.get(n.id);
      if (!ele) {
        add.push(nodeDef(n, positionOf(n.id)));
        changed.push(n.id);
      } else if (ele.data('sig') !== n.sig) {
        // a namespace goes into or out of a group drawn open (a host crossing the grouping threshold)
        if (n.type === 'namespace' && ((ele.data('parent') as string | undefined) ?? null) !== n.parent)
          (ele as unknown as NodeSingular).move({ parent: n.parent });
        ele.data({ label: n.label, sig: n.sig });
        ele.classes(n.classes.join(' '));
        changed.push(n.id);
      }
    }
    const addEdges: ElementDefinition[] = [];
    for (const e of model.edges) {
      const ele = existing.get(e.id);
      if (!ele) {
        addEdges.push(edgeDef(e));
        changed.push(e.id);
      } else if (ele.data('sig') !== e.sig) {
        ele.data({ sig: e.sig, countLabel: e.count > 1 ? `×${e.count}` : '' });
        ele.classes(e.classes.join(' '));
      }
    }
    if (add.length + addEdges.length > DRIP_OVER) {
      for (const d of add) if (d.position) remember(cache, d.data.id as string, d.position);
      later = loadOrder(add, addEdges, (id) => existing.has(id));
      bounds = drawnBounds(model.nodes, (id) => (existing.has(id) ? centres.get(id) : undefined) ?? positionOf(id));
    } else {
      if (add.length) cy.add(add);
      if (addEdges.length) cy.add(addEdges);
    }
    // a namespace that just collapsed stays where its box was
    for (const id of wasParent) {
      const n = existing.get(id) as NodeSingular | undefined;
      if (n && !n.isParent() && centres.has(id)) n.position({ ...centres.get(id)! });
    }
  });
  const box = toggled ? fresh?.boxes.get(toggled) : undefined;
  // an open group's name sits above its frame (style.ts: text-valign top): room for it in the view
  const toggledBounds = box ? { x1: box.x, y1: box.y - GROUP_LABEL_ROOM, x2: box.x + box.w, y2: box.y + box.h } : null;
  return { changed, later, bounds, toggled, toggledBounds };
}

/**
 * cytoscape's first instance parses its default stylesheet and ours, and styles its first elements, several
 * times slower than any later one (none of that code is compiled yet: a profile of the first draw of a small
 * host had ~35 ms in it). A throwaway instance does it once while the page waits for the host's snapshot
 * (this module is fetched then), so the frames that draw the graph do not.
 */
function warmUp() {
  const cy = cytoscape({ headless: true, styleEnabled: true, style: graphStyle });
  cy.add([
    { group: 'nodes', data: { id: 'ns', type: 'namespace', label: 'ns' }, classes: 'namespace' },
    { group: 'nodes', data: { id: 'a', parent: 'ns', type: 'link', label: 'a' }, classes: 'link k-veth' },
    { group: 'nodes', data: { id: 'b', parent: 'ns', type: 'link', label: 'b' }, classes: 'link k-veth' },
    { group: 'edges', data: { id: 'ab', source: 'a', target: 'b', type: 'peer', countLabel: '' }, classes: 'e-peer' },
  ]);
  cy.elements().boundingBox();
  cy.destroy();
}
if (typeof window !== 'undefined') {
  if ('requestIdleCallback' in window) window.requestIdleCallback(warmUp, { timeout: 1000 });
  else setTimeout(warmUp, 0);
}

export default function CytoscapeGraph(props: Props) {
  const { model, hostVersion, relayoutSeq, selected, focus, fit } = props;
  const box = useRef<HTMLDivElement>(null);
  const [cy, setCy] = useState<Core | null>(null);
  const cache = useRef(new Map<string, Point>());
  const lastHost = useRef<number | null>(null);
  const lastRelayout = useRef(relayoutSeq);
  // the latest handlers, for cytoscape's listeners (bound once); updated after each render commits
  const callbacks = useRef(props);
  useLayoutEffect(() => {
    callbacks.current = props;
  });
  const firstModel = useRef(model);
  // until the operator pans or zooms, the whole graph stays in view as it grows
  const userView = useRef(false);
  const syncMs = useRef(0);
  const syncCount = useRef(0);
  /** elements of a big render not in cytoscape yet */
  const pendingLoad = useRef(0);
  /** a button is down on the graph: the operator is dragging */
  const pointerDown = useRef(false);
  /** "drawing N of M" while a big graph goes in (set directly: a React render per slice would slow it) */
  const progressEl = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let alive = true;
    let made: Core | null = null;
    let detach = () => {};
    let cancelStyle = () => {};
    const make = () => {
      if (!alive || !box.current) return;
      const big = firstModel.current.nodes.length + firstModel.current.edges.length > BIG;
      // no elements yet (sync adds them with their positions), so no layout; the stylesheet is parsed in
      // a task of its own below: together with making the renderer it is one long task on a slow machine
      made = cytoscape({
        container: box.current,
        minZoom: MIN_ZOOM,
        maxZoom: MAX_ZOOM,
        boxSelectionEnabled: false,
        textureOnViewport: big,
        hideEdgesOnViewport: big,
        motionBlur: false,
        pixelRatio: big ? 1 : 'auto',
      });
      installDirtyStyleCache(made);
      const el = box.current;
      el.addEventListener('wheel', () => (userView.current = true), { passive: true });
      el.addEventListener('pointerdown', () => (pointerDown.current = true));
      const onUp = () => (pointerDown.current = false);
      // a load waits while a button is down: every way a press can end must end the wait
      const ends = ['pointerup', 'pointercancel', 'blur'] as const;
      for (const e of ends) window.addEventListener(e, onUp);
      detach = () => {
        for (const e of ends) window.removeEventListener(e, onUp);
      };
      made.on('pan', () => {
        if (pointerDown.current) userView.current = true;
      });
      made.on('tap', 'node', (e) => {
        const node = e.target as NodeSingular;
        const group = groupOfNodeId(node.id());
        if (group && node.hasClass('group-closed')) return callbacks.current.onToggleGroup?.(group);
        const m = e.originalEvent as MouseEvent | undefined;
        callbacks.current.onSelect(node.id(), !!m && (m.shiftKey || m.ctrlKey || m.metaKey));
      });
      made.on('dbltap', 'node.group-open', (e) => {
        const group = groupOfNodeId((e.target as NodeSingular).id());
        if (group) callbacks.current.onToggleGroup?.(group);
      });
      made.on('tap', (e) => {
        if (e.target === made) callbacks.current.onSelect(null);
      });
      made.on('cxttap', 'node', (e) => {
        const m = e.originalEvent as MouseEvent | undefined;
        if (m) callbacks.current.onContextMenu?.((e.target as NodeSingular).id(), { x: m.clientX, y: m.clientY });
      });
      made.on('dbltap', 'node.namespace', (e) => {
        const ref = refOfNodeId((e.target as NodeSingular).id());
        if (ref) callbacks.current.onToggleCollapse(ref.id);
      });
      const c = made;
      window.__linkscape = {
        ready: () => !c.destroyed() && c.nodes().length > 0 && pendingLoad.current === 0,
        nodeIds: () => c.nodes().map((n) => n.id()),
        edgeIds: () => c.edges().map((e) => e.id()),
        selectedIds: () => c.$(':selected').map((e) => e.id()),
        renderedPosition: (id) => {
          const n = c.getElementById(id);
          return n.nonempty() ? { ...n.renderedPosition() } : null;
        },
        position: (id) => {
          const n = c.getElementById(id);
          return n.nonempty() ? { ...n.position() } : null;
        },
        zoom: () => c.zoom(),
        box: (id) => {
          const n = c.getElementById(id);
          if (n.empty()) return null;
          const b = n.boundingBox({ includeLabels: false });
          return { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
        },
        extent: () => {
          const e = c.extent();
          return { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 };
        },
        lastSyncMs: () => syncMs.current,
        syncCount: () => syncCount.current,
        label: (id) => {
          const n = c.getElementById(id);
          return n.nonempty() ? String(n.data('label') ?? '') : null;
        },
        classes: (id) => {
          const n = c.getElementById(id);
          return n.nonempty() ? n.classes() : [];
        },
      };
      cancelStyle = nextTask(() => {
        if (!alive || c.destroyed()) return;
        c.style(graphStyle);
        setCy(c);
      });
    };
    make();
    return () => {
      alive = false;
      cancelStyle();
      detach();
      made?.destroy();
      if (window.__linkscape) delete window.__linkscape;
    };
  }, []);

  useEffect(() => {
    if (!cy) return;
    // the element now, for the cleanup too (the ref may point elsewhere by then)
    const progress = progressEl.current;
    const first = cy.nodes().empty();
    if (relayoutSeq !== lastRelayout.current) {
      lastRelayout.current = relayoutSeq;
      userView.current = false;
      cache.current.clear();
      cy.elements().remove();
    }
    const t0 = performance.now();
    const { changed, later, bounds, toggled, toggledBounds } = sync(cy, model, cache.current);
    const allNew = cy.elements().nonempty() && changed.length === cy.elements().length;
    if (toggled && toggledBounds) {
      // the group just opened or closed: the view goes to it (its planned box: it may still be drawing)
      userView.current = true;
      cy.stop();
      fitPlanned(cy, toggledBounds);
    } else if (first || allNew || !userView.current) {
      if (later.length && bounds) fitPlanned(cy, bounds);
      else fitAll(cy);
    }
    syncMs.current = performance.now() - t0;
    syncCount.current++;
    pendingLoad.current = later.length;
    // the rest goes in a slice per frame: the view stays where it is (fitted to the whole plan, or
    // wherever the operator has dragged it) and input is answered between slices
    showProgress(progress, 0, later.length);
    const loading: Drip | null = later.length
      ? drip(later, {
          add: (group) => {
            let added = cy.collection();
            cy.batch(() => {
              added = cy.add(group);
            });
            // styles and label sizes are computed lazily, at the next frame: asking for the bounds here
            // does that work inside this slice's budget instead of in one long frame for all slices
            added.boundingBox();
          },
          group: DRIP_GROUP,
          budgetMs: DRIP_BUDGET_MS,
          now: () => performance.now(),
          // while the operator drags, the load waits: the frames then only move a snapshot of the canvas
          // (textureOnViewport), and every slice would delay the drag's next step; it goes on at release
          later: (f) => {
            let cancel = () => {};
            const next = () => {
              cancel = afterFrame(() => (pointerDown.current ? next() : f()));
            };
            next();
            return () => cancel();
          },
          onSlice: (left) => {
            pendingLoad.current = left;
            showProgress(progress, later.length - left, later.length);
          },
        })
      : null;
    const hostChanged = lastHost.current !== null && lastHost.current !== hostVersion;
    lastHost.current = hostVersion;
    if (hostChanged && !first && changed.length && changed.length <= MAX_FLASH) {
      const byId = new Set(changed);
      const eles = cy.elements().filter((e) => byId.has(e.id()));
      eles.addClass('flash');
      setTimeout(() => {
        if (!cy.destroyed()) eles.removeClass('flash');
      }, FLASH_MS);
    }
    return () => {
      // a newer model replans whatever this one did not get to draw
      loading?.cancel();
      pendingLoad.current = 0;
      showProgress(progress, 0, 0);
    };
  }, [cy, model, hostVersion, relayoutSeq]);

  useEffect(() => {
    if (!cy) return;
    cy.$(':selected').unselect();
    if (selected) cy.getElementById(selected).select();
  }, [cy, selected, model]);

  useEffect(() => {
    if (!cy) return;
    cy.$('.multi').removeClass('multi');
    for (const id of props.marked ?? []) cy.getElementById(id).addClass('multi');
  }, [cy, props.marked, model]);

  useEffect(() => {
    if (!cy || !focus) return;
    const n = cy.getElementById(focus.nodeId);
    if (n.empty()) return;
    userView.current = true;
    cy.stop();
    cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 0.9) }, { duration: 250 });
  }, [cy, focus]);

  useEffect(() => {
    if (!cy || !fit || !fit.ids.length) return;
    const wanted = new Set(fit.ids);
    const eles = cy.nodes().filter((n) => wanted.has(n.id()));
    if (eles.empty()) return;
    userView.current = true;
    cy.stop();
    cy.animate(
      { fit: { eles, padding: 60 } },
      {
        duration: 250,
        complete: () => {
          if (cy.zoom() > 1.2) cy.zoom({ level: 1.2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
        },
      },
    );
  }, [cy, fit]);

  return (
    <>
      <div
        ref={box}
        className="graph-canvas"
        data-testid="graph"
        onContextMenu={props.onContextMenu ? (e) => e.preventDefault() : undefined}
      />
      <div ref={progressEl} className="graph-progress" data-testid="draw-progress" role="status" hidden />
    </>
  );
}
