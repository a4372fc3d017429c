// How a plan names namespaces in argv: the one rule of server/ip/netns.ts. Pure.
import type { NsState } from './model';
import { inNamespace, netnsTarget as target } from '../ip/netns';

/** argv that runs `ip ARGS` inside ns (see inNamespace). */
export function ipIn(ns: NsState, args: string[]): string[] {
  return inNamespace(ns, ['ip', ...args]);
}

/** The value after `netns` in `ip link add|set … netns X`. */
export function netnsTarget(ns: NsState, selfPid: number): string {
  return target(ns, selfPid);
}
