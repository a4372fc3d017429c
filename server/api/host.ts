import { z } from 'zod';
import { publicProcedure, router } from './trpc';
import { readHost } from '../host/read';

export const hostRouter = router({
  snapshot: publicProcedure.input(z.object({}).optional()).query(({ ctx }) => readHost(ctx.run)),
  info: publicProcedure.query(({ ctx }) => ({
    readOnly: ctx.config.readOnly,
    tokenRequired: ctx.config.token !== null,
    root: typeof process.getuid === 'function' && process.getuid() === 0,
  })),
});
