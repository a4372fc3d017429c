// Which node the page's Dashboard shows: null for this server's own host, a node's name on the hub's page.
// Module state, not React context: the edit API (components/edit/api.ts) and useHost are plain functions.
let node: string | null = null;

export function targetNode(): string | null {
  return node;
}

export function setTargetNode(n: string | null): void {
  node = n;
}
