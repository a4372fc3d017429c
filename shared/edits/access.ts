// Which edits can cut the operator off: the host namespace's addresses and routes, and its links taken
// down, moved, renamed, enslaved or deleted. The page applies such plans under a checkpoint (confirm or
// revert). Pure, no imports beyond types: the client uses it too.
import type { Edit } from './schema';

/** one sentence per edit that can cut access, or [] */
export function accessRisks(edits: Edit[], rootNsId: string | null): string[] {
  const inHost = (ns: string | undefined) => ns === undefined || ns === rootNsId;
  const out: string[] = [];
  edits.forEach((e, i) => {
    const at = `edit ${i + 1}`;
    if ((e.op === 'addr.add' || e.op === 'addr.del') && inHost(e.ns))
      out.push(`${at} changes an address of the host's ${e.dev}`);
    else if ((e.op === 'route.add' || e.op === 'route.del') && inHost(e.ns))
      out.push(`${at} changes the host's routes`);
    else if (e.op === 'link.del' && inHost(e.ns)) out.push(`${at} deletes the host's ${e.dev}`);
    else if (e.op === 'link.set' && inHost(e.ns)) {
      if (e.up === false) out.push(`${at} takes the host's ${e.dev} down`);
      else if (e.netns !== undefined) out.push(`${at} moves the host's ${e.dev} away`);
      else if (e.master !== undefined) out.push(`${at} changes the master of the host's ${e.dev}`);
      else if (e.name !== undefined) out.push(`${at} renames the host's ${e.dev}`);
      else if (e.mtu !== undefined || e.mac !== undefined)
        out.push(`${at} changes the MTU or MAC of the host's ${e.dev}`);
    }
  });
  return out;
}
