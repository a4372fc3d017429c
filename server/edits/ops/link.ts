// link.del / link.set. Each change in a link.set is its own step with its own undo (the old value from
// the snapshot), and what the kernel does implicitly on a down (routes through it gone, its IPv6
// addresses gone) and on a move (also down, nomaster, every address gone) is spelled out as steps, so
// that the preview says it and undo — or a checkpoint's revert — puts it back.
import type { EditOf } from '../../../shared/edits/schema';
import type { OpPlanner } from '../plan';
import { addrAddWords } from '../model';
import { removeRoutesThrough } from './route';

export const planLinkDel: OpPlanner<EditOf<'link.del'>> = (e, ctx) => {
  const ns = ctx.ns(e.ns, 'ns');
  const link = ctx.link(ns, e.dev, 'dev');
  ctx.guardLink(link, 'deleting', { notCreatedRule: true });
  const gone = ctx.model.removeLink(link).filter((l) => l !== link);
  if (gone.length)
    ctx.warn(`deleting ${link.name} also removes ${gone.map((l) => `${l.name} (${l.ns.label})`).join(', ')}`);
  if (!link.created) ctx.warn(`deleting ${link.name} cannot be undone by linkscape`);
  ctx.step(ctx.ip(ns, ['link', 'del', 'dev', link.name]), null, `delete ${link.kind} ${link.name} in ${ns.label}`);
};

export const planLinkSet: OpPlanner<EditOf<'link.set'>> = (e, ctx) => {
  let ns = ctx.ns(e.ns, 'ns');
  const link = ctx.link(ns, e.dev, 'dev');
  const set = (words: string[]) => ctx.ip(link.ns, ['link', 'set', 'dev', link.name, ...words]);
  const onOff = (b: boolean) => (b ? 'on' : 'off');

  if (e.up === false) {
    ctx.guardLink(link, 'taking down', { notCreatedRule: true });
    if (link.up) {
      removeRoutesThrough(ctx, link, 'a down link drops it');
      // IPv6 addresses go with the link (unless the namespace keeps them: keep_addr_on_down); removing them
      // first makes the result the same either way, and undo puts them back
      const v6 = link.addresses.filter((a) => a.cidr.includes(':') && a.scope !== 'link');
      for (const a of v6)
        ctx.step(
          ctx.ip(ns, ['addr', 'del', a.cidr, 'dev', link.name]),
          ctx.ip(ns, addrAddWords(a, link.name)),
          `remove address ${a.cidr} from ${link.name} (a down link drops it)`,
        );
      link.addresses = link.addresses.filter((a) => !v6.includes(a));
    }
    ctx.step(set(['down']), set([link.up ? 'up' : 'down']), `take ${link.name} down in ${ns.label}`);
    link.up = false;
  }

  if (e.name !== undefined) {
    if (ctx.model.link(ns, e.name))
      ctx.fail(['name'], `an interface named ${e.name} already exists in namespace ${ns.label}`);
    const old = link.name;
    ctx.step(
      set(['name', e.name]),
      ctx.ip(ns, ['link', 'set', 'dev', e.name, 'name', old]),
      `rename ${old} to ${e.name} in ${ns.label}`,
    );
    link.name = e.name;
  }

  if (e.mtu !== undefined) {
    const min = link.minMtu && link.minMtu > 0 ? link.minMtu : null;
    const max = link.maxMtu && link.maxMtu > 0 ? link.maxMtu : null;
    if ((min !== null && e.mtu < min) || (max !== null && e.mtu > max)) {
      ctx.fail(['mtu'], `MTU ${e.mtu} is outside ${link.name}'s range ${min ?? '?'}–${max ?? '?'}`);
    }
    ctx.step(
      set(['mtu', String(e.mtu)]),
      link.mtu !== null ? set(['mtu', String(link.mtu)]) : null,
      `set MTU of ${link.name} to ${e.mtu}${link.mtu !== null ? ` (was ${link.mtu})` : ''}`,
    );
    link.mtu = e.mtu;
  }

  if (e.mac !== undefined) {
    const old = link.mac;
    ctx.step(
      set(['address', e.mac]),
      old ? set(['address', old]) : null,
      `set MAC of ${link.name} to ${e.mac}${old ? ` (was ${old})` : ''}`,
    );
    link.mac = e.mac;
  }

  if (e.promisc !== undefined) {
    const old = link.promisc;
    ctx.step(
      set(['promisc', onOff(e.promisc)]),
      old !== null ? set(['promisc', onOff(old)]) : null,
      `promiscuous mode ${onOff(e.promisc)} on ${link.name}`,
    );
    link.promisc = e.promisc;
  }

  if (e.netns !== undefined) {
    const target = ctx.ns(e.netns, 'netns');
    if (target === ns) ctx.fail(['netns'], `${link.name} is already in namespace ${ns.label}`);
    if (ctx.model.link(target, link.name))
      ctx.fail(['netns'], `namespace ${target.label} already has an interface named ${link.name}`);
    ctx.guardLink(link, 'moving', { notCreatedRule: true });
    removeRoutesThrough(ctx, link, 'a move drops it');
    if (link.master) {
      const m = link.master;
      ctx.step(set(['nomaster']), set(['master', m.name]), `detach ${link.name} from ${m.name} (a move detaches it)`);
      link.master = null;
    }
    if (link.up) {
      ctx.step(set(['down']), set(['up']), `take ${link.name} down (a move does)`);
      link.up = false;
    }
    for (const a of link.addresses.filter((x) => x.scope !== 'link')) {
      ctx.step(
        ctx.ip(ns, ['addr', 'del', a.cidr, 'dev', link.name]),
        ctx.ip(ns, addrAddWords(a, link.name)),
        `remove address ${a.cidr} from ${link.name} (a move drops it)`,
      );
    }
    ctx.step(
      set(['netns', ctx.netns(target)]),
      ctx.ip(target, ['link', 'set', 'dev', link.name, 'netns', ctx.netns(ns)]),
      `move ${link.name} from ${ns.label} to ${target.label}`,
    );
    ctx.model.moveLink(link, target);
    ns = target;
  }

  if (e.master !== undefined) {
    const old = link.master;
    const undo = old ? set(['master', old.name]) : set(['nomaster']);
    if (e.master === null) {
      ctx.step(set(['nomaster']), undo, `detach ${link.name} from ${old ? old.name : 'its master (none now)'}`);
      link.master = null;
    } else {
      const m = ctx.link(ns, e.master, 'master');
      if (m === link) ctx.fail(['master'], 'a link cannot be its own master');
      ctx.guardLink(link, 'enslaving', { notCreatedRule: false });
      ctx.step(set(['master', m.name]), undo, `attach ${link.name} to ${m.name} in ${ns.label}`);
      link.master = m;
    }
  }

  if (e.up === true) {
    ctx.step(set(['up']), set([link.up ? 'up' : 'down']), `bring ${link.name} up in ${ns.label}`);
    link.up = true;
  }
};
