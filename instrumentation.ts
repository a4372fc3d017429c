// Next runs register() once when the server starts, before it answers a request (scripts/serve.mjs awaits
// app.prepare()): the place to roll back a plan a crash left half-done.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { recoverOnStart } = await import('./server/edits/recover');
  await recoverOnStart();
}
