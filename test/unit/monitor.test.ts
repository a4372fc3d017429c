// The watcher's logic without a kernel: a fake /proc and /var/run/netns on disk, a fake `ip` that
// answers from a model, and fake `ip monitor` streams the test writes lines into.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMonitorLine, SupervisedStream, type Streamer } from '../../server/host/monitor';
import { HostWatcher, type WatchItem } from '../../server/host/watch';
import { applyDiff } from '../../shared/host/diff';
import { CommandError, type Runner, type StreamHandle } from '../../server/ip/run';
import { helperPids } from '../../server/host/ownprocs';
import type { HostSnapshot } from '../../shared/host/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('parseMonitorLine', () => {
  it.each([
    ['[nsid current]5: lsw5145y@NONE: <BROADCAST,MULTICAST> mtu 1500', { where: 'current', nsidEvent: false }],
    ['[nsid 0]3: ifb1    inet 10.9.0.1/24 scope global d0', { where: 'nsid', nsid: 0, nsidEvent: false }],
    ['[nsid 12]Deleted 3: d0@NONE: <BROADCAST,MULTICAST> mtu 9000', { where: 'nsid', nsid: 12, nsidEvent: false }],
    ['[nsid current]nsid 0 (iproute2 netns name: lsw5145-a)', { where: 'current', nsidEvent: true }],
    ['[nsid 0]Deleted nsid 0 ', { where: 'nsid', nsid: 0, nsidEvent: true }],
    ['[nsid current]Deleted nsid 4 ', { where: 'current', nsidEvent: true }],
    [
      'local 10.9.0.1 dev ifb1 table local proto kernel scope host src 10.9.0.1',
      { where: 'current', nsidEvent: false },
    ],
    ['nsid 2 (iproute2 netns name: x)', { where: 'current', nsidEvent: true }],
    ['    link/ether 42:76:53:63:6c:6b brd ff:ff:ff:ff:ff:ff', null],
    ['       valid_lft forever preferred_lft forever', null],
    ['', null],
  ])('%s', (line, want) => {
    expect(parseMonitorLine(line)).toEqual(want);
  });
});

// ---- fakes ----

interface FakeStream {
  argv: string[];
  pid: number;
  emit(line: string): void;
  exit(code?: number, stderr?: string): void;
  stopped: boolean;
}

let nextPid = 900_000;
function fakeStreamer(): { streamer: Streamer; streams: FakeStream[] } {
  const streams: FakeStream[] = [];
  const streamer: Streamer = (argv, onLine) => {
    let resolve!: (r: { exitCode: number | null; stderr: string }) => void;
    const done = new Promise<{ exitCode: number | null; stderr: string }>((r) => (resolve = r));
    const s: FakeStream = {
      argv,
      pid: nextPid++,
      stopped: false,
      emit: (line) => {
        if (!s.stopped) onLine(line);
      },
      exit: (code = 1, stderr = '') => resolve({ exitCode: code, stderr }),
    };
    streams.push(s);
    const h: StreamHandle = {
      pid: s.pid,
      stop: () => {
        s.stopped = true;
        resolve({ exitCode: null, stderr: '' });
      },
      done,
    };
    return h;
  };
  return { streamer, streams };
}

interface NsModel {
  links: Record<string, unknown>[];
  addrs: Record<string, unknown>[];
  routes: Record<string, unknown>[];
  nsids: { nsid: number; name?: string }[];
}
const lo = {
  ifindex: 1,
  ifname: 'lo',
  flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
  mtu: 65536,
  operstate: 'UNKNOWN',
  link_type: 'loopback',
  address: '00:00:00:00:00:00',
};
const eth = (ifindex: number, ifname: string, extra: Record<string, unknown> = {}) => ({
  ifindex,
  ifname,
  flags: ['BROADCAST', 'MULTICAST'],
  mtu: 1500,
  operstate: 'DOWN',
  link_type: 'ether',
  address: `02:00:00:00:00:${String(ifindex).padStart(2, '0')}`,
  linkinfo: { info_kind: 'veth' },
  ...extra,
});
const emptyNs = (): NsModel => ({ links: [lo], addrs: [], routes: [], nsids: [] });
/** what `ip -j netns list` prints of a model's nsids: the named ones, `{name, id}` */
const netnsList = (nsids: NsModel['nsids']) => nsids.filter((e) => e.name).map((e) => ({ name: e.name, id: e.nsid }));

/** A host on disk (fake /proc and netns dirs) plus what `ip` says inside each namespace. */
class FakeHost {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'lswatch-'));
  readonly proc = path.join(this.dir, 'proc');
  readonly named = path.join(this.dir, 'netns');
  readonly docker = path.join(this.dir, 'docker-netns');
  /** namespace key (root | name | pid:N) → model; a missing key reads as deleted */
  models = new Map<string, NsModel>();
  calls: string[][] = [];
  nsidSets: string[] = [];
  /** argv substrings that hang (the runner's timeout fires) */
  hang = new Set<string>();
  /** called before answering a batch read: lets a test delete the namespace mid-read */
  beforeRead: ((key: string) => void) | null = null;

  constructor() {
    mkdirSync(path.join(this.proc, 'self/ns'), { recursive: true });
    writeFileSync(path.join(this.proc, 'self/ns/net:[100]'), '');
    symlinkSync('net:[100]', path.join(this.proc, 'self/ns/net'));
    mkdirSync(this.named);
    this.models.set('root', emptyNs());
  }

  get dirs() {
    return { proc: this.proc, named: this.named, docker: this.docker };
  }

  addNamed(name: string): string {
    writeFileSync(path.join(this.named, name), '');
    this.models.set(name, emptyNs());
    return String(statSync(path.join(this.named, name)).ino);
  }

  delNamed(name: string): void {
    unlinkSync(path.join(this.named, name));
    this.models.delete(name);
  }

  addProcess(pid: number, inode: number, comm = 'sleep'): string {
    mkdirSync(path.join(this.proc, String(pid), 'ns'), { recursive: true });
    symlinkSync(`net:[${inode}]`, path.join(this.proc, String(pid), 'ns/net'));
    writeFileSync(path.join(this.proc, String(pid), 'comm'), `${comm}\n`);
    this.models.set(`pid:${pid}`, emptyNs());
    return String(inode);
  }

  delProcess(pid: number): void {
    rmSync(path.join(this.proc, String(pid)), { recursive: true });
    this.models.delete(`pid:${pid}`);
  }

  private keyOf(argv: string[]): string {
    if (argv[0] === 'ip') return 'root';
    const p = (argv.find((a) => a.startsWith('--net=')) as string).slice(6);
    if (p.startsWith(this.named)) return path.basename(p);
    const m = /\/(\d+)\/ns\/net$/.exec(p);
    return m ? `pid:${m[1]}` : p;
  }

  readonly run: Runner = async (argv, opts) => {
    this.calls.push(argv);
    await sleep(1);
    if ([...this.hang].some((h) => argv.join(' ').includes(h))) {
      await sleep(opts?.timeoutMs ?? 10_000);
      throw new CommandError(argv, '', '', null, true);
    }
    if (argv.join(' ') === 'ip -j netns list')
      return { argv, stdout: JSON.stringify(netnsList(this.models.get('root')?.nsids ?? [])), stderr: '', exitCode: 0 };
    if (argv.join(' ') === 'ip -force -batch -') {
      const root = this.models.get('root') as NsModel;
      for (const line of (opts?.input ?? '').split('\n').filter(Boolean)) {
        const m = /^netns set (\S+) auto$/.exec(line);
        if (!m) throw new Error(`fake ip batch: unexpected ${line}`);
        this.nsidSets.push(m[1]);
        root.nsids.push({ nsid: root.nsids.length, name: m[1] });
      }
      return { argv, stdout: '', stderr: '', exitCode: 0 };
    }
    if (argv.includes('-batch') && argv.includes('-j')) {
      const key = this.keyOf(argv);
      this.beforeRead?.(key);
      const m = this.models.get(key);
      if (!m)
        throw new CommandError(
          argv,
          `nsenter: cannot open ${argv[1].slice(6)}: No such file or directory\n`,
          '',
          1,
          false,
        );
      const out = [m.links, m.addrs, m.routes, netnsList(m.nsids)].map((d) => JSON.stringify(d)).join('\n') + '\n';
      return { argv, stdout: out, stderr: '', exitCode: 0 };
    }
    throw new Error(`fake ip: unexpected ${argv.join(' ')}`);
  };

  reads(key: string): number {
    return this.calls.filter((a) => a.includes('-batch') && a.includes('-j') && this.keyOf(a) === key).length;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class Sub {
  state: HostSnapshot | null = null;
  items: WatchItem[] = [];
  private ac = new AbortController();
  done: Promise<void>;
  constructor(
    w: HostWatcher,
    last: string | null = null,
    state: HostSnapshot | null = null,
    private slowMs = 0,
  ) {
    this.state = state;
    this.done = (async () => {
      for await (const it of w.subscribe(last, this.ac.signal)) {
        if (it.event.type === 'progress') continue;
        this.items.push(it);
        this.state =
          it.event.type === 'snapshot' ? it.event.snapshot : applyDiff(this.state as HostSnapshot, it.event.diff);
        if (this.slowMs) await sleep(this.slowMs);
      }
    })();
  }
  get activity() {
    return this.items.flatMap((i) => (i.event.type === 'diff' ? i.event.diff.activity.map((a) => a.text) : []));
  }
  async until(pred: (s: HostSnapshot) => boolean, ms = 2000) {
    const t = Date.now();
    while (Date.now() - t < ms) {
      if (this.state && pred(this.state)) return;
      await sleep(2);
    }
    throw new Error('timed out');
  }
  async untilTrue(pred: () => boolean, ms = 2000) {
    const t = Date.now();
    while (!pred()) {
      if (Date.now() - t > ms) throw new Error('timed out');
      await sleep(2);
    }
  }
  async close() {
    this.ac.abort();
    await this.done;
  }
}

describe('HostWatcher (fake kernel)', () => {
  let host: FakeHost;
  let fs: ReturnType<typeof fakeStreamer>;
  let w: HostWatcher;
  let logs: string[];
  const make = (o: Partial<ConstructorParameters<typeof HostWatcher>[0]> = {}) =>
    new HostWatcher({
      run: host.run,
      stream: fs.streamer,
      dirs: host.dirs,
      sysRoot: host.dir,
      debounceMs: 5,
      maxWaitMs: 40,
      settleMs: 0,
      rescanMs: 60_000,
      lingerMs: 0,
      log: (m) => logs.push(m),
      ...o,
    });
  const rootStream = () => fs.streams.filter((s) => s.argv.includes('all-nsid')).at(-1) as FakeStream;

  beforeEach(() => {
    host = new FakeHost();
    fs = fakeStreamer();
    logs = [];
  });
  afterEach(() => {
    w?.stop();
    host.cleanup();
  });

  it('starts on the first subscriber: snapshot first, nsid for named namespaces, own monitor for unnamed ones', async () => {
    const redId = host.addNamed('red');
    const pId = host.addProcess(4242, 777);
    w = make();
    expect(w.started).toBe(false);
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 3);
    expect(s.items[0].event.type).toBe('snapshot');
    expect(s.items[0].id).toMatch(/-0$/);
    expect(host.nsidSets).toEqual(['red']);
    expect(rootStream().argv).toEqual(['ip', 'monitor', 'all-nsid', 'link', 'address', 'route', 'nsid']);
    const nsMon = fs.streams.find((x) => x.argv[0] === 'nsenter');
    expect(nsMon?.argv).toEqual([
      'nsenter',
      `--net=${host.proc}/4242/ns/net`,
      '--',
      'ip',
      'monitor',
      'link',
      'address',
      'route',
      'nsid',
    ]);
    expect(w.monitorPids().namespaces).toEqual({ [pId]: nsMon?.pid });
    expect(w.monitorPids().namespaces[redId]).toBeUndefined();
    // the monitor's pid is ours, not a holder of the namespace
    expect(helperPids.has(nsMon?.pid as number)).toBe(true);
    await s.close();
    expect(w.started).toBe(false);
    expect(rootStream().stopped).toBe(true);
    expect(helperPids.has(nsMon?.pid as number)).toBe(false);
  });

  it('an event with [nsid N] re-reads only that namespace, and publishes the diff', async () => {
    const redId = host.addNamed('red');
    host.addNamed('blue');
    w = make();
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 3);
    await w.idle();
    const before = { red: host.reads('red'), blue: host.reads('blue'), root: host.reads('root') };
    (host.models.get('red') as NsModel).links.push(
      eth(5, 'mv0', { linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } } }),
    );
    const nsid = (host.models.get('root') as NsModel).nsids.find((e) => e.name === 'red')?.nsid;
    rootStream().emit(`[nsid ${nsid}]5: mv0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default `);
    rootStream().emit('    link/ether 02:00:00:00:00:05 brd ff:ff:ff:ff:ff:ff');
    await s.until((st) => st.links.some((l) => l.nsId === redId && l.name === 'mv0'));
    expect(host.reads('red') - before.red).toBe(1);
    expect(host.reads('blue') - before.blue).toBe(0);
    expect(host.reads('root') - before.root).toBe(0);
    expect(s.activity).toContain('mv0 added in ns red');
    const last = s.items.at(-1) as WatchItem;
    expect(last.event.type).toBe('diff');
    expect(Number(last.id.split('-').pop())).toBe(last.seq);
    await s.close();
  });

  it('coalesces a burst of 200 events into a few reads', async () => {
    host.addNamed('red');
    w = make({ debounceMs: 10, maxWaitMs: 200 });
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 2);
    await w.idle();
    const before = host.reads('root');
    const root = host.models.get('root') as NsModel;
    for (let i = 0; i < 200; i++) {
      root.links.push(eth(10 + i, `v${i}`));
      rootStream().emit(`[nsid current]${10 + i}: v${i}: <BROADCAST> mtu 1500`);
    }
    await s.until((st) => st.links.filter((l) => l.name.startsWith('v')).length === 200);
    expect(host.reads('root') - before).toBeLessThanOrEqual(2);
    await s.close();
  });

  it('a monitor that dies is restarted with backoff and followed by a full re-read', async () => {
    const redId = host.addNamed('red');
    w = make();
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 2);
    await w.idle();
    const first = rootStream();
    const redReads = host.reads('red');
    // a change nobody hears (the monitor is dead) must still arrive
    first.exit(1, 'Cannot open netlink socket');
    (host.models.get('red') as NsModel).links.push(eth(7, 'late0'));
    await s.until((st) => st.links.some((l) => l.nsId === redId && l.name === 'late0'));
    expect(rootStream()).not.toBe(first);
    expect(host.reads('red')).toBeGreaterThan(redReads);
    expect(logs.some((l) => l.includes('exited with 1: Cannot open netlink socket'))).toBe(true);
    expect(w.monitorPids().rootBackoffMs).toBe(100);
    // dying again at once: the backoff grows (the wait itself is SupervisedStream's, tested on fake timers below)
    const second = rootStream();
    second.exit(1);
    await s.untilTrue(() => w.monitorPids().rootBackoffMs === 200);
    await s.untilTrue(() => rootStream() !== second);
    await s.close();
  });

  it('a namespace deleted while being read is a removal, not an error', async () => {
    const redId = host.addNamed('red');
    w = make();
    const s = new Sub(w);
    await s.until((st) => st.namespaces.some((n) => n.id === redId));
    rootStream().emit('[nsid current]nsid 0 (iproute2 netns name: red)');
    await w.idle();
    host.beforeRead = (key) => {
      if (key === 'red') host.delNamed('red');
    };
    w['run']?.mark(redId); // what a `[nsid 0]` line does
    await s.until((st) => !st.namespaces.some((n) => n.id === redId));
    expect(s.state?.hidden).toEqual([]);
    expect(s.state?.namespaces.every((n) => n.error === null)).toBe(true);
    expect(s.activity).toContain('namespace red deleted');
    await s.close();
  });

  it('an `ip` that hangs is cut by the timeout: the namespace shows the error, and is retried', async () => {
    const redId = host.addNamed('red');
    w = make({ readTimeoutMs: 30 });
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 2);
    host.hang.add('/netns/red');
    w['run']?.mark(redId);
    await s.until((st) => st.namespaces.find((n) => n.id === redId)?.error?.startsWith('timed out') === true);
    expect(s.state?.links.some((l) => l.nsId === redId)).toBe(false);
    expect(s.state?.hidden.some((h) => h.startsWith('namespace red: timed out'))).toBe(true);
    host.hang.clear();
    await s.until(
      (st) => st.namespaces.find((n) => n.id === redId)?.error === null && st.links.some((l) => l.nsId === redId),
      3000,
    );
    await s.close();
  });

  it('namespaces coming and going: inotify for named ones, the /proc re-scan for processes', async () => {
    w = make({ rescanMs: 50 });
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 1);
    const id = host.addNamed('green');
    await s.until((st) => st.namespaces.some((n) => n.id === id && n.label === 'green'));
    const pid = host.addProcess(5151, 888, 'unshare');
    await s.until((st) => st.namespaces.some((n) => n.id === '888' && n.label === 'pid 5151 (unshare)'));
    await s.until(() => !!w.monitorPids().namespaces['888']);
    const mon = fs.streams.find((x) => x.argv.includes(`--net=${host.proc}/5151/ns/net`)) as FakeStream;
    // an event inside it comes through its own monitor
    (host.models.get('pid:5151') as NsModel).links.push(eth(3, 'u0'));
    mon.emit('3: u0: <BROADCAST,MULTICAST> mtu 1500');
    await s.until((st) => st.links.some((l) => l.nsId === '888' && l.name === 'u0'));
    host.delProcess(pid === '888' ? 5151 : 5151);
    await s.until((st) => !st.namespaces.some((n) => n.id === '888'));
    await s.until(() => mon.stopped);
    host.delNamed('green');
    await s.until((st) => !st.namespaces.some((n) => n.id === id));
    expect(s.activity).toEqual(
      expect.arrayContaining([
        'namespace green added',
        'namespace pid 5151 (unshare) added',
        'u0 added in ns pid 5151 (unshare)',
        'namespace pid 5151 (unshare) deleted',
        'namespace green deleted',
      ]),
    );
    await s.close();
  });

  it('beyond the monitor cap, namespaces are re-read periodically instead', async () => {
    host.addProcess(6001, 601);
    host.addProcess(6002, 602);
    host.addProcess(6003, 603);
    w = make({ maxNsMonitors: 2, rescanMs: 20, overflowReadMs: 50 });
    const s = new Sub(w);
    await s.until((st) => st.namespaces.length === 4);
    await s.until(() => Object.keys(w.monitorPids().namespaces).length === 2);
    const unmonitored = ['601', '602', '603'].find((id) => !w.monitorPids().namespaces[id]) as string;
    const pid = 6000 + Number(unmonitored) - 600;
    (host.models.get(`pid:${pid}`) as NsModel).links.push(eth(4, 'quiet0'));
    // nobody emits a line: the periodic read finds it
    await s.until((st) => st.links.some((l) => l.nsId === unmonitored && l.name === 'quiet0'), 2000);
    await s.close();
  });

  it('resumes from lastEventId with only the missed diffs; an unknown or too old id gets a snapshot', async () => {
    w = make({ ringSize: 3 });
    const a = new Sub(w);
    await a.until((st) => st.namespaces.length === 1);
    const root = host.models.get('root') as NsModel;
    const change = async (i: number) => {
      root.links.push(eth(20 + i, `x${i}`));
      rootStream().emit(`[nsid current]${20 + i}: x${i}:`);
      await a.until((st) => st.links.some((l) => l.name === `x${i}`));
    };
    await change(0);
    const mark = a.items.at(-1) as WatchItem;
    const stateThen = a.state;
    await change(1);
    await change(2);
    const b = new Sub(w, mark.id, stateThen);
    await b.until((st) => st.links.some((l) => l.name === 'x2'));
    expect(b.items.map((i) => i.event.type)).toEqual(['diff', 'diff']);
    expect(b.state).toEqual(a.state);
    // the current id: nothing to send yet
    const c = new Sub(w, a.items.at(-1)?.id ?? null, a.state);
    await sleep(30);
    expect(c.items).toEqual([]);
    // too old for a ring of 3
    await change(3);
    await change(4);
    await change(5);
    const d = new Sub(w, mark.id);
    await d.until(() => d.items.length > 0);
    expect(d.items[0].event.type).toBe('snapshot');
    const e = new Sub(w, 'otherepoch-1');
    await e.until(() => e.items.length > 0);
    expect(e.items[0].event.type).toBe('snapshot');
    for (const x of [a, b, c, d, e]) await x.close();
  });

  it('a slow subscriber is dropped to a fresh snapshot instead of an unbounded queue', async () => {
    w = make({ queueSize: 4, debounceMs: 1, maxWaitMs: 1 });
    const fast = new Sub(w);
    const slow = new Sub(w, null, null, 150);
    await fast.until((st) => st.namespaces.length === 1);
    await slow.until((st) => st.namespaces.length === 1);
    const root = host.models.get('root') as NsModel;
    for (let i = 0; i < 12; i++) {
      root.links.push(eth(40 + i, `y${i}`));
      rootStream().emit(`[nsid current]${40 + i}: y${i}:`);
      await fast.until((st) => st.links.some((l) => l.name === `y${i}`));
    }
    await slow.until((st) => st.links.some((l) => l.name === 'y11'), 4000);
    expect(slow.items.filter((i) => i.event.type === 'snapshot').length).toBeGreaterThanOrEqual(2);
    expect(slow.items.length).toBeLessThan(fast.items.length);
    expect(w.stats.resyncs).toBeGreaterThan(0);
    expect(slow.state).toEqual(fast.state);
    await fast.close();
    await slow.close();
  });

  it('a stop then a start is a first start: what changed between is seen, nothing of the first run is left', async () => {
    const oldRed = host.addNamed('red');
    host.addProcess(4242, 777);
    w = make();
    const first = new Sub(w);
    await first.until((st) => st.namespaces.length === 3);
    await first.untilTrue(() => !!w.monitorPids().namespaces['777']);
    // one diff, so the first run's ring holds something to (wrongly) resume from
    (host.models.get('root') as NsModel).links.push(eth(2, 'first0'));
    rootStream().emit('[nsid current]2: first0: <BROADCAST,MULTICAST> mtu 1500');
    await first.until((st) => st.links.some((l) => l.name === 'first0'));
    const lastId = first.items.at(-1)?.id as string;
    expect(Number(lastId.split('-').pop())).toBeGreaterThan(0);
    const firstRoot = rootStream();
    const firstNsMon = fs.streams.find((x) => x.argv.includes(`--net=${host.proc}/4242/ns/net`)) as FakeStream;
    await first.close();
    expect(w.started).toBe(false);
    expect(w.current()).toBeNull();
    expect(w.monitorPids()).toEqual({ root: undefined, rootBackoffMs: null, namespaces: {} });
    expect(firstRoot.stopped && firstNsMon.stopped).toBe(true);
    // while nobody watches: the process ends, red is deleted (its nsid with it) and made again, blue is new
    host.delProcess(4242);
    host.delNamed('red');
    const root = host.models.get('root') as NsModel;
    root.nsids = root.nsids.filter((e) => e.name !== 'red');
    const blue = host.addNamed('blue'); // first: it may take the freed inode
    const newRed = host.addNamed('red');
    expect(newRed).not.toBe(oldRed);
    (root.links as { ifname: string }[]).splice(
      root.links.findIndex((l) => l.ifname === 'first0'),
      1,
    );
    const setsBefore = host.nsidSets.length;
    // resuming from the first run's last id: a new epoch, so a snapshot, numbered from 0 again
    const second = new Sub(w, lastId);
    await second.until((st) => st.namespaces.some((n) => n.id === blue));
    await w.idle();
    expect(second.items[0].event.type).toBe('snapshot');
    expect(second.items[0].id).toMatch(/-0$/);
    expect(second.items[0].id.replace(/-0$/, '')).not.toBe(lastId.replace(/-\d+$/, ''));
    const ids = (second.state as HostSnapshot).namespaces.map((n) => n.id).sort();
    expect(ids).toEqual(['100', blue, newRed].sort());
    expect(second.state?.links.some((l) => l.name === 'first0')).toBe(false);
    expect(second.state?.hidden).toEqual([]);
    // both named ones asked for an nsid again (the first run's "red has one" is gone with it)
    expect(host.nsidSets.slice(setsBefore).sort()).toEqual(['blue', 'red']);
    // a new root monitor, and none for the namespace that ended
    expect(rootStream()).not.toBe(firstRoot);
    expect(rootStream().stopped).toBe(false);
    expect(w.monitorPids().namespaces).toEqual({});
    // no news of the first run's namespaces: the second run never knew them
    expect(second.activity.filter((a) => a.includes('4242') || a.includes('deleted'))).toEqual([]);
    await second.close();
  });
});

describe('SupervisedStream', () => {
  // fake timers: a restart's wait is checked to the millisecond, not against a loaded machine's clock
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('restarts until stopped, reporting restarts', async () => {
    const fs = fakeStreamer();
    const starts: boolean[] = [];
    const m = new SupervisedStream(['ip', 'monitor'], () => {}, {
      stream: fs.streamer,
      minBackoffMs: 5,
      maxBackoffMs: 20,
      onStart: (_p, restart) => starts.push(restart),
    });
    m.start();
    fs.streams[0].exit(1);
    await vi.advanceTimersByTimeAsync(5);
    expect(starts).toEqual([false, true]);
    expect(m.pid).toBe(fs.streams[1].pid);
    m.stop();
    expect(fs.streams[1].stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fs.streams).toHaveLength(2);
  });

  it('waits its backoff before each restart, doubling up to the maximum, and starts over once healthy', async () => {
    const fs = fakeStreamer();
    const m = new SupervisedStream(['ip', 'monitor'], () => {}, {
      stream: fs.streamer,
      minBackoffMs: 100,
      maxBackoffMs: 300,
      healthyMs: 10_000,
    });
    m.start();
    for (const [i, wait] of [100, 200, 300, 300].entries()) {
      fs.streams[i].exit(1);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(fs.streams, `restart ${i + 1} before ${wait} ms`).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fs.streams, `restart ${i + 1} at ${wait} ms`).toHaveLength(i + 2);
      expect(m.lastBackoffMs).toBe(wait);
    }
    // alive for healthyMs: the next death waits the minimum again
    await vi.advanceTimersByTimeAsync(10_000);
    fs.streams[4].exit(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(fs.streams).toHaveLength(6);
    expect(m.lastBackoffMs).toBe(100);
    m.stop();
  });

  it('gives up when onExit says so', async () => {
    const fs = fakeStreamer();
    const m = new SupervisedStream(['ip', 'monitor'], () => {}, {
      stream: fs.streamer,
      minBackoffMs: 1,
      onExit: () => false,
    });
    m.start();
    fs.streams[0].exit(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fs.streams).toHaveLength(1);
    expect(m.pid).toBeUndefined();
  });
});
