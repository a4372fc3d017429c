// The graph's look, as a cytoscape stylesheet in plain data (colours shared with the legend).
import { EDGE_COLORS, KIND_CLASSES, KIND_COLORS } from './kinds';

export interface StyleRule {
  selector: string;
  style: Record<string, string | number | string[]>;
}

/** node sizes the drawing uses; the fit of a graph still being drawn is computed from them */
export const NODE_SIZE = {
  link: { w: 124, h: 50 },
  vf: { w: 92, h: 40 },
  collapsed: { w: 190, h: 60 },
  /** a closed group of namespaces: one summary node */
  group: { w: 280, h: 80 },
  /** a namespace with nothing inside and not collapsed: cytoscape's default node */
  empty: { w: 30, h: 30 },
};
/** room around a namespace's links, and its label's font size (the label sits above the box) */
export const NS_PADDING = 14;
export const NS_FONT = 12;

export const OPER_COLORS = {
  up: '#3fb950',
  down: '#f85149',
  unknown: '#8b949e',
  lowerdown: '#d29922',
  dormant: '#a371f7',
};

export const graphStyle: StyleRule[] = [
  // No background image as an empty list, not cytoscape's default ['none']: with ['none'], drawing a
  // node flips its :backgrounding state twice (cytoscape 3.34 counts the absent image as drawn in one
  // of its two passes), which restyles the node — and for a namespace, every link in it — on every
  // frame that draws it, so each frame while the graph changes cost a restyle of everything.
  { selector: 'node', style: { 'background-image': [] } },
  // Drawing order set outright (namespace boxes, then edges, then link nodes — what cytoscape's 'auto'
  // gives here), so sorting for it does not walk every node's ancestors on each change.
  { selector: 'node, edge', style: { 'z-compound-depth': 'orphan', 'z-index-compare': 'manual' } },
  { selector: 'node', style: { 'z-index': 2 } },
  { selector: 'node:parent', style: { 'z-index': 0 } },
  { selector: 'edge', style: { 'z-index': 1 } },
  {
    selector: 'node.link',
    style: {
      shape: 'round-rectangle',
      width: NODE_SIZE.link.w,
      height: NODE_SIZE.link.h,
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-max-width': '118px',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 10,
      'line-height': 1.15,
      color: '#0b0f14',
      'font-family': 'ui-monospace, SFMono-Regular, Menlo, monospace',
      'border-width': 3,
      'border-color': OPER_COLORS.unknown,
      'min-zoomed-font-size': 7,
      'background-color': KIND_COLORS.other,
    },
  },
  ...KIND_CLASSES.map((k) => ({ selector: `node.k-${k}`, style: { 'background-color': KIND_COLORS[k] } })),
  { selector: 'node.k-bridge, node.k-bond', style: { shape: 'cut-rectangle' } },
  { selector: 'node.k-pf', style: { 'border-width': 5, 'border-style': 'double' } },
  { selector: 'node.k-loopback', style: { shape: 'ellipse', color: '#e5e7eb' } },
  ...Object.entries(OPER_COLORS).map(([k, c]) => ({ selector: `node.op-${k}`, style: { 'border-color': c } })),
  { selector: 'node.admin-down', style: { 'background-opacity': 0.45, 'border-style': 'dashed', color: '#e5e7eb' } },
  { selector: 'node.unresolved', style: { 'outline-width': 2, 'outline-color': '#f85149', 'outline-style': 'dotted' } },
  // a VF without a netdev: a small node below its PF
  {
    selector: 'node.vfnode',
    style: {
      shape: 'round-rectangle',
      width: NODE_SIZE.vf.w,
      height: NODE_SIZE.vf.h,
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-max-width': '88px',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 9,
      'line-height': 1.1,
      color: '#0b0f14',
      'font-family': 'ui-monospace, SFMono-Regular, Menlo, monospace',
      'border-width': 1.5,
      'border-color': KIND_COLORS.pf,
      'background-color': KIND_COLORS.vf,
      'min-zoomed-font-size': 7,
    },
  },
  { selector: 'node.vf-disabled', style: { 'background-opacity': 0.45, 'border-style': 'dashed' } },
  { selector: 'node.vf-more', style: { 'background-color': '#2b3a4d', color: '#c9d1d9' } },
  // something in snapshot.warnings concerns this node
  {
    selector: 'node.has-warning',
    style: {
      'underlay-color': '#d29922',
      'underlay-padding': 6,
      'underlay-opacity': 0.55,
      'underlay-shape': 'round-rectangle',
    },
  },
  {
    selector: 'node.namespace',
    style: {
      shape: 'round-rectangle',
      'background-color': '#161b22',
      'background-opacity': 0.85,
      'border-width': 1.5,
      'border-color': '#3d4754',
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'font-size': NS_FONT,
      color: '#c9d1d9',
      padding: `${NS_PADDING}px`,
      'min-zoomed-font-size': 6,
      'font-family': 'system-ui, sans-serif',
      'text-max-width': '400px',
    },
  },
  // a group of namespaces (a big host): closed, one summary card; open, a frame around its namespaces
  {
    selector: 'node.group',
    style: {
      shape: 'round-rectangle',
      label: 'data(label)',
      'text-wrap': 'wrap',
      'font-family': 'system-ui, sans-serif',
      color: '#c9d1d9',
      'border-width': 2,
      'border-color': '#6e7f99',
      'border-style': 'double',
      'min-zoomed-font-size': 6,
    },
  },
  {
    selector: 'node.group-closed',
    style: {
      width: NODE_SIZE.group.w,
      height: NODE_SIZE.group.h,
      'background-color': '#1f2a3a',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 13,
      'text-max-width': `${NODE_SIZE.group.w - 16}px`,
    },
  },
  {
    selector: 'node.group-open',
    style: {
      'background-color': '#10151c',
      'background-opacity': 0.6,
      'border-style': 'dashed',
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'font-size': NS_FONT + 2,
      padding: `${NS_PADDING * 2}px`,
      'text-max-width': '600px',
    },
  },
  { selector: 'node.group-down', style: { 'border-color': '#d29922' } },
  { selector: 'node.namespace.root-ns', style: { 'border-color': '#4c9aff', 'border-width': 2 } },
  { selector: 'node.namespace.src-process', style: { 'border-style': 'dashed' } },
  { selector: 'node.namespace.src-docker', style: { 'border-color': '#2496ed' } },
  { selector: 'node.namespace.ns-error', style: { 'border-color': '#f85149' } },
  {
    selector: 'node.namespace.collapsed',
    style: {
      width: NODE_SIZE.collapsed.w,
      height: NODE_SIZE.collapsed.h,
      'text-valign': 'center',
      'text-margin-y': 0,
      'background-color': '#222b36',
      'font-size': 11,
      'text-max-width': '180px',
    },
  },
  {
    selector: 'edge',
    style: {
      width: 1.6,
      'curve-style': 'straight',
      'line-color': EDGE_COLORS.parent,
      'target-arrow-color': EDGE_COLORS.parent,
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      opacity: 0.9,
      label: 'data(countLabel)',
      'font-size': 10,
      color: '#c9d1d9',
      'text-background-color': '#0d1117',
      'text-background-opacity': 1,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 8,
    },
  },
  { selector: 'edge.e-peer', style: { width: 3, 'line-color': EDGE_COLORS.peer, 'target-arrow-shape': 'none' } },
  {
    selector: 'edge.e-master',
    style: { 'line-style': 'dashed', 'line-color': EDGE_COLORS.master, 'target-arrow-color': EDGE_COLORS.master },
  },
  {
    selector: 'edge.e-vf',
    style: { 'line-style': 'dotted', width: 2.2, 'line-color': EDGE_COLORS.vf, 'target-arrow-color': EDGE_COLORS.vf },
  },
  {
    selector: 'edge.e-vfnode',
    style: { 'line-style': 'dotted', width: 1.4, 'line-color': EDGE_COLORS.vfnode, 'target-arrow-shape': 'none' },
  },
  // between namespaces: a gentle arc, so the line does not run through the nodes of a row
  {
    selector: 'edge.cross',
    style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': 50, 'control-point-weights': 0.5 },
  },
  { selector: '.dim', style: { opacity: 0.18 } },
  { selector: 'node.match', style: { 'outline-width': 4, 'outline-color': '#ffd33d', 'outline-offset': 3 } },
  { selector: 'node:selected', style: { 'outline-width': 4, 'outline-color': '#ffffff', 'outline-offset': 3 } },
  { selector: 'node.namespace:selected', style: { 'border-color': '#ffffff', 'border-width': 3, 'outline-width': 0 } },
  { selector: 'edge:selected', style: { width: 4 } },
  {
    selector: 'node.multi',
    style: {
      'outline-width': 4,
      'outline-color': '#ffffff',
      'outline-offset': 3,
      'overlay-color': '#4c9aff',
      'overlay-opacity': 0.18,
      'overlay-padding': 4,
    },
  },
  // a draft over the host: what it would create ghosted, what it would change or delete marked
  {
    selector: 'node.link.draft-new',
    style: { opacity: 0.6, 'border-style': 'dashed', 'border-color': '#cfe3ff', 'border-width': 2 },
  },
  {
    selector: 'node.namespace.draft-new',
    style: { 'border-style': 'dashed', 'border-color': '#cfe3ff', 'background-opacity': 0.25 },
  },
  { selector: 'edge.draft-new', style: { 'line-style': 'dashed', opacity: 0.7 } },
  {
    selector: 'node.draft-changed',
    style: { 'outline-width': 3, 'outline-color': '#4c9aff', 'outline-offset': 3, 'outline-style': 'dashed' },
  },
  {
    selector: 'node.draft-deleted',
    style: {
      opacity: 0.4,
      'outline-width': 3,
      'outline-color': '#f85149',
      'outline-offset': 3,
      'outline-style': 'dashed',
    },
  },
  { selector: '.flash', style: { 'overlay-color': '#ffd33d', 'overlay-opacity': 0.45, 'overlay-padding': 8 } },
];
