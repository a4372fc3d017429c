// What one can do to a link or a namespace: one list, drawn both as the graph's context menu and as
// the details panel's buttons. Each action opens a form (its plan shown inline) or the ping panel.
import type { LinkKind } from '@/shared/edits/schema';
import type { Link, Namespace } from '@/shared/host/types';
import { addrAddForm, addrDelForm } from './forms/addr';
import { linkAddForm, unsupported } from './forms/LinkAddForm';
import {
  linkAttachForm,
  linkDeleteForm,
  linkDetachForm,
  linkMacForm,
  linkMoveForm,
  linkMtuForm,
  linkPromiscForm,
  linkRenameForm,
  linkUpForm,
} from './forms/linkSet';
import { netnsDelForm } from './forms/namespace';
import { runtimeRemoval } from '@/shared/edits/owned';
import { parentProblem } from './forms/choices';
import { removableRoutes, routeAddForm, routeDelForm } from './forms/route';
import type { AnyForm, FormHost } from './forms/types';

export type ActionGroup = 'state' | 'config' | 'port' | 'address' | 'child' | 'route' | 'diag' | 'danger';

export interface Action {
  key: string;
  label: string;
  group: ActionGroup;
  /** why it cannot be done, shown instead of doing it */
  disabled?: string | null;
  danger?: boolean;
  form?: () => AnyForm;
  /** open the ping panel for this namespace */
  ping?: string;
}

export const CHILD_KINDS: LinkKind[] = ['macvlan', 'ipvlan', 'vlan', 'macvtap', 'ipvtap', 'vxlan'];

export function linkActions(l: Link, host: FormHost): Action[] {
  const lo = l.kind === 'loopback';
  const master = l.masterId ? host.ix.linkById.get(l.masterId) : undefined;
  const out: Action[] = [
    l.up
      ? { key: 'down', label: 'Take down', group: 'state', form: () => linkUpForm(l, false) }
      : { key: 'up', label: 'Bring up', group: 'state', form: () => linkUpForm(l, true) },
    { key: 'mtu', label: 'Set MTU…', group: 'config', form: () => linkMtuForm(l) },
    {
      key: 'mac',
      label: 'Set MAC…',
      group: 'config',
      disabled: lo ? 'loopback has no MAC' : null,
      form: () => linkMacForm(l),
    },
    l.flags.includes('PROMISC')
      ? { key: 'promisc-off', label: 'Promiscuous off', group: 'config', form: () => linkPromiscForm(l, false) }
      : { key: 'promisc-on', label: 'Promiscuous on', group: 'config', form: () => linkPromiscForm(l, true) },
    { key: 'rename', label: 'Rename…', group: 'config', form: () => linkRenameForm(l) },
    l.masterId
      ? {
          key: 'nomaster',
          label: `Detach from ${master?.name ?? 'master'}`,
          group: 'port',
          form: () => linkDetachForm(l, master?.name ?? 'master'),
        }
      : {
          key: 'master',
          label: 'Attach to bridge…',
          group: 'port',
          disabled: lo ? 'loopback cannot be a port' : null,
          form: () => linkAttachForm(l, host),
        },
    {
      key: 'move',
      label: 'Move to namespace…',
      group: 'port',
      disabled: lo ? 'loopback cannot leave its namespace' : null,
      form: () => linkMoveForm(l, host),
    },
    { key: 'addr-add', label: 'Add address…', group: 'address', form: () => addrAddForm(l) },
    {
      key: 'addr-del',
      label: 'Remove address…',
      group: 'address',
      disabled: l.addresses.length ? null : 'it has no addresses',
      form: () => addrDelForm(l),
    },
    { key: 'route-add', label: 'Add route via it…', group: 'route', form: () => routeAddForm(host, l.nsId, l.name) },
    ...CHILD_KINDS.map((k): Action => ({
      key: `child-${k}`,
      label: k === 'vxlan' ? 'vxlan (underlay)…' : `${k}…`,
      group: 'child',
      disabled: lo ? 'not on loopback' : (unsupported(host, k) ?? parentProblem(host, k, l)),
      form: () => linkAddForm(host, { kind: k, parent: l }),
    })),
    {
      key: 'ping',
      label: `Ping from ${host.ix.nsById.get(l.nsId)?.label ?? 'its namespace'}…`,
      group: 'diag',
      ping: l.nsId,
    },
    {
      key: 'delete',
      label: `Delete ${l.name}…`,
      group: 'danger',
      danger: true,
      disabled: lo ? 'the kernel does not delete lo' : null,
      form: () => linkDeleteForm(l),
    },
  ];
  return out;
}

function deleteBlocker(ns: Namespace): string | null {
  if (ns.root) return 'the host namespace cannot be deleted';
  if (ns.source !== 'named' || !ns.name) {
    const by = ns.pids.length ? ` (held by pid ${ns.pids[0]}${ns.comms[0] ? ` ${ns.comms[0]}` : ''})` : '';
    return `only named namespaces can be deleted; this one is ${ns.source === 'docker' ? "Docker's" : 'unnamed'}${by}`;
  }
  const owned = ns.owner ? runtimeRemoval(ns.owner, ns.name) : null;
  return owned ? `the namespace of ${owned.what}: remove it with ${owned.how}` : null;
}

export function namespaceActions(ns: Namespace, host: FormHost): Action[] {
  const routes = removableRoutes(host.ix.routesByNs.get(ns.id) ?? []);
  return [
    { key: 'link-add', label: 'Add link here…', group: 'config', form: () => linkAddForm(host, { nsId: ns.id }) },
    { key: 'route-add', label: 'Add route…', group: 'route', form: () => routeAddForm(host, ns.id) },
    {
      key: 'route-del',
      label: 'Remove route…',
      group: 'route',
      disabled: routes.length ? null : 'no routes to remove',
      form: () => routeDelForm(host, ns.id),
    },
    { key: 'ping', label: 'Ping from here…', group: 'diag', ping: ns.id },
    {
      key: 'delete',
      label: 'Delete namespace…',
      group: 'danger',
      danger: true,
      disabled: deleteBlocker(ns),
      form: () => netnsDelForm(ns),
    },
  ];
}

/** in read-only mode only what changes nothing remains */
export function visibleActions(actions: Action[], canEdit: boolean): Action[] {
  return canEdit ? actions : actions.filter((a) => a.ping !== undefined);
}
