// cytoscape (3.34, and 3.35 the same) forgets an element's cached style states (visible, takes up space…)
// once per style property it applies, ~150 on an element's first styling. In a graph with compound nodes
// each call builds collections: the element, its descendants, its parents and all their edges. Adding 20
// links to a namespace that holds 200 restyles that namespace too, so a 200-namespace host drawn whole
// spent a third of its drawing building and dropping those collections. This does the same forgetting
// by walking the element's own lists: the same elements lose their caches, nothing is allocated.
import type { Core } from 'cytoscape';

/** what this reads of cytoscape's element internals (stable since 3.0) */
interface Internals {
  group: 'nodes' | 'edges';
  styleCache: unknown;
  edges: Ele[];
  children: Ele[];
  parent: Ele | null;
}
interface Ele {
  _private: Internals;
}
interface Coll {
  length: number;
  [i: number]: Ele;
  cy: () => { hasCompoundNodes: () => boolean };
}

function forget(e: Ele) {
  e._private.styleCache = null;
}

/** a node and the edges at it */
function forgetNode(n: Ele) {
  forget(n);
  for (const edge of n._private.edges) forget(edge);
}

/** cytoscape's dirtyStyleCache, element by element: for a node, it and its edges, and with compound nodes
 *  also every descendant and every ancestor of it, each with its edges; for an edge, the edge */
export function dirtyStyleCache(this: Coll): Coll {
  const compound = this.cy().hasCompoundNodes();
  for (let i = 0; i < this.length; i++) {
    const e = this[i];
    if (e._private.group !== 'nodes') {
      forget(e);
      continue;
    }
    forgetNode(e);
    if (!compound) continue;
    const below = [...e._private.children];
    for (let n = below.pop(); n; n = below.pop()) {
      forgetNode(n);
      for (const c of n._private.children) below.push(c);
    }
    for (let p = e._private.parent; p; p = p._private.parent) forgetNode(p);
  }
  return this;
}

/** put dirtyStyleCache in place of cytoscape's (on the prototype all collections share), before any
 *  element is added */
export function installDirtyStyleCache(cy: Core) {
  const proto = Object.getPrototypeOf(cy.collection()) as { dirtyStyleCache?: unknown };
  if (typeof proto.dirtyStyleCache === 'function') proto.dirtyStyleCache = dirtyStyleCache;
}
