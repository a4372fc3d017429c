// Benchmark (issue 2): the page's first complete render in headless chromium of a host with 200 extra
// namespaces (bench/lib/lab200.ts: each with a veth to a hub namespace made here — never the root
// namespace — and a macvlan on its veth end), against the same page on the host as it was before the
// bench added anything, measured in the same run.
// "Complete" = every node the bench expects (each lab namespace, the hub, and their non-loopback links;
// for the baseline the root namespace and its non-loopback links) is in cytoscape, per the page's
// read-only hook window.__linkscape, checked on every animation frame by an init script; the time is the
// page's performance.now() then (0 = navigation start).
// "Pannable while it lays out": during the load the bench keeps dragging on the graph area with the mouse
// and times how long the page takes to take each input event (CDP returns when the renderer has handled
// it), plus the longest main-thread task (PerformanceObserver 'longtask') — from navigation, and while the
// graph's element is on the page — and the longest gap between animation frames. One drag is made while
// some nodes are drawn and more are coming: it must pan the view by the drag, the view must still be there
// when the render completes (nothing re-fits it), and no link node may move once drawn. The goal metric
// holds only if all of that holds in every load. After the render, a drag on the background must pan too.
// Everything is made in namespaces this bench creates and removed in finally and on SIGINT/SIGTERM.
// `npm run bench -- render` (scripts/bench.mjs calls the default export; the file does not run by itself).
import type { Page } from 'playwright-core';
import { readHost } from '../server/host/read';
import { run } from '../server/ip/run';
import type { HostSnapshot } from '../shared/host/types';
import { buildGraph, DEFAULT_VIEW, type ViewOptions } from '../components/graph/model';
import { browserTier } from '../test/tiers';
import { launchBrowser, type Browser } from '../test/e2e/browser';
import { ensureBuild, logIn, startServer, type Served } from '../test/e2e/server';
import { lab200, onInterrupt, type BenchMetric, type BenchResult } from './lib/lab200';

const COUNT = Number(process.env.BENCH_NAMESPACES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL_MS = 3000;
const INPUT_GOAL_MS = 100;
const TASK_GOAL_MS = 100;
const FRAME_GOAL_MS = 50;
/** frames while drawing that the p95 is taken over, at least (more dragged loads if each is short) */
const MIN_GAPS = 60;
const MAX_ROUNDS = 12;
const log = (s: string) => process.stderr.write(`[render] ${s}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface PageStats {
  ready: number | null;
  /** the first frame with any node in cytoscape */
  firstDrawn: number | null;
  /** the first frame with the graph's element in the page (from then on it can be dragged) */
  graphShown: number | null;
  complete: number | null;
  maxFrameGap: number;
  /** every gap between two animation frames until complete, from when the graph's element is on the page (ms) */
  gaps: number[];
  longestTask: number;
  longTasks: number;
  /** every long task until complete: [start, duration] */
  tasks: [number, number][];
  longtaskSupported: boolean;
  /** link nodes whose position (graph coordinates) changed after they first appeared, e.g. "link:x moved (a,b) → (c,d)" */
  moved: string[];
}
declare global {
  interface Window {
    __bench?: PageStats;
  }
}

/** Runs in the page before its own scripts, on every navigation: watches for the complete render. */
function watchRender(want: string[]) {
  const st: PageStats = {
    ready: null,
    firstDrawn: null,
    graphShown: null,
    complete: null,
    maxFrameGap: 0,
    gaps: [],
    longestTask: 0,
    longTasks: 0,
    tasks: [],
    longtaskSupported: false,
    moved: [],
  };
  window.__bench = st;
  const seenAt = new Map<string, { x: number; y: number }>();
  try {
    new PerformanceObserver((list) => {
      if (st.complete !== null) return;
      for (const e of list.getEntries()) {
        st.longTasks++;
        st.longestTask = Math.max(st.longestTask, e.duration);
        st.tasks.push([e.startTime, e.duration]);
      }
    }).observe({ type: 'longtask', buffered: true });
    st.longtaskSupported = true;
  } catch {
    /* no longtask timing here: the frame gaps still tell */
  }
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    st.maxFrameGap = Math.max(st.maxFrameGap, now - last);
    if (st.graphShown !== null && st.gaps.length < 20000) st.gaps.push(now - last);
    last = now;
    if (st.graphShown === null && document.querySelector('[data-testid="graph"]')) st.graphShown = now;
    const p = window.__linkscape;
    if (p) {
      const nodeIds = p.nodeIds();
      if (nodeIds.length && st.firstDrawn === null) st.firstDrawn = now;
      // a link node is placed once (preset positions): it must not move while the rest arrives
      for (const id of nodeIds) {
        if (!id.startsWith('link:')) continue;
        const at = p.position(id);
        const was = seenAt.get(id);
        if (!at) continue;
        if (!was) seenAt.set(id, at);
        else if ((Math.abs(was.x - at.x) > 0.5 || Math.abs(was.y - at.y) > 0.5) && st.moved.length < 5) {
          st.moved.push(
            `${id} moved (${Math.round(was.x)},${Math.round(was.y)}) → (${Math.round(at.x)},${Math.round(at.y)})`,
          );
          seenAt.set(id, at);
        }
      }
      if (p.ready()) {
        if (st.ready === null) st.ready = now;
        const ids = new Set(nodeIds);
        if (want.every((id) => ids.has(id))) {
          st.complete = now;
          return;
        }
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** the viewport pan, from the probe: renderedPosition = position × zoom + pan */
async function panOf(page: Page, nodeId: string): Promise<{ x: number; y: number }> {
  return page.evaluate((id) => {
    const p = window.__linkscape!;
    const r = p.renderedPosition(id)!;
    const g = p.position(id)!;
    const z = p.zoom();
    return { x: r.x - g.x * z, y: r.y - g.y * z };
  }, nodeId);
}

/**
 * After the render: a burst of wheel zooms over the graph's centre and a drag on its background, with
 * every gap between animation frames recorded meanwhile (ms). A frame that takes long to draw shows as a gap.
 */
async function movingFrames(page: Page): Promise<number[]> {
  const box = await page.getByTestId('graph').boundingBox();
  if (!box) throw new Error('no graph element');
  // as source text: tsx wraps named inner functions in __name(), which the page does not have
  await page.evaluate(`(() => {
    window.__gaps = [];
    window.__gapsOn = true;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      window.__gaps.push(now - last);
      last = now;
      if (window.__gapsOn) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, i % 2 ? 240 : -240);
    await page.waitForTimeout(40);
  }
  await page.mouse.move(box.x + 12, box.y + 12);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 12 + 20 * i, box.y + 12 + 10 * i);
  await page.mouse.up();
  await page.waitForTimeout(100);
  return page.evaluate(() => {
    const w = window as unknown as { __gaps: number[]; __gapsOn: boolean };
    w.__gapsOn = false;
    return w.__gaps.slice(1);
  });
}

interface Load {
  /** frame gaps until complete (while drawing) */
  gaps: number[];
  /** frame gaps while zooming and panning after the render */
  moveGaps: number[];
  complete: number;
  ready: number;
  firstDrawn: number;
  graphShown: number;
  maxInputMs: number;
  inputs: number;
  longestTask: number;
  /** the longest task that ran (in part) while the graph was on the page */
  longestTaskShown: number;
  longTasks: number;
  longtaskSupported: boolean;
  maxFrameGap: number;
  panMoved: boolean;
  panNote: string;
  /** a drag made while the graph was still being drawn moved the view by the drag; null: the load ended first */
  loadPanMoved: boolean | null;
  /** once complete, the view is where the operator's last drag left it (nothing re-fitted it) */
  viewKept: boolean | null;
  loadPanNote: string;
  moved: string[];
}

/**
 * One load of the page in a fresh tab: `drag` keeps the mouse dragging on the graph area all along (the
 * page holds its load back while a button is down, so that load's complete time is not the render's);
 * without, nothing touches the page until it is complete.
 */
async function load(browser: Browser, url: string, want: string[], panNode: string, drag: boolean): Promise<Load> {
  const page = await browser.context.newPage();
  try {
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    // as source text: tsx wraps named inner functions in __name(), which the page does not have
    await page.addInitScript(`var __name = (f) => f; (${watchRender.toString()})(${JSON.stringify(want)});`);
    await page.goto(url, { waitUntil: 'commit' });
    const deadline = Date.now() + 120_000;
    const inputMs: number[] = [];
    let box: { x: number; y: number; width: number; height: number } | null = null;
    let dir = 1;
    // one drag of (+60, +30) while some nodes are drawn and the rest are not: it must pan by that much
    let loadPan: { dx: number; dy: number } | null = null;
    let lastPan: { x: number; y: number } | null = null;
    const timed = async (s: () => Promise<void>) => {
      const t = performance.now();
      await s();
      inputMs.push(performance.now() - t);
    };
    const midLoad = () =>
      page.evaluate((id) => {
        const p = window.__linkscape;
        return !!p && !p.ready() && p.nodeIds().length > 0 && p.position(id) !== null;
      }, panNode);
    for (;;) {
      const st = await page.evaluate(() => window.__bench ?? null);
      if (st?.complete != null) break;
      if (Date.now() > deadline)
        throw new Error(`not complete within 120 s (${want.length} nodes expected): ${JSON.stringify(st)}`);
      if (!drag) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      // a busy page answers late: a short timeout here would skip the inputs exactly when the page is slowest
      box ??= await page
        .getByTestId('graph')
        .boundingBox({ timeout: 1000 })
        .catch(() => null);
      // input is timed once the graph's element exists (before it, the page is not drawn yet and an
      // input waits for the document's first paint): a drag on its top-left corner (background once fitted)
      if (!box) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const x = box.x + 12;
      const y = box.y + 12;
      if (!loadPan && (await midLoad())) {
        const before = await panOf(page, panNode);
        await timed(() => page.mouse.move(x, y));
        await timed(() => page.mouse.down());
        for (let i = 1; i <= 4; i++) await timed(() => page.mouse.move(x + 15 * i, y + 7.5 * i));
        await timed(() => page.mouse.up());
        lastPan = await panOf(page, panNode);
        loadPan = { dx: lastPan.x - before.x, dy: lastPan.y - before.y };
        continue;
      }
      await timed(() => page.mouse.move(x, y));
      await timed(() => page.mouse.down());
      await timed(() => page.mouse.move(x + 30 * dir, y + 15 * dir));
      await timed(() => page.mouse.up());
      dir = -dir;
      if (loadPan) lastPan = await panOf(page, panNode);
    }
    const st = await page.evaluate(() => window.__bench!);
    const endPan = loadPan ? await panOf(page, panNode) : null;
    // after the render: a drag on the background pans by the drag
    box = await page.getByTestId('graph').boundingBox();
    if (!box) throw new Error('no graph element');
    const before = await panOf(page, panNode);
    await page.mouse.move(box.x + 12, box.y + 12);
    await page.mouse.down();
    await page.mouse.move(box.x + 132, box.y + 72, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(100);
    const after = await panOf(page, panNode);
    const dx = after.x - before.x;
    const dy = after.y - before.y;
    const panMoved = Math.abs(dx - 120) < 8 && Math.abs(dy - 60) < 8;
    const moveGaps = await movingFrames(page);
    const shownFrom = st.graphShown ?? st.complete!;
    const loadPanMoved = loadPan ? Math.abs(loadPan.dx - 60) < 8 && Math.abs(loadPan.dy - 30) < 8 : null;
    // a drag that came in after the last pan was read would be missed here; the loop reads after each
    const viewKept =
      endPan && lastPan ? Math.abs(endPan.x - lastPan.x) < 2 && Math.abs(endPan.y - lastPan.y) < 2 : null;
    return {
      gaps: st.gaps,
      moveGaps,
      complete: st.complete!,
      ready: st.ready!,
      firstDrawn: st.firstDrawn ?? st.complete!,
      graphShown: shownFrom,
      maxInputMs: Math.max(0, ...inputMs),
      inputs: inputMs.length,
      longestTask: st.longestTask,
      longestTaskShown: Math.max(0, ...st.tasks.filter(([t, d]) => t + d > shownFrom).map(([, d]) => d)),
      longTasks: st.longTasks,
      longtaskSupported: st.longtaskSupported,
      maxFrameGap: st.maxFrameGap,
      panMoved,
      panNote: `drag (+120, +60) moved the pan by (${dx.toFixed(0)}, ${dy.toFixed(0)})`,
      loadPanMoved,
      viewKept,
      loadPanNote: loadPan
        ? `mid-load drag (+60, +30) moved the pan by (${loadPan.dx.toFixed(0)}, ${loadPan.dy.toFixed(0)}); at complete the pan was ${viewKept ? 'where the last drag left it' : `(${endPan!.x.toFixed(0)}, ${endPan!.y.toFixed(0)}), not (${lastPan!.x.toFixed(0)}, ${lastPan!.y.toFixed(0)}) where the last drag left it`}`
        : 'no mid-load drag: the load ended before any node was drawn with more to come',
      moved: st.moved,
    };
  } finally {
    await page.close().catch(() => {});
  }
}

/**
 * The node ids a complete render of these namespaces has, as the page draws them with `view`: the
 * namespaces and their links (loopback and fallback devices hidden), or the groups they are drawn in
 */
function expectedNodes(
  snap: HostSnapshot,
  nsIds: Set<string>,
  view: ViewOptions = DEFAULT_VIEW,
  groupKey: string | null = null,
): string[] {
  return buildGraph(snap, view)
    .nodes.filter((n) => (n.type === 'group' ? n.ref === groupKey : nsIds.has(n.nsId)))
    .map((n) => n.id);
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] : 0;
};

async function measure(
  browser: Browser,
  url: string,
  want: string[],
  panNode: string,
  label: string,
  drag: boolean,
): Promise<Load[]> {
  log(`${label}: warm-up load (${want.length} nodes expected)`);
  await load(browser, url, want, panNode, drag);
  const out: Load[] = [];
  // a p95 needs samples: a small load has a handful of frames while it draws, and the 95th percentile of
  // 15 gaps is their maximum; dragged loads go on (up to MAX_ROUNDS) until MIN_GAPS frames were seen
  const enough = () => out.length >= ROUNDS && (!drag || out.flatMap((l) => l.gaps).length >= MIN_GAPS);
  for (let r = 0; !enough() && r < Math.max(ROUNDS, MAX_ROUNDS); r++) {
    const l = await load(browser, url, want, panNode, drag);
    log(
      `${label} ${r + 1}${drag ? ', dragged all along' : ', untouched'}: ${l.gaps.length} frames while it drew, complete at ${Math.round(l.complete)} ms (graph element ${Math.round(l.graphShown)} ms, first nodes drawn ${Math.round(l.firstDrawn)} ms), slowest input ${Math.round(l.maxInputMs)} ms of ${l.inputs}, longest task ${Math.round(l.longestTask)} ms (${Math.round(l.longestTaskShown)} ms with the graph shown), longest frame gap ${Math.round(l.maxFrameGap)} ms; ${l.loadPanNote}; ${l.panNote}${l.moved.length ? `; MOVED: ${l.moved.join(', ')}` : ''}`,
    );
    out.push(l);
  }
  return out;
}

export default async function benchRender(): Promise<BenchResult> {
  const name = `first complete render of ${COUNT} namespaces in headless chromium vs the host without them`;
  if (!browserTier.ok) return { name, metrics: [], notes: [], skipped: browserTier.why };

  const lab = lab200('lsr', COUNT);
  let server: Served | null = null;
  let browser: Browser | null = null;
  // the server is a child of this bench: on Ctrl-C it goes too (it once outlived an interrupted run)
  const offInterrupt = onInterrupt(log, () => {
    server?.stopSync();
    lab.removeSync();
  });
  try {
    await ensureBuild();
    browser = await launchBrowser();

    // baseline: the host as it is, before the bench adds anything
    const plain = await readHost(run);
    const rootNs = plain.namespaces.find((n) => n.root)!;
    const baseWant = expectedNodes(plain, new Set([rootNs.id]));
    server = await startServer();
    await logIn(browser, server); // the cookie, once: the measured loads open the plain address
    const base = await measure(browser, server.base, baseWant, `ns:${rootNs.id}`, 'baseline', false);
    await server.stop();
    server = null;

    const t = performance.now();
    await lab.build();
    log(`built ${COUNT} namespaces + hub ${lab.hub} in ${Math.round(performance.now() - t)} ms`);
    const snap = await readHost(run);
    const ours = new Set(
      snap.namespaces.filter((n) => n.name === lab.hub || lab.names.includes(n.name ?? '')).map((n) => n.id),
    );
    if (ours.size !== COUNT + 1) throw new Error(`readHost saw ${ours.size} of the ${COUNT + 1} bench namespaces`);
    server = await startServer();
    await logIn(browser, server);
    // the page as it opens (grouped past 150 namespaces), and with every namespace drawn (?group=off); for
    // each, the render's time from loads nobody touches, responsiveness from loads dragged all along
    const variants = [
      { key: 'grouped', query: '', view: DEFAULT_VIEW, what: 'the page as it opens (grouped)' },
      {
        key: 'all',
        query: '?group=off',
        view: { ...DEFAULT_VIEW, grouping: false },
        what: 'every namespace drawn (?group=off)',
      },
    ];
    const metrics: BenchMetric[] = [{ name: 'namespaces on the host', value: snap.namespaces.length, unit: '' }];
    const notes: string[] = [];
    const baseMs = median(base.map((l) => l.complete));
    metrics.push({ name: `baseline: host without them (median of ${ROUNDS})`, value: Math.round(baseMs), unit: 'ms' });
    metrics.push({
      name: 'baseline: slowest input answer during load',
      value: Math.round(Math.max(...base.map((l) => l.maxInputMs))),
      unit: 'ms',
    });
    for (const v of variants) {
      const want = expectedNodes(snap, ours, v.view, `prefix:${lab.prefix}-`);
      const url = server.base + v.query;
      const quiet = await measure(browser, url, want, `ns:${rootNs.id}`, `${COUNT} namespaces, ${v.key}`, false);
      const big = await measure(browser, url, want, `ns:${rootNs.id}`, `${COUNT} namespaces, ${v.key}`, true);
      // past the page's drawing in slices (DRIP_OVER new elements) a load can be dragged mid-way; a smaller one is
      // drawn at once and has no "mid-load"
      const sliced = want.length > 150;
      // the goals are the page's as it opens, at every size. With every namespace drawn (?group=off, an operator's
      // choice), at 200: the goals that held before grouping existed (complete < 3 s, smooth once drawn); how
      // smooth it is while it draws is printed without a goal (the note below says why)
      const goals = v.key === 'grouped' || COUNT <= 200;
      const loadGoals = v.key === 'grouped';
      const strip = (m: BenchMetric): BenchMetric => ({ name: m.name, value: m.value, unit: m.unit });
      const g = <T extends BenchMetric>(m: T): BenchMetric => (goals ? m : strip(m));
      const gLoad = <T extends BenchMetric>(m: T): BenchMetric => (loadGoals ? m : strip(m));
      const p = (name: string) => `${v.what}: ${name}`;
      const bigMs = median(quiet.map((l) => l.complete));
      const draggedMs = median(big.map((l) => l.complete));
      const maxInput = Math.max(...big.map((l) => l.maxInputMs));
      const longestShown = Math.max(...big.map((l) => l.longestTaskShown));
      const panned = big.every((l) => l.panMoved) && base.every((l) => l.panMoved);
      const timed = big.every((l) => l.longtaskSupported);
      const midLoadOk = big.every((l) =>
        sliced ? l.loadPanMoved === true && l.viewKept === true : l.loadPanMoved !== false,
      );
      const stillOk = big.every((l) => !l.moved.length);
      const pannable = maxInput <= INPUT_GOAL_MS && timed && longestShown < TASK_GOAL_MS && midLoadOk && stillOk;
      const drawFrames = p95(big.flatMap((l) => l.gaps));
      const moveFrames = p95([...quiet, ...big].flatMap((l) => l.moveGaps));
      metrics.push(
        { name: p('nodes expected'), value: want.length, unit: '' },
        g({
          name: p(`first complete render (median of ${ROUNDS})`),
          value: Math.round(bigMs),
          unit: 'ms',
          goal: `< ${GOAL_MS} ms`,
          ok: bigMs < GOAL_MS,
        }),
        { name: p('render / baseline'), value: Number((bigMs / baseMs).toFixed(2)), unit: '×' },
        {
          name: p(`complete while dragged all along (median of ${big.length})`),
          value: Math.round(draggedMs),
          unit: 'ms',
        },
        g({
          name: p('zoom and pan frames after the render, p95 (12 wheel zooms + a drag, every load)'),
          value: Math.round(moveFrames),
          unit: 'ms',
          goal: `< ${FRAME_GOAL_MS} ms`,
          ok: moveFrames < FRAME_GOAL_MS,
        }),
        gLoad({
          name: p(
            `frames while it draws and is dragged (from the graph on the page until complete), p95 of ${big.flatMap((l) => l.gaps).length} in ${big.length} loads`,
          ),
          value: Math.round(drawFrames),
          unit: 'ms',
          goal: `< ${FRAME_GOAL_MS} ms`,
          ok: drawFrames < FRAME_GOAL_MS,
        }),
        gLoad({
          name: p('graph pannable while it lays out (all of: inputs, tasks, mid-load drag, nothing moves)'),
          value: pannable ? 1 : 0,
          unit: '',
          goal: '1',
          ok: pannable,
        }),
        gLoad({
          name: p('slowest input answer during load'),
          value: Math.round(maxInput),
          unit: 'ms',
          goal: `≤ ${INPUT_GOAL_MS} ms`,
          ok: maxInput <= INPUT_GOAL_MS,
        }),
        timed
          ? gLoad({
              name: p('longest main-thread task while the graph is shown'),
              value: Math.round(longestShown),
              unit: 'ms',
              goal: `< ${TASK_GOAL_MS} ms`,
              ok: longestShown < TASK_GOAL_MS,
            })
          : {
              name: p('longest main-thread task (no longtask timing)'),
              value: 0,
              unit: '',
              goal: 'measured',
              ok: false,
            },
        {
          name: p('longest gap between frames until complete'),
          value: Math.round(Math.max(...big.map((l) => l.maxFrameGap))),
          unit: 'ms',
        },
        g({
          name: p('a drag on the background pans after the render (every load)'),
          value: panned ? 1 : 0,
          unit: '',
          goal: '1',
          ok: panned,
        }),
      );
      notes.push(
        `${v.what}: render runs ${quiet.map((l) => Math.round(l.complete)).join(', ')} ms untouched, ${big.map((l) => Math.round(l.complete)).join(', ')} ms dragged (after one warm-up load each; 0 = navigation start); graph element at ${big.map((l) => Math.round(l.graphShown)).join(', ')} ms; first nodes drawn at ${big.map((l) => Math.round(l.firstDrawn)).join(', ')} ms; long tasks until complete: ${big.map((l) => l.longTasks).join(', ')}`,
        `${v.what}: pan during the load: ${big.map((l) => l.loadPanNote).join('; ')}${big.some((l) => l.moved.length) ? `; nodes moved: ${big.flatMap((l) => l.moved).join(', ')}` : ''}; after: ${big.map((l) => l.panNote).join('; ')}`,
      );
    }
    notes.push(
      `baseline runs: ${base.map((l) => Math.round(l.complete)).join(', ')} ms`,
      "every namespace drawn (?group=off) has no goal for how smooth it is while it draws: each frame is a slice of the load plus cytoscape redrawing the whole half-drawn compound graph on its canvas, 60-150 ms here at 200 namespaces (801 nodes); the page before grouping was no better (the 200-namespace page drawn whole was never pannable while it laid out on this 2-vCPU VM with software rendering), and cytoscape's WebGL renderer measured worse (frames ~500 ms)",
      'input answer = how long one CDP mouse event (move/down/up of a drag on the graph area) took to be handled, sent back to back from when the graph element exists until the render was complete',
      'frames = gaps between requestAnimationFrame callbacks (a frame that takes long to draw is a long gap); headless chromium draws at most 60 a second, so the floor is ~17 ms',
      `each bench namespace has veth0 (peer in the hub namespace ${lab.hub}, not the root namespace) and macvlan mv0 on veth0; the baseline expects the root namespace and its non-loopback links`,
    );
    return { name, metrics, notes };
  } finally {
    offInterrupt();
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    lab.removeSync();
    log('removed the bench namespaces');
  }
}
