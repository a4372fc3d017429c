import 'server-only';
import { router } from './trpc';
import { hostRouter } from './host';
import { editRouter } from './edit';
import { diagRouter } from './diag';
import { fleetRouter } from './fleet';

export const appRouter = router({
  host: hostRouter,
  edit: editRouter,
  diag: diagRouter,
  fleet: fleetRouter,
});
export type AppRouter = typeof appRouter;
