import { router } from './trpc';
import { hostRouter } from './host';
import { editRouter } from './edit';
import { diagRouter } from './diag';

export const appRouter = router({
  host: hostRouter,
  edit: editRouter,
  diag: diagRouter,
});
export type AppRouter = typeof appRouter;
