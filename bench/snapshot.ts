// Benchmark: host.snapshot (readHost) on a host with 200 extra namespaces, each with a veth to a hub
// namespace and a macvlan on its veth end, against the shell floor measured in the same run: one
// `ip [-n NS] -j -d -force -batch FILE` per namespace (the same four commands), in sequence, from sh.
// Everything is made in namespaces this bench creates (unique prefix) and removed in finally and on
// SIGINT/SIGTERM; the root namespace is not touched (the veths' far ends live in the hub, not in root).
// Run through `npm run bench` (scripts/bench.mjs), which calls the default export.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ipArgvIn, readHost } from '../server/host/read';
import { run } from '../server/ip/run';
import { NAMESPACE_BATCH, parseNamespace, splitBatch } from '../server/ip/parse';
import type { Namespace } from '../shared/host/types';
import { isRoot, lab200, onInterrupt, pool, type BenchResult } from './lib/lab200';
import { bulkCommand, bulkReadable, bulkStreams, dealOut, innerBatchFile } from '../server/host/bulk';

export type { BenchMetric, BenchResult } from './lib/lab200';

const COUNT = Number(process.env.BENCH_NAMESPACES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** also time the first reader's way (one nsenter + ip per namespace, 4 at a time) in the same rounds */
const BASELINE = process.env.BENCH_BASELINE === '1';
const log = (s: string) => process.stderr.write(`[snapshot] ${s}\n`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** single-quoted for sh */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One shell loop over every namespace readHost read, the same batch each: the cost of just running ip. */
function floorScript(namespaces: Namespace[], batchFile: string, via: 'ip -n' | 'nsenter'): string {
  const lines = namespaces.map((ns) => {
    const args = `-j -d -force -batch ${q(batchFile)} >/dev/null 2>&1`;
    if (ns.root) return `ip ${args}`;
    if (via === 'ip -n' && ns.source === 'named' && ns.name) return `ip -n ${q(ns.name)} ${args}`;
    return `nsenter --net=${q(ns.path ?? '')} ip ${args}`;
  });
  return `${lines.join('\n')}\n`;
}
/**
 * readHost's own ip processes without node: the bulk processes it would start (xargs + nsenter per
 * namespace; same inputs, side by side) and one ip per other namespace, from sh. readHost minus this is node's share.
 */
function bulkScript(namespaces: Namespace[], batchFile: string, dir: string): string {
  const bulk = namespaces.filter(bulkReadable);
  const chunks = dealOut(
    bulk.map((n) => n.path as string),
    bulkStreams(bulk.length),
  );
  const inner = innerBatchFile();
  const jobs = chunks.map((paths, i) => {
    const f = path.join(dir, `bulk${i}`);
    const { argv, input } = bulkCommand(paths, inner);
    writeFileSync(f, input);
    return `${argv.map(q).join(' ')} <${q(f)} >/dev/null 2>&1 &`;
  });
  const rest = floorScript(
    namespaces.filter((n) => !bulkReadable(n)),
    batchFile,
    'nsenter',
  );
  return `${jobs.join('\n')}\n${rest}wait\n`;
}
/** `sh` is dash on Debian, which starts each command with vfork(); bash forks, like ip, xargs and node */
function timeShell(script: string, shell: 'sh' | 'bash' = 'sh'): number {
  const t = performance.now();
  spawnSync(shell, ['-c', script], { stdio: 'ignore' });
  return performance.now() - t;
}

function shellName(): string {
  const r = spawnSync('readlink', ['-f', '/bin/sh'], { encoding: 'utf8' });
  return r.stdout.trim() || '/bin/sh';
}

export default async function bench(): Promise<BenchResult> {
  const name = `host.snapshot with ${COUNT} namespaces vs the ip -batch shell floor`;
  if (!isRoot()) return { name, metrics: [], notes: [], skipped: 'needs root (it makes network namespaces)' };

  const lab = lab200('lsb', COUNT);
  const { prefix, hub } = lab;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'linkscape-bench-'));
  const cleanupSync = () => {
    lab.removeSync();
    rmSync(tmp, { recursive: true, force: true });
  };
  const offInterrupt = onInterrupt(log, cleanupSync);

  try {
    let t = performance.now();
    await lab.build();
    log(`built ${COUNT} namespaces + hub ${hub} in ${Math.round(performance.now() - t)} ms`);

    const batchFile = path.join(tmp, 'batch');
    writeFileSync(batchFile, NAMESPACE_BATCH.join('\n') + '\n');

    // warm up (page cache, JIT) and learn what readHost reads, so the floor reads exactly that
    const first = await readHost(run);
    const ours = first.links.filter((l) => first.namespaces.find((n) => n.id === l.nsId)?.name?.startsWith(prefix));
    const script = floorScript(first.namespaces, batchFile, 'ip -n');
    // the same loop entering named namespaces with nsenter, as readHost does (no /sys remount per call)
    const nsenterScript = floorScript(first.namespaces, batchFile, 'nsenter');
    const bulkFromSh = bulkScript(first.namespaces, batchFile, tmp);
    timeShell(script);

    const reads: number[] = [];
    const floors: number[] = [];
    const nsenterFloors: number[] = [];
    const bashFloors: number[] = [];
    const baselines: number[] = [];
    const bulks: number[] = [];
    const input = NAMESPACE_BATCH.join('\n') + '\n';
    for (let r = 0; r < ROUNDS; r++) {
      // interleaved, so all of them see the same machine
      floors.push(timeShell(script));
      nsenterFloors.push(timeShell(nsenterScript));
      bashFloors.push(timeShell(script, 'bash'));
      bulks.push(timeShell(bulkFromSh));
      t = performance.now();
      await readHost(run);
      reads.push(performance.now() - t);
      if (BASELINE) {
        t = performance.now();
        await pool(first.namespaces, 4, async (ns) => {
          const out = await run(ipArgvIn(ns, ['-j', '-d', '-force', '-batch', '-']), { input }).catch(
            (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
          );
          parseNamespace(ns.id, splitBatch(out.stdout));
        });
        baselines.push(performance.now() - t);
      }
      log(
        `round ${r + 1}/${ROUNDS}: floor ${Math.round(floors[r])} ms (same loop from bash ${Math.round(bashFloors[r])} ms, nsenter loop ${Math.round(nsenterFloors[r])} ms, readHost's ip processes from sh ${Math.round(bulks[r])} ms), readHost ${Math.round(reads[r])} ms${BASELINE ? `, first reader's way ${Math.round(baselines[r])} ms` : ''}`,
      );
    }
    const read = median(reads);
    const floor = median(floors);
    const nsenterFloor = median(nsenterFloors);
    const ratio = read / floor;
    const unresolved = first.warnings.filter(
      (w) => w.code === 'unresolved' && w.ids.some((id) => ours.some((l) => l.id === id)),
    ).length;
    return {
      name,
      metrics: [
        { name: 'namespaces read', value: first.namespaces.length, unit: '' },
        { name: 'links read', value: first.links.length, unit: '' },
        { name: `readHost (median of ${ROUNDS})`, value: Math.round(read), unit: 'ms' },
        { name: `shell floor (median of ${ROUNDS})`, value: Math.round(floor), unit: 'ms' },
        { name: 'readHost / floor', value: Number(ratio.toFixed(2)), unit: '×', goal: '≤ 1.0×', ok: ratio <= 1.0 },
        {
          name: 'readHost / floor, best runs',
          value: Number((Math.min(...reads) / Math.min(...floors)).toFixed(2)),
          unit: '×',
        },
        {
          name: `the floor's loop from bash, which forks (median of ${ROUNDS})`,
          value: Math.round(median(bashFloors)),
          unit: 'ms',
        },
        {
          name: '  bash loop / floor (fork vs vfork per ip)',
          value: Number((median(bashFloors) / floor).toFixed(2)),
          unit: '×',
        },
        { name: '  readHost / bash loop', value: Number((read / median(bashFloors)).toFixed(2)), unit: '×' },
        { name: `nsenter loop (median of ${ROUNDS})`, value: Math.round(nsenterFloor), unit: 'ms' },
        { name: 'readHost / nsenter loop', value: Number((read / nsenterFloor).toFixed(2)), unit: '×' },
        { name: `readHost's ip processes from sh (median)`, value: Math.round(median(bulks)), unit: 'ms' },
        { name: `  … / floor (the ip side)`, value: Number((median(bulks) / floor).toFixed(2)), unit: '×' },
        { name: `  readHost / them (node's side)`, value: Number((read / median(bulks)).toFixed(2)), unit: '×' },
        ...(BASELINE
          ? [
              {
                name: `first reader's way: nsenter per namespace (median)`,
                value: Math.round(median(baselines)),
                unit: 'ms',
              },
              { name: `first reader's way / floor`, value: Number((median(baselines) / floor).toFixed(2)), unit: '×' },
            ]
          : []),
        { name: 'bench links unresolved', value: unresolved, unit: '', goal: '0', ok: unresolved === 0 },
      ],
      notes: [
        `readHost runs: ${reads.map((x) => Math.round(x)).join(', ')} ms; floor runs: ${floors.map((x) => Math.round(x)).join(', ')} ms`,
        `the floor runs \`ip [-n NS] -j -d -force -batch FILE\` (${NAMESPACE_BATCH.join('; ')}) once per namespace readHost read (${first.namespaces.length}: the host's own, named ones with -n, others through nsenter), in sequence from one sh, output to /dev/null`,
        `sh here is ${shellName()}: dash starts each command with vfork(), which copies no page tables; bash, xargs, ip's \`netns exec\` and node's child_process all fork(). The bash loop runs the floor's exact commands, so bash loop / floor is what fork costs over vfork per namespace on this machine`,
        `readHost's ip processes from sh: the ${bulkStreams(first.namespaces.filter(bulkReadable).length)} bulk processes (xargs: nsenter --net=PATH ip per namespace) it starts, side by side, and one ip per other namespace, without node: how much of readHost is ip and how much is node`,
        `each bench namespace has veth0 (peer in the hub namespace ${hub}, not the root namespace) and macvlan mv0 on veth0; ${os.availableParallelism()} CPUs`,
      ],
    };
  } finally {
    offInterrupt();
    cleanupSync();
    log('removed the bench namespaces');
  }
}
