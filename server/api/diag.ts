// diag.ping: "ping from this namespace", streamed line by line (a tRPC subscription over SSE).
// Changes nothing on the host, so it is allowed in read-only mode; same-origin and the token apply.
import 'server-only';
import { TRPCError } from '@trpc/server';
import { publicProcedure, router } from './trpc';
import { PingInput } from '../../shared/edits/schema';
import { discoverNamespaces } from '../host/namespaces';
import { inNamespace, type NsEntry } from '../ip/netns';
import { stream } from '../ip/run';
import { checkEditAccess } from './edit';

export type PingEvent =
  | { type: 'start'; argv: string[] }
  | { type: 'line'; line: string }
  | { type: 'exit'; exitCode: number | null; stderr: string };

export function pingArgv(ns: NsEntry, target: string, count: number): string[] {
  return inNamespace(ns, ['ping', '-n', '-c', String(count), '-W', '1', target]);
}

export const diagRouter = router({
  ping: publicProcedure.input(PingInput).subscription(async function* ({ ctx, input, signal }) {
    checkEditAccess(ctx, { changes: false });
    const { namespaces } = await discoverNamespaces();
    const ref = input.nsId;
    const ns =
      ref === undefined
        ? namespaces.find((n) => n.root)
        : /^\d+$/.test(ref)
          ? namespaces.find((n) => n.id === ref)
          : namespaces.find((n) => n.name === ref);
    if (!ns) throw new TRPCError({ code: 'NOT_FOUND', message: `nsId: no namespace ${JSON.stringify(ref)}` });
    if (!ns.root && !ns.path)
      throw new TRPCError({ code: 'BAD_REQUEST', message: `nsId: namespace ${ns.label} has no path to enter` });
    const argv = pingArgv(ns, input.target, input.count ?? 3);
    const start: PingEvent = { type: 'start', argv };
    yield start;

    const queue: PingEvent[] = [];
    let wake: (() => void) | null = null;
    const push = (ev: PingEvent) => {
      queue.push(ev);
      wake?.();
    };
    const handle = (ctx.stream ?? stream)(argv, (line) => push({ type: 'line', line }), {
      timeoutMs: ((input.count ?? 3) + 5) * 1000,
    });
    let finished = false;
    void handle.done.then((r) => {
      finished = true;
      push({ type: 'exit', exitCode: r.exitCode, stderr: r.stderr.trim() });
    });
    const onAbort = () => handle.stop();
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (queue.length) {
          const ev = queue.shift()!;
          yield ev;
          if (ev.type === 'exit') return;
        }
        if (finished && !queue.length) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      handle.stop();
    }
  }),
});
