// The fleet bench's simulated agents, in a process of their own (so their work is not the hub's):
// `tsx --conditions=react-server bench/lib/fleet-agents.ts N TOKEN` prints one JSON line of URLs; then reads `churn on` / `churn off` /
// `quit` lines on stdin (churn: every agent streams a diff every 200 ms).
import readline from 'node:readline';
import type { HostDiff } from '../../shared/host/types';
import { nodeFdb, nodeSnapshot } from '../../test/fleet/fixture';
import { startSimAgent, type SimAgent } from '../../test/fleet/sim-agent';

const n = Number(process.argv[2]);
const token = process.argv[3];
const sims: SimAgent[] = [];
for (let i = 0; i < n; i++) {
  const s = nodeSnapshot(i, n);
  sims.push(await startSimAgent({ snapshot: s, fdb: nodeFdb(s, i, n), token }));
}
process.stdout.write(
  JSON.stringify({ urls: sims.map((s) => s.url), links: sims.reduce((a, s) => a + s.snapshot.links.length, 0) }) + '\n',
);
let pushed = 0;
let churn: ReturnType<typeof setInterval> | null = null;
const quit = async () => {
  if (churn) clearInterval(churn);
  await Promise.all(sims.map((s) => s.close()));
  process.exit(0);
};
readline
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'churn on' && !churn) {
      churn = setInterval(() => {
        for (const s of sims) {
          const l = s.snapshot.links.find((x) => x.name === 'd0')!;
          const diff: HostDiff = {
            takenAt: new Date().toISOString(),
            namespaces: { upsert: [], remove: [] },
            links: { upsert: [{ ...l, mtu: 1400 + (pushed % 100) }], remove: [] },
            routes: { nsIds: [], upsert: [] },
            warnings: [],
            hidden: [],
            activity: [],
          };
          s.push(diff);
          pushed++;
        }
      }, 200);
    } else if (line === 'churn off' && churn) {
      clearInterval(churn);
      churn = null;
      process.stdout.write(JSON.stringify({ pushed }) + '\n');
    } else if (line === 'quit') void quit();
  })
  .on('close', () => void quit());
process.on('SIGTERM', () => void quit());
process.on('SIGINT', () => void quit());
