// Benchmark: what entering one named namespace costs, by the ways iproute2 and util-linux offer, with few
// and with many named namespaces on the host. `ip -n NAME` and `ip netns exec NAME` unshare a mount
// namespace and remount /sys in it, which copies every mount of the host (one per named namespace);
// `nsenter --net=PATH` only calls setns(2). Measured: CPU (user+sys of the children, from bash's `times`)
// per call of `ip -j -d link show`, median of interleaved rounds; CPU, because on a shared machine wall
// time is mostly waiting. The namespaces are removed in finally and on SIGINT/SIGTERM.
// BENCH_ENTRY_SIZES=50,300 (default), BENCH_ENTRY_PREFIX=NAME names them NAME-0, NAME-1, ….
import { spawnSync } from 'node:child_process';
import { ipBatch, isRoot, onInterrupt, type BenchMetric, type BenchResult } from './lib/lab200';

const SIZES = (process.env.BENCH_ENTRY_SIZES ?? '50,300')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const ROUNDS = 5;
const CALLS = 50;
const log = (s: string) => process.stderr.write(`[entry] ${s}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const WAYS = {
  'ip -n NAME': (ns: string) => `ip -n ${ns} -j -d link show`,
  'nsenter --net=PATH ip': (ns: string) => `nsenter --net=/run/netns/${ns} -- ip -j -d link show`,
  'ip netns exec NAME ip': (ns: string) => `ip netns exec ${ns} ip -j -d link show`,
  'ip (own namespace)': () => `ip -j -d link show`,
} as const;
type Way = keyof typeof WAYS;

/** µs of CPU (children, user+sys) per call of `cmd`, CALLS calls from one bash */
function cpuPerCall(cmd: string): number {
  // `times` prints the shell's own and its children's user/sys times: the second line is the children's
  const script = `for ((i=0;i<${CALLS};i++)); do ${cmd} >/dev/null; done; times`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  const children = r.stdout.trim().split('\n').at(-1) ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
  return (secs * 1e6) / CALLS;
}

export default async function bench(): Promise<BenchResult> {
  const name = `entering a named namespace: ip -n vs nsenter, at ${SIZES.join(' and ')} named namespaces`;
  if (!isRoot()) return { name, metrics: [], notes: [], skipped: 'needs root (makes namespaces)' };
  const prefix = process.env.BENCH_ENTRY_PREFIX || `lsE${process.pid % 100000}`;
  const names: string[] = [];
  const removeSync = () => {
    spawnSync('ip', ['-force', '-batch', '-'], {
      input: names.map((n) => `netns del ${n}`).join('\n') + '\n',
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  };
  const offInterrupt = onInterrupt(log, removeSync);
  const at = new Map<number, Record<Way, number>>();
  try {
    for (const n of SIZES) {
      const add = Array.from({ length: n - names.length }, (_, i) => `${prefix}-${names.length + i}`);
      names.push(...add);
      await ipBatch(
        null,
        add.map((x) => `netns add ${x}`),
      );
      const target = names[0];
      const samples = Object.fromEntries(Object.keys(WAYS).map((w) => [w, [] as number[]])) as unknown as Record<
        Way,
        number[]
      >;
      for (let r = 0; r < ROUNDS; r++)
        for (const w of Object.keys(WAYS) as Way[]) samples[w].push(cpuPerCall(WAYS[w](target)));
      const med = Object.fromEntries((Object.keys(WAYS) as Way[]).map((w) => [w, median(samples[w])])) as Record<
        Way,
        number
      >;
      at.set(n, med);
      log(
        `${n} named namespaces: ${(Object.keys(WAYS) as Way[]).map((w) => `${w} ${Math.round(med[w])} µs`).join(' · ')}`,
      );
    }
  } finally {
    offInterrupt();
    removeSync();
    log('removed the namespaces');
  }
  const metrics: BenchMetric[] = [];
  for (const [n, med] of at)
    for (const w of Object.keys(WAYS) as Way[])
      metrics.push({ name: `${w} at ${n} named namespaces: CPU per call`, value: Math.round(med[w]), unit: 'µs' });
  const lo = at.get(SIZES[0]);
  const hi = at.get(SIZES.at(-1)!);
  if (lo && hi && SIZES.length > 1) {
    const d = SIZES.at(-1)! - SIZES[0];
    // the own-namespace ip enters nothing: its growth is the machine's drift between the sizes (a shared machine)
    for (const w of ['ip -n NAME', 'nsenter --net=PATH ip', 'ip netns exec NAME ip', 'ip (own namespace)'] as Way[]) {
      metrics.push({
        name: `${w}: growth per named namespace on the host`,
        value: Number(((hi[w] - lo[w]) / d).toFixed(2)),
        unit: 'µs',
      });
    }
  }
  return {
    name,
    metrics,
    notes: [
      `${ROUNDS} interleaved rounds of ${CALLS} calls of \`ip -j -d link show\` each way, from one bash; CPU of the children (bash \`times\`), median`,
      'nsenter execs twice (itself, then ip): it costs more at few namespaces, and stays flat; ip -n grows with every mount on the host',
    ],
  };
}
