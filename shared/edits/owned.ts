// Pure: who removes a namespace a runtime owns, and how (netns.del refuses it; the page disables the action).
import type { NamespaceOwner } from '../host/types';

/**
 * A `netns-UUID` that only its name marks as Podman's: no container's process is in it (just bound, or
 * leaked). Deleted, with a warning: refusing would leave a leaked one no way out.
 */
export function podmanByNameOnly(o: NamespaceOwner | null, nsName: string): boolean {
  return o?.runtime === 'podman' && o.name === nsName;
}

/** how an owned namespace goes away properly: null for a plain process's (the pids warning says enough) */
export function runtimeRemoval(o: NamespaceOwner, nsName: string): { what: string; how: string } | null {
  if (podmanByNameOnly(o, nsName)) return null;
  switch (o.runtime) {
    case 'kubernetes':
      return {
        what: `pod ${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
        how: `kubectl delete pod ${o.namespace ? `-n ${o.namespace} ` : ''}${o.name}`,
      };
    case 'docker':
      return { what: `Docker container ${o.name}`, how: `docker rm -f ${o.name}` };
    case 'podman':
      return o.kind === 'pod'
        ? { what: `Podman pod ${o.name}`, how: `podman pod rm -f ${o.name}` }
        : { what: `Podman container ${o.name}`, how: `podman rm -f ${o.name}` };
    case 'containerd':
      return { what: `containerd ${o.kind} ${o.name}`, how: `crictl or nerdctl, e.g. nerdctl rm -f ${o.name}` };
    case 'systemd':
      return { what: `systemd unit ${o.name}`, how: `systemctl stop ${o.name}` };
    case 'process':
      return null;
  }
}
