// netns.add / netns.del
import type { EditOf } from '../../../shared/edits/schema';
import type { OpPlanner } from '../plan';
import type { NsState } from '../model';
import { podmanByNameOnly, runtimeRemoval } from '../../../shared/edits/owned';
import { newLink } from './link-add';

export const planNetnsAdd: OpPlanner<EditOf<'netns.add'>> = (e, ctx) => {
  if (ctx.model.namespaces.some((n) => n.name === e.name))
    ctx.fail(['name'], `a namespace named ${e.name} already exists`);
  const ns: NsState = {
    key: `new:${e.name}`,
    id: null,
    name: e.name,
    path: `/var/run/netns/${e.name}`,
    root: false,
    source: 'named',
    label: e.name,
    pids: [],
    comms: [],
    created: true,
    owner: null,
  };
  ctx.step(['ip', 'netns', 'add', e.name], ['ip', 'netns', 'del', e.name], `create namespace ${e.name}`);
  ctx.model.namespaces.push(ns);
  const lo = newLink(ns, 'lo', 'loopback', { mtu: 65536, linkType: 'loopback' });
  ctx.model.links.push(lo);
  if (e.lo !== false) {
    ctx.step(
      ctx.ip(ns, ['link', 'set', 'dev', 'lo', 'up']),
      ctx.ip(ns, ['link', 'set', 'dev', 'lo', 'down']),
      `bring lo up in ${e.name}`,
    );
    lo.up = true;
  }
};

export const planNetnsDel: OpPlanner<EditOf<'netns.del'>> = (e, ctx) => {
  const ns = ctx.ns(e.ns, 'ns');
  if (ns.root) ctx.fail(['ns'], 'the host namespace cannot be deleted');
  if (ns.source !== 'named' || !ns.name) {
    const held = ns.pids.length ? ` (held by pid ${ns.pids[0]}${ns.comms[0] ? ` ${ns.comms[0]}` : ''})` : '';
    return ctx.fail(['ns'], `only named namespaces can be deleted; ${ns.label} is a ${ns.source} namespace${held}`);
  }
  // a pod's or a container's namespace: `ip netns del` takes the name from under its runtime, which then
  // cannot tear the sandbox down (and the pod keeps running without its network); its runtime removes it
  const gone = ns.owner ? runtimeRemoval(ns.owner, ns.name) : null;
  if (gone)
    return ctx.fail(
      ['ns'],
      `${ns.name} is the namespace of ${gone.what}: remove it with its runtime (${gone.how}), not ip netns del`,
    );
  if (podmanByNameOnly(ns.owner, ns.name))
    ctx.warn(
      `${ns.name} is named like a Podman container's namespace and no process is in it: if a container still has it, remove that container with podman instead`,
    );
  const links = ctx.model.linksIn(ns).filter((l) => l.kind !== 'loopback');
  if (ns.pids.length) {
    ctx.warn(
      `processes still live in ${ns.name} (pid ${ns.pids.join(', ')}): deleting the name does not end the namespace while they run`,
    );
  }
  if (links.length) {
    const virt = links.filter((l) => !l.physical).map((l) => l.name);
    const phys = links.filter((l) => l.physical).map((l) => l.name);
    if (virt.length && !ns.pids.length) ctx.warn(`links in ${ns.name} are destroyed with it: ${virt.join(', ')}`);
    if (phys.length) ctx.warn(`physical NICs in ${ns.name} return to the host namespace: ${phys.join(', ')}`);
  }
  ctx.warn(`deleting namespace ${ns.name} cannot be undone by linkscape`);
  ctx.step(['ip', 'netns', 'del', ns.name], null, `delete namespace ${ns.name}`);
  ctx.model.removeNs(ns);
};
