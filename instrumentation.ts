// Next runs register() once, before it answers the first request (in production it prepares itself on the
// first request; scripts/serve.mjs makes one before it prints its address): the place to roll back a plan
// a crash left half-done.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { recoverOnStart } = await import('./server/edits/recover');
  await recoverOnStart();
}
