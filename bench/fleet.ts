// Benchmark: a hub over 50 agents. The agents are simulated — real HTTP servers on loopback speaking the agent's
// tRPC API (host.watch over SSE, host.snapshot, fleet.fdb) with recorded hosts (test/fleet/fixture.ts: the lab VM
// capture renumbered per node, host-gw routes to every other node, a vxlan with FDB entries for every other node).
// The hub is the real appRouter (fleet.* procedures, the real AgentClient per node) served over HTTP with tRPC's
// standalone adapter (no Next build needed). Measured: time until every node is up; fleet.nodes, fleet.search and
// fleet.overlay round trips, idle and while every agent streams a diff every 200 ms (a busy cluster).
// `npm run bench -- fleet`, or `npx tsx --conditions=react-server bench/fleet.ts`. Needs nothing (no root: nothing is made on the host).
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { nodeIp, nodeName } from '../test/fleet/fixture';

interface BenchResult {
  name: string;
  metrics: { name: string; value: number; unit: string; goal?: string; ok?: boolean }[];
  notes: string[];
  skipped?: string;
}

const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
// goals on the median over the floor: on this shared 2-CPU machine the p95 of even the floor swings 5–50 ms
const NODES_GOAL_MS = 5;
const SEARCH_GOAL_MS = 15;
const TOKEN = 'bench-agent-token';
const log = (s: string) => process.stderr.write(`[fleet] ${s}\n`);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x: number) => Number(x.toFixed(1));

async function timeCalls(
  base: string,
  path: string,
  input: unknown,
  n: number,
): Promise<{ times: number[]; last: unknown }> {
  const times: number[] = [];
  let last: unknown = null;
  const url = `${base}/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as { result?: { data: unknown }; error?: { message: string } };
    times.push(performance.now() - t);
    if (!res.ok || body.error) throw new Error(`${path}: ${body.error?.message ?? res.status}`);
    last = body.result?.data;
  }
  return { times, last };
}

function startAgents(
  n: number,
): Promise<{ child: ChildProcess; urls: string[]; links: number; lines: AsyncIterator<string> }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=react-server',
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'lib/fleet-agents.ts'),
      String(n),
      TOKEN,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return lines.next().then((r) => {
    if (r.done) throw new Error('the simulated agents exited before listening');
    const { urls, links } = JSON.parse(r.value) as { urls: string[]; links: number };
    return { child, urls, links, lines };
  });
}

export default async function benchFleet(): Promise<BenchResult> {
  const name = `fleet: a hub over ${AGENTS} simulated agents on loopback`;
  let agents: Awaited<ReturnType<typeof startAgents>> | null = null;
  let hub: http.Server | null = null;
  // Ctrl-C: stop the agents' process too
  const onSignal = () => {
    agents?.child.kill('SIGTERM');
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const offInterrupt = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  try {
    agents = await startAgents(AGENTS);
    log(`${AGENTS} agents listening (pid ${agents.child.pid})`);
    process.env.LINKSCAPE_AGENTS = agents.urls.map((u, i) => `${nodeName(i)}=${u}`).join(',');
    process.env.LINKSCAPE_AGENT_TOKEN = TOKEN;
    const { appRouter } = await import('../server/api/root');
    const { loadConfig } = await import('../server/config');
    const { run } = await import('../server/ip/run');
    const { hubFleet } = await import('../server/fleet/fleet');
    const handler = createHTTPHandler({
      router: appRouter,
      basePath: '/api/trpc/',
      createContext: ({ req }) => ({
        run,
        config: loadConfig(),
        headers: new Headers(req.headers as Record<string, string>),
        remote: 'bench',
      }),
    });
    hub = http.createServer(handler);
    await new Promise<void>((r) => hub!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    const t0 = performance.now();
    const fleet = hubFleet()!;
    while (!fleet.nodes().every((n) => n.up && n.counts)) await new Promise((r) => setTimeout(r, 10));
    const allUp = performance.now() - t0;
    while (!fleet.list().every((a) => a.fdb.length === AGENTS - 1)) await new Promise((r) => setTimeout(r, 10));
    const fdbDone = performance.now() - t0;
    log(`all up in ${Math.round(allUp)} ms, FDBs read in ${Math.round(fdbDone)} ms`);

    // the floor: a procedure that does nothing (fleet.info), same server, same client
    const floor = await timeCalls(base, 'fleet.info', undefined, CALLS);
    const nodes = await timeCalls(base, 'fleet.nodes', undefined, CALLS);
    const queries = ['web-17', nodeIp(33), '52:54:00:aa:00:2a', 've-', 'blue'];
    const search: Record<string, { times: number[]; hits: number }> = {};
    for (const q of queries) {
      const r = await timeCalls(base, 'fleet.search', { q }, Math.ceil(CALLS / queries.length));
      search[q] = { times: r.times, hits: (r.last as unknown[]).length };
    }
    const overlay = await timeCalls(base, 'fleet.overlay', undefined, 20);
    const ov = overlay.last as { tunnels: unknown[]; routes: unknown[] };

    // a busy cluster: every agent changes a link every 200 ms (each diff replaces that node's snapshot object)
    agents.child.stdin!.write('churn on\n');
    await new Promise((r) => setTimeout(r, 500));
    const busyFloor = await timeCalls(base, 'fleet.info', undefined, CALLS);
    const busyNodes = await timeCalls(base, 'fleet.nodes', undefined, CALLS);
    const busySearch = await timeCalls(base, 'fleet.search', { q: 've-' }, CALLS);
    const busyOverlay = await timeCalls(base, 'fleet.overlay', undefined, 40);
    agents.child.stdin!.write('churn off\n');
    const churned = await agents.lines.next();
    const pushed = churned.done ? 0 : (JSON.parse(churned.value) as { pushed: number }).pushed;

    const p95 = (x: { times: number[] }) => quantile(x.times, 0.95);
    const p50 = (x: { times: number[] }) => quantile(x.times, 0.5);
    const allSearch = { times: Object.values(search).flatMap((s) => s.times) };
    const within = (x: number, floorP95: number, extra: number) => x <= floorP95 + extra;
    return {
      name,
      metrics: [
        { name: 'agents', value: AGENTS, unit: '' },
        { name: 'links across the fleet', value: agents.links, unit: '' },
        { name: 'hub start → every node up with its snapshot', value: Math.round(allUp), unit: 'ms' },
        { name: "hub start → every node's FDB read", value: Math.round(fdbDone), unit: 'ms' },
        {
          name: `baseline: fleet.info (does nothing) p50 / p95`,
          value: ms(p50(floor)),
          unit: `/ ${ms(p95(floor))} ms`,
        },
        {
          name: `fleet.nodes p50 (${CALLS} calls)`,
          value: ms(p50(nodes)),
          unit: 'ms',
          goal: `≤ baseline p50 + ${NODES_GOAL_MS} ms`,
          ok: within(p50(nodes), p50(floor), NODES_GOAL_MS),
        },
        { name: 'fleet.nodes p95', value: ms(p95(nodes)), unit: 'ms' },
        {
          name: 'fleet.search p50 (5 queries)',
          value: ms(p50(allSearch)),
          unit: 'ms',
          goal: `≤ baseline p50 + ${SEARCH_GOAL_MS} ms`,
          ok: within(p50(allSearch), p50(floor), SEARCH_GOAL_MS),
        },
        { name: 'fleet.search p95', value: ms(p95(allSearch)), unit: 'ms' },
        { name: 'fleet.overlay p50', value: ms(p50(overlay)), unit: 'ms' },
        {
          name: 'busy (a diff per agent / 200 ms): baseline p50 / p95',
          value: ms(p50(busyFloor)),
          unit: `/ ${ms(p95(busyFloor))} ms`,
        },
        {
          name: 'busy: fleet.nodes p50 / p95',
          value: ms(p50(busyNodes)),
          unit: `/ ${ms(p95(busyNodes))} ms`,
          goal: `p50 ≤ baseline p50 + ${NODES_GOAL_MS} ms`,
          ok: within(p50(busyNodes), p50(busyFloor), NODES_GOAL_MS),
        },
        {
          name: 'busy: fleet.search "ve-" p50 / p95',
          value: ms(p50(busySearch)),
          unit: `/ ${ms(p95(busySearch))} ms`,
          goal: `p50 ≤ baseline p50 + ${SEARCH_GOAL_MS} ms`,
          ok: within(p50(busySearch), p50(busyFloor), SEARCH_GOAL_MS),
        },
        { name: 'busy: fleet.overlay p50', value: ms(p50(busyOverlay)), unit: 'ms' },
      ],
      notes: [
        `search hits: ${queries.map((q) => `${JSON.stringify(q)} ${search[q].hits}`).join(', ')}; p50 per query ${queries.map((q) => ms(quantile(search[q].times, 0.5))).join(' / ')} ms`,
        `overlay: ${ov.tunnels.length} tunnels, ${ov.routes.length} host-gw routes resolved to nodes`,
        `diffs streamed while busy: ${pushed}`,
        `agents in a child process, the hub (the real appRouter and AgentClients, tRPC standalone adapter) in this one; ${os.availableParallelism()} CPUs, load average ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
      ],
    };
  } finally {
    offInterrupt();
    const { hubFleet } = await import('../server/fleet/fleet');
    hubFleet()?.stop();
    if (hub) {
      hub.closeAllConnections();
      hub.close();
    }
    if (agents) {
      agents.child.stdin!.write('quit\n');
      await new Promise((r) => (agents!.child.exitCode !== null ? r(null) : agents!.child.once('exit', r)));
    }
  }
}

const evaluated = process.execArgv.some((a) => a === '-e' || a === '--eval' || a === '-p' || a === '--print');
if (!evaluated && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchFleet().then(
    (r) => {
      console.log(r.name);
      for (const m of r.metrics)
        console.log(
          `  ${m.name.padEnd(56)} ${String(m.value).padStart(8)} ${m.unit}${m.goal ? `  goal ${m.goal}: ${m.ok ? 'met' : 'MISSED'}` : ''}`,
        );
      for (const n of r.notes) console.log(`  - ${n}`);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
