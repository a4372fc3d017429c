import { router } from './trpc';
import { hostRouter } from './host';

export const appRouter = router({
  host: hostRouter,
});
export type AppRouter = typeof appRouter;
