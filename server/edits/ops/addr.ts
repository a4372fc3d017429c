// addr.add / addr.del
import type { EditOf } from '../../../shared/edits/schema';
import type { OpPlanner } from '../plan';
import { addrAddWords, canonicalCidr } from '../model';

export const planAddrAdd: OpPlanner<EditOf<'addr.add'>> = (e, ctx) => {
  const ns = ctx.ns(e.ns, 'ns');
  const link = ctx.link(ns, e.dev, 'dev');
  const cidr = canonicalCidr(e.cidr);
  if (link.addresses.some((a) => a.cidr === cidr)) ctx.fail(['cidr'], `${e.cidr} is already an address of ${e.dev}`);
  ctx.step(
    ctx.ip(ns, ['addr', 'add', e.cidr, 'dev', link.name]),
    ctx.ip(ns, ['addr', 'del', e.cidr, 'dev', link.name]),
    `add address ${e.cidr} to ${link.name} in ${ns.label}`,
  );
  link.addresses.push({ cidr, scope: 'global', broadcast: null });
};

export const planAddrDel: OpPlanner<EditOf<'addr.del'>> = (e, ctx) => {
  const ns = ctx.ns(e.ns, 'ns');
  const link = ctx.link(ns, e.dev, 'dev');
  const cidr = canonicalCidr(e.cidr);
  const addr = link.addresses.find((a) => a.cidr === cidr);
  if (!addr) {
    const has = link.addresses.map((a) => a.cidr).join(', ') || 'none';
    return ctx.fail(['cidr'], `${e.cidr} is not an address of ${e.dev} (it has: ${has})`);
  }
  if (ctx.model.carriesHostDefault(link))
    ctx.guard(
      link,
      `removing an address of ${link.name}, which carries the host's default route, can cut this host off`,
    );
  ctx.step(
    ctx.ip(ns, ['addr', 'del', e.cidr, 'dev', link.name]),
    ctx.ip(ns, addrAddWords(addr, link.name)),
    `remove address ${e.cidr} from ${link.name} in ${ns.label}`,
  );
  link.addresses = link.addresses.filter((a) => a.cidr !== cidr);
};
