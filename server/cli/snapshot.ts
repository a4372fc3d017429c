// `linkscape snapshot`: the host as one JSON document, read the way the server reads it (readHost), no HTTP.
// Bundled to dist/snapshot.mjs at pack time (scripts/prepack.mjs); run from source through tsx.
import { run } from '../ip/run';
import { readHost } from '../host/read';

export async function printSnapshot(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const bad = argv.filter((a) => !['-p', '--pretty'].includes(a));
  if (bad.length) throw new Error(`snapshot: unknown argument ${JSON.stringify(bad[0])} (only -p/--pretty)`);
  const pretty = argv.includes('-p') || argv.includes('--pretty');
  const snap = await readHost(run);
  // like `ip -j`: one line of JSON; `-p` indents it like `ip -j -p`
  out.write(JSON.stringify(snap, null, pretty ? 2 : undefined) + '\n');
}
