import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { installFastEncoderStream } from '@/server/api/encoderStream';
import { snapshotResponse } from '@/server/api/snapshotQuery';

// tRPC encodes its SSE bodies with TextEncoderStream, which is slow in Node 20 on a big snapshot
installFastEncoderStream();

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

async function handler(req: Request) {
  // a plain GET of host.snapshot: the same answer, written in parts so it holds up no other request
  const snapshot = await snapshotResponse(req);
  if (snapshot) return snapshot;
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext(req),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error);
    },
  });
}
export { handler as GET, handler as POST };
