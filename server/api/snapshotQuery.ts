// host.snapshot as a plain GET (curl, scripts, the page's fallback): the procedure answers it as ever
// (the gate, the input check, the live state), but the JSON is written here in parts, with a turn of
// the event loop between them, where tRPC would JSON.stringify 5–10 MB in one go and hold up every
// other request meanwhile. The body is what tRPC sends: {"result":{"data":SNAPSHOT}}. Anything else
// (a batch, a POST, a refused input or token, a failed read) is left to tRPC, which says why.
import 'server-only';
import { appRouter } from './root';
import { createContext } from './trpc';
import { partItems, turn } from './wire';

/** The JSON of `value` in pieces: arrays longer than `per` items as runs of `per`, a turn between runs. */
export async function* jsonInParts(value: Record<string, unknown>, per = partItems()): AsyncGenerator<string> {
  let sep = '{';
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    yield `${sep}${JSON.stringify(k)}:`;
    sep = ',';
    if (!Array.isArray(v) || v.length <= per) {
      yield JSON.stringify(v);
      continue;
    }
    for (let at = 0; at < v.length; at += per) {
      if (at) await turn();
      yield (
        (at ? ',' : '[') +
        v
          .slice(at, at + per)
          .map((x: unknown) => JSON.stringify(x) ?? 'null')
          .join(',')
      );
    }
    yield ']';
  }
  yield sep === '{' ? '{}' : '}';
}

/** The response to a plain `GET …/host.snapshot[?input=…]`, or null for tRPC to answer. */
export async function snapshotResponse(req: Request): Promise<Response | null> {
  const url = new URL(req.url);
  if (req.method !== 'GET' || !url.pathname.endsWith('/host.snapshot') || url.searchParams.has('batch')) return null;
  let input: unknown;
  try {
    const raw = url.searchParams.get('input');
    input = raw === null ? undefined : JSON.parse(raw);
  } catch {
    return null;
  }
  let snapshot: Record<string, unknown>;
  try {
    snapshot = (await appRouter.createCaller(createContext(req)).host.snapshot(input as never)) as unknown as Record<
      string,
      unknown
    >;
  } catch {
    return null;
  }
  const enc = new TextEncoder();
  const parts = jsonInParts(snapshot);
  let opened = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!opened) {
        opened = true;
        controller.enqueue(enc.encode('{"result":{"data":'));
        return;
      }
      const next = await parts.next();
      if (next.done) {
        controller.enqueue(enc.encode('}}'));
        controller.close();
      } else controller.enqueue(enc.encode(next.value));
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}
