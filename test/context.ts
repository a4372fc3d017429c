// A tRPC context as a request that passed the gate (scripts/gate.mjs) would get: for tests that call the
// router in-process (createCaller), where there is no HTTP server and so no gate to pass.
import { createContext, type Context } from '../server/api/trpc';

export function gatedContext(req: Request = new Request('http://127.0.0.1/api/trpc')): Context {
  return { ...createContext(req), gateProblem: null, remote: '127.0.0.1' };
}
