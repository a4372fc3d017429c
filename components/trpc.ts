// The page's one tRPC client: subscriptions over SSE, everything else as plain HTTP (no batching,
// so each call is a readable GET/POST in the network tab).
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { AppRouter } from '@/server/api/root';

const url = '/api/trpc';

export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // the token rides in the HttpOnly cookie the server set when the page was opened with ?token=
      true: httpSubscriptionLink({ url }),
      false: httpLink({ url }),
    }),
  ],
});

/** the message to show for a failed call: the server's own words */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
