// The page's one tRPC client: subscriptions over SSE, everything else as plain HTTP (no batching,
// so each call is a readable GET/POST in the network tab).
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { AppRouter } from '@/server/api/root';
import { authToken } from './edit/token';

const url = '/api/trpc';

export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // EventSource cannot send headers: the token rides in connectionParams (a query parameter)
      true: httpSubscriptionLink({ url, connectionParams: () => (authToken() ? { token: authToken()! } : null) }),
      false: httpLink({ url, headers: (): Record<string, string> => (authToken() ? { authorization: `Bearer ${authToken()}` } : {}) }),
    }),
  ],
});

/** the message to show for a failed call: the server's own words */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
