// Benchmark (issue 3): event-to-pixel latency in headless chromium. With the page open on a small lab
// (bench/lib/lab200.ts with a few namespaces: veth0 to a hub namespace made here — never the root
// namespace — and a macvlan mv0), the bench runs 100 changes, alternating
// `ip -n NS link add lt<i> index N link veth0 type macvlan mode bridge` and the matching `link del`, one at
// a time, and for each measures the time from the `ip` command returning (Date.now() in node) to the node
// `link:<ns inode>/N` being present (or gone) in cytoscape per window.__linkscape, checked by the page on
// every animation frame (Date.now() in the page: the same machine's wall clock).
// Baseline in the same run: the raw `ip -n NS monitor link` latency for the same changes (time from the
// `ip` command returning to the monitor's line about it arriving; negative when the line came first).
// Changes are 300 ms apart, so each is a lone change (the page coalesces bursts to one redraw per 150 ms).
// Everything is made in namespaces this bench creates and removed in finally and on SIGINT/SIGTERM.
// `npm run bench -- latency` (scripts/bench.mjs calls the default export; the file does not run by itself).
import { readHost } from '../server/host/read';
import { run, stream, type StreamHandle } from '../server/ip/run';
import { browserTier } from '../test/tiers';
import { launchBrowser, type Browser } from '../test/e2e/browser';
import { DashboardPage } from '../test/e2e/dashboard.page';
import { ensureBuild, startServer, type Served } from '../test/e2e/server';
import { lab200, onInterrupt, sh, type BenchResult } from './lib/lab200';

const NAMESPACES = 3;
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const GAP_MS = 300;
const log = (s: string) => process.stderr.write(`[latency] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

interface Watch {
  id: string;
  present: boolean;
  at: number | null;
}
declare global {
  interface Window {
    __benchLatency?: Watch;
  }
}

export default async function benchLatency(): Promise<BenchResult> {
  const name = `event-to-pixel latency over ${CHANGES} link changes vs the raw ip monitor`;
  if (!browserTier.ok) return { name, metrics: [], notes: [], skipped: browserTier.why };

  const lab = lab200('lsl', NAMESPACES);
  const monitors: StreamHandle[] = [];
  let server: Served | null = null;
  let browser: Browser | null = null;
  const offInterrupt = onInterrupt(log, () => {
    for (const m of monitors) m.stop();
    server?.stopSync();
    lab.removeSync();
  });
  try {
    await ensureBuild();
    await lab.build();
    const snap = await readHost(run);
    const nsId = new Map(
      snap.namespaces.filter((n) => n.name && lab.names.includes(n.name)).map((n) => [n.name!, n.id]),
    );
    if (nsId.size !== NAMESPACES) throw new Error(`readHost saw ${nsId.size} of the ${NAMESPACES} bench namespaces`);

    // the raw monitor, one per bench namespace: when did it print a line about each device
    const heard = new Map<string, number>(); // `${add|del}:${ns}:${dev}` → Date.now()
    for (const ns of lab.names) {
      monitors.push(
        stream(['ip', '-n', ns, 'monitor', 'link'], (line) => {
          const now = Date.now();
          const m = /^(Deleted )?\d+: (lt\d+)[@:]/.exec(line);
          if (m) {
            const key = `${m[1] ? 'del' : 'add'}:${ns}:${m[2]}`;
            if (!heard.has(key)) heard.set(key, now);
          }
        }),
      );
    }

    server = await startServer();
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    const ui = new DashboardPage(page);
    await ui.open(server.url);
    await ui.waitForGraph();
    for (const id of nsId.values()) await ui.waitForNode(`ns:${id}`);
    // the in-page watcher: on every frame, is the watched node there as wanted? (as source text: tsx
    // wraps named inner functions in __name(), which the page does not have)
    await page.evaluate(`(() => {
      const tick = () => {
        const w = window.__benchLatency;
        const p = window.__linkscape;
        if (w && w.at === null && p && p.nodeIds().includes(w.id) === w.present) w.at = Date.now();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    await sleep(1000);

    const page2pixel: number[] = [];
    const sent = new Map<string, number>(); // same keys as heard → the t0 of that change
    const missed: string[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const k = Math.floor(i / 2); // device k is added at i = 2k and deleted at i = 2k + 1
      const ns = lab.names[k % NAMESPACES];
      const dev = `lt${k}`;
      const index = 4000 + k;
      const add = i % 2 === 0;
      const id = `link:${nsId.get(ns)}/${index}`;
      await page.evaluate((w) => (window.__benchLatency = w), { id, present: add, at: null } as Watch);
      const argv = add
        ? [
            'ip',
            '-n',
            ns,
            'link',
            'add',
            dev,
            'index',
            String(index),
            'link',
            'veth0',
            'type',
            'macvlan',
            'mode',
            'bridge',
          ]
        : ['ip', '-n', ns, 'link', 'del', dev];
      const r = await sh(argv);
      const t0 = Date.now();
      if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim()}`);
      const at = await page
        .waitForFunction(() => window.__benchLatency?.at ?? null, undefined, { polling: 50, timeout: 10_000 })
        .then((h) => h.jsonValue() as Promise<number>)
        .catch(() => null);
      if (at === null) missed.push(`${add ? 'add' : 'del'} ${dev}`);
      else page2pixel.push(at - t0);
      sent.set(`${add ? 'add' : 'del'}:${ns}:${dev}`, t0);
      if ((i + 1) % 20 === 0) log(`${i + 1}/${CHANGES}: last ${at === null ? 'missed' : `${at - t0} ms`}`);
      await sleep(GAP_MS);
    }
    const monitorMs = [...sent].filter(([key]) => heard.has(key)).map(([key, t0]) => heard.get(key)! - t0);

    const p50 = quantile(page2pixel, 0.5);
    const p95 = quantile(page2pixel, 0.95);
    return {
      name,
      metrics: [
        {
          name: 'changes seen by the page',
          value: page2pixel.length,
          unit: `of ${CHANGES}`,
          goal: `${CHANGES}`,
          ok: page2pixel.length === CHANGES,
        },
        { name: 'ip → page p50', value: p50, unit: 'ms', goal: '< 100 ms', ok: p50 < 100 },
        { name: 'ip → page p95', value: p95, unit: 'ms', goal: '< 250 ms', ok: p95 < 250 },
        { name: 'ip → page max', value: Math.max(...page2pixel), unit: 'ms' },
        { name: 'baseline: ip → ip monitor line p50', value: quantile(monitorMs, 0.5), unit: 'ms' },
        { name: 'baseline: ip → ip monitor line p95', value: quantile(monitorMs, 0.95), unit: 'ms' },
        { name: 'monitor lines heard', value: monitorMs.length, unit: `of ${CHANGES}` },
      ],
      notes: [
        ...(missed.length ? [`not seen by the page within 10 s: ${missed.join(', ')}`] : []),
        `${CHANGES} changes (${CHANGES / 2} macvlan adds on veth0, each deleted next) over ${NAMESPACES} bench namespaces, ${GAP_MS} ms apart; the page checks on every animation frame (~16 ms granularity)`,
      ],
    };
  } finally {
    offInterrupt();
    for (const m of monitors) m.stop();
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    lab.removeSync();
    log('removed the bench namespaces');
  }
}
