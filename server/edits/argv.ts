// How a plan names namespaces in argv: the rules of server/ip/netns.ts (commands as users type them). Pure.
import type { NsState } from './model';
import { commandInNamespace, netnsTarget as target } from '../ip/netns';

/** argv that runs `ip ARGS` inside ns, as users type it (`ip -n NAME` where ip knows the name: see commandInNamespace). */
export function ipIn(ns: NsState, args: string[]): string[] {
  return commandInNamespace(ns, ['ip', ...args]);
}

/** The value after `netns` in `ip link add|set … netns X`. */
export function netnsTarget(ns: NsState, selfPid: number): string {
  return target(ns, selfPid);
}
