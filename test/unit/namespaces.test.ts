// Namespace discovery against this machine's /proc with throwaway named/docker directories
// (no namespaces are created here: that is the kernel tier's job), and labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverNamespaces, labelOf } from '../../server/host/namespaces';
import { ipArgvIn, isNamespaceGone } from '../../server/host/read';
import {
  bulkArgv,
  bulkSections,
  bulkUsablePath,
  commandInNamespace,
  inNamespace,
  ipUsableName as batchSafeName,
  netnsTarget,
} from '../../server/ip/netns';
import {
  BatchGroups,
  BULK_MAX_STREAMS,
  BULK_MIN,
  BULK_RESTARTS,
  bulkCommand,
  bulkReadable,
  bulkStreams,
  dealOut,
  matchGroups,
  placeGroups,
  readNamedInBulk,
} from '../../server/host/bulk';
import { run } from '../../server/ip/run';
import { isLinkDoc } from '../../server/ip/parse';
import type { Streamer } from '../../server/ip/run';
import { captureRaw } from '../fixtures/captures';
import type { Namespace } from '../../shared/host/types';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'linkscape-ns-'));
  // the bulk reader's batch file goes here, not into the host's /run/linkscape
  process.env.LINKSCAPE_RUN_DIR = path.join(tmp, 'run');
  mkdirSync(path.join(tmp, 'netns'));
  // what a crashed `ip netns add` leaves: a plain file on tmpfs, not a mounted namespace
  writeFileSync(path.join(tmp, 'netns', 'stale'), '');
});
afterAll(() => {
  delete process.env.LINKSCAPE_RUN_DIR;
  rmSync(tmp, { recursive: true, force: true });
});

const selfIno = () => /net:\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'))![1];

describe('discoverNamespaces', () => {
  it('a process that ended while the scan looked at it is no holder, and a namespace only such ones held is not listed', async () => {
    const proc = path.join(tmp, 'fakeproc');
    mkdirSync(proc);
    symlinkSync('/proc/self', path.join(proc, 'self')); // the server's own namespace, as discovery reads it
    const holder = (pid: number, ino: string, comm: string | null) => {
      mkdirSync(path.join(proc, String(pid), 'ns'), { recursive: true });
      symlinkSync(`net:[${ino}]`, path.join(proc, String(pid), 'ns', 'net'));
      if (comm !== null) writeFileSync(path.join(proc, String(pid), 'comm'), `${comm}\n`);
    };
    holder(777, '4000000001', null); // ended: no comm any more
    holder(778, '4000000002', 'sleep');
    holder(779, '4000000002', null); // ended
    const d = await discoverNamespaces({ proc, named: path.join(tmp, 'nope'), docker: path.join(tmp, 'nope2') });
    expect(d.namespaces.find((n) => n.id === '4000000001')).toBeUndefined();
    expect(d.namespaces.find((n) => n.id === '4000000002')).toMatchObject({
      source: 'process',
      pids: [778],
      comms: ['sleep'],
      label: 'pid 778 (sleep)',
      path: path.join(proc, '778', 'ns/net'),
    });
  });
  it("the server's own namespace is the root, first, labelled host, with this process among its holders", async () => {
    const d = await discoverNamespaces({
      proc: '/proc',
      named: path.join(tmp, 'netns'),
      docker: path.join(tmp, 'missing'),
    });
    const root = d.namespaces[0];
    expect(root).toMatchObject({
      id: selfIno(),
      root: true,
      source: 'root',
      name: null,
      label: 'host',
      path: null,
      error: null,
    });
    expect(d.namespaces.filter((n) => n.root)).toHaveLength(1);
    expect(root.pids.length).toBeGreaterThan(0);
  });
  it('a stale entry under the named dir is not a namespace, and says so', async () => {
    const d = await discoverNamespaces({
      proc: '/proc',
      named: path.join(tmp, 'netns'),
      docker: path.join(tmp, 'missing'),
    });
    expect(d.namespaces.some((n) => n.name === 'stale')).toBe(false);
    expect(d.hidden).toContain(`${path.join(tmp, 'netns', 'stale')} is not a mounted namespace (stale entry)`);
  });
  it('missing directories are simply empty', async () => {
    const d = await discoverNamespaces({
      proc: '/proc',
      named: path.join(tmp, 'nope'),
      docker: path.join(tmp, 'nope2'),
    });
    expect(d.namespaces.filter((n) => n.source === 'named' || n.source === 'docker')).toEqual([]);
    expect(d.namespaces.filter((n) => n.source === 'root')).toHaveLength(1);
    expect(d.hidden.some((h) => h.includes('nope'))).toBe(false);
  });
  it('ids are unique inodes and every process-held namespace has a way in through /proc', async () => {
    const d = await discoverNamespaces({
      proc: '/proc',
      named: path.join(tmp, 'nope'),
      docker: path.join(tmp, 'nope2'),
    });
    const ids = d.namespaces.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const n of d.namespaces.filter((x) => x.source === 'process')) {
      expect(n.path).toBe(`/proc/${n.pids[0]}/ns/net`);
      expect(n.pids).toEqual([...n.pids].sort((a, b) => a - b));
      expect(n.label).toMatch(/^pid \d+ \(.+\)$/);
    }
  });
  it('an unreadable /proc is said plainly', async () => {
    await expect(discoverNamespaces({ proc: path.join(tmp, 'noproc'), named: tmp, docker: tmp })).rejects.toThrow(
      path.join(tmp, 'noproc', 'self/ns/net'),
    );
  });
});

describe('labelOf', () => {
  const base: Namespace = {
    id: '4026532000',
    name: null,
    root: false,
    source: 'process',
    pids: [],
    comms: [],
    label: '',
    path: null,
    error: null,
    owner: null,
  };
  it.each([
    [{ root: true, source: 'root' }, 'host'],
    [{ root: true, source: 'root', name: 'default' }, 'host (default)'],
    [{ source: 'named', name: 'blue' }, 'blue'],
    [{ source: 'docker', name: '3f2a1b' }, 'docker 3f2a1b'],
    [{ source: 'process', pids: [163, 170], comms: ['sleep', 'sh'] }, 'pid 163 (sleep)'],
    [{ source: 'process', pids: [163], comms: [] }, 'pid 163 (?)'],
    [{ source: 'process' }, 'ns 4026532000'],
  ] as [Partial<Namespace>, string][])('%j → %s', (extra, label) => {
    expect(labelOf({ ...base, ...extra })).toBe(label);
  });
});

describe('entering a namespace (server/ip/netns.ts: reads, monitors, fdb and ping alike)', () => {
  const args = ['-j', 'link', 'show'];
  it.each([
    [{ root: true, source: 'root', name: null, path: null }, ['ip', ...args]],
    [{ root: true, source: 'root', name: 'host', path: null }, ['ip', ...args]],
    // named under iproute2's directory: still nsenter with the path (setns only); `ip -n` would copy every mount of the host
    [
      { root: false, source: 'named', name: 'blue', path: '/var/run/netns/blue' },
      ['nsenter', '--net=/var/run/netns/blue', '--', 'ip', ...args],
    ],
    [
      { root: false, source: 'named', name: 'blue', path: '/run/netns/blue' },
      ['nsenter', '--net=/run/netns/blue', '--', 'ip', ...args],
    ],
    // a name ip would not read back as one word, or one like an option: by path
    [
      { root: false, source: 'named', name: 'a b', path: '/var/run/netns/a b' },
      ['nsenter', '--net=/var/run/netns/a b', '--', 'ip', ...args],
    ],
    [
      { root: false, source: 'named', name: '-x', path: '/var/run/netns/-x' },
      ['nsenter', '--net=/var/run/netns/-x', '--', 'ip', ...args],
    ],
    // named elsewhere (LINKSCAPE_NETNS_DIR), docker's, a process's: nsenter with the path
    [
      { root: false, source: 'named', name: 'blue', path: '/tmp/netns/blue' },
      ['nsenter', '--net=/tmp/netns/blue', '--', 'ip', ...args],
    ],
    [
      { root: false, source: 'docker', name: 'abc', path: '/var/run/docker/netns/abc' },
      ['nsenter', '--net=/var/run/docker/netns/abc', '--', 'ip', ...args],
    ],
    [
      { root: false, source: 'process', name: null, path: '/proc/163/ns/net' },
      ['nsenter', '--net=/proc/163/ns/net', '--', 'ip', ...args],
    ],
  ] as [Pick<Namespace, 'root' | 'source' | 'name' | 'path'>, string[]][])('%j', (ns, argv) => {
    expect(ipArgvIn(ns, args)).toEqual(argv);
  });
  it('other programs go in by nsenter too', () => {
    expect(
      inNamespace({ root: false, source: 'named', name: 'blue', path: '/var/run/netns/blue' }, [
        'ping',
        '-c',
        '1',
        '10.0.0.1',
      ]),
    ).toEqual(['nsenter', '--net=/var/run/netns/blue', '--', 'ping', '-c', '1', '10.0.0.1']);
  });
  it('commands a plan shows name a namespace as users type it: ip -n / bridge -n where ip knows the name, else as the reads do', () => {
    const blue = { root: false, source: 'named', name: 'blue', path: '/var/run/netns/blue' };
    expect(commandInNamespace(blue, ['ip', ...args])).toEqual(['ip', '-n', 'blue', ...args]);
    expect(commandInNamespace({ ...blue, path: '/run/netns/blue' }, ['bridge', 'fdb'])).toEqual([
      'bridge',
      '-n',
      'blue',
      'fdb',
    ]);
    expect(commandInNamespace(blue, ['ping', '-c', '1', '10.0.0.1'])).toEqual([
      'nsenter',
      '--net=/var/run/netns/blue',
      '--',
      'ping',
      '-c',
      '1',
      '10.0.0.1',
    ]);
    expect(commandInNamespace({ ...blue, name: 'a b', path: '/var/run/netns/a b' }, ['ip', ...args])).toEqual([
      'nsenter',
      '--net=/var/run/netns/a b',
      '--',
      'ip',
      ...args,
    ]);
    expect(commandInNamespace({ ...blue, path: '/tmp/netns/blue' }, ['ip', ...args])).toEqual([
      'nsenter',
      '--net=/tmp/netns/blue',
      '--',
      'ip',
      ...args,
    ]);
    expect(commandInNamespace({ root: true, name: null, path: null }, ['ip', ...args])).toEqual(['ip', ...args]);
    expect(() =>
      commandInNamespace({ root: false, source: 'process', name: null, path: null }, ['ip', ...args]),
    ).toThrow('has no path to enter');
  });
  it("a read that found no namespace at the path is a removal, not an error (nsenter's words)", () => {
    const ns = { root: false };
    expect(isNamespaceGone(new Error('nsenter: cannot open /run/netns/x: No such file or directory'), ns)).toBe(true);
    // `ip netns del` unmounts before it unlinks: in between the path is a plain file, which setns refuses
    expect(isNamespaceGone(new Error("nsenter: reassociate to namespace 'ns/net' failed: Invalid argument"), ns)).toBe(
      true,
    );
    expect(
      isNamespaceGone(new Error("nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted"), ns),
    ).toBe(false);
    expect(isNamespaceGone(new Error('Error: something the kernel said.'), ns)).toBe(false);
    expect(isNamespaceGone(new Error('nsenter: cannot open x: No such file or directory'), { root: true })).toBe(false);
  });
  it('a namespace with no way in is an error, never the host namespace instead', () => {
    const ns = { root: false, source: 'process', name: null, path: null, label: 'pid 9 (gone)' };
    expect(() => ipArgvIn(ns, args)).toThrow('namespace pid 9 (gone) has no path to enter');
    expect(() => netnsTarget(ns, 1)).toThrow('has no path to enter');
  });
  it("netnsTarget: a name ip knows, the server's own /proc entry for the host, else the path", () => {
    expect(netnsTarget({ root: true, name: null, path: null }, 4711)).toBe('/proc/4711/ns/net');
    expect(netnsTarget({ root: false, source: 'named', name: 'blue', path: '/var/run/netns/blue' }, 1)).toBe('blue');
    expect(netnsTarget({ root: false, source: 'docker', name: 'abc', path: '/run/docker/netns/abc' }, 1)).toBe(
      '/run/docker/netns/abc',
    );
  });
});

describe('bulk read (xargs: nsenter --net=PATH ip per namespace)', () => {
  const docLines = (label: 'red' | 'blue' | 'green') => {
    const r = captureRaw(label);
    return [r.links, r.addrs, r.routes, r.nsids].map((d) => JSON.stringify(d));
  };
  const named = (name: string, id: string): Namespace => ({
    id,
    name,
    root: false,
    source: 'named',
    pids: [],
    comms: [],
    label: name,
    path: `/var/run/netns/${name}`,
    error: null,
    owner: null,
  });
  const groupsOf = (lines: string[]) => {
    const g = new BatchGroups();
    lines.forEach((l) => g.push(l));
    return g;
  };

  it('cuts the output into one group per namespace at each link-only document', () => {
    const closed: [number, number][] = [];
    const g = new BatchGroups((i, grp) => closed.push([i, grp.docs.length]));
    [...docLines('red'), '', ...docLines('blue'), ...docLines('green')].forEach((l) => g.push(l));
    // a group is handed over whole as soon as the next one begins (the last only at the end)
    expect(closed).toEqual([
      [0, 4],
      [1, 4],
    ]);
    g.groups.pop();
    expect(g.groups).toHaveLength(2);
    expect(g.groups.map((x) => x.docs.length)).toEqual([4, 4]);
    expect(g.groups.every((x) => !x.broken)).toBe(true);
    expect(g.stray).toBe(0);
    // an address list also names interfaces, but it never starts a group
    expect(isLinkDoc(JSON.parse(docLines('red')[1]))).toBe(false);
    expect(isLinkDoc(JSON.parse(docLines('red')[0]))).toBe(true);
  });
  it('a line cut off mid-document breaks its group; documents before any group are stray', () => {
    const red = docLines('red');
    const g = groupsOf([...red, red[0].slice(0, 50)]);
    expect(g.groups.map((x) => x.broken)).toEqual([true]);
    expect(groupsOf([red[2], ...red]).stray).toBe(1);
  });

  const FILE = '/run/linkscape/content.batch';
  /** what xargs -t writes to stderr as it starts the command for `p` (it quotes the argument with `=`) */
  const started = (p: string) => `nsenter '--net=${p}' -- ip -j -d -force -batch ${FILE}\n`;
  it('matches groups to namespaces in order: one not entered is skipped, one whose ip failed ends what can be placed', () => {
    const [a, b, c] = [named('a', '1'), named('b', '2'), named('c', '3')];
    const two = groupsOf([...docLines('red'), ...docLines('blue')]);
    const three = groupsOf([...docLines('red'), ...docLines('blue'), ...docLines('green')]);
    const names = (m: [Namespace, unknown[][]][]) => m.map(([ns]) => ns.name);
    const ok3 = started(a.path!) + started(b.path!) + started(c.path!);
    // all answered
    const all = matchGroups([a, b, c], three, ok3, false, FILE);
    expect(names(all)).toEqual(['a', 'b', 'c']);
    expect(all[2][1]).toEqual(docLines('green').map((l) => JSON.parse(l)));
    // b could not be entered (only nsenter's message in b's section, nothing printed): c's answer is the second group
    const gone = `${started(a.path!)}${started(b.path!)}nsenter: cannot open ${b.path}: No such file or directory\n${started(c.path!)}`;
    const placedGone = matchGroups([a, b, c], two, gone, false, FILE);
    expect(names(placedGone)).toEqual(['a', 'c']);
    expect(placedGone[1][1]).toEqual(docLines('blue').map((l) => JSON.parse(l)));
    expect(placeGroups(3, two, gone, false, FILE)).toEqual({
      placed: [
        [0, 0],
        [2, 1],
      ],
      stoppedAt: null,
    });
    // not a namespace (setns refused it): the same
    const notNs = `${started(a.path!)}nsenter: reassociate to namespace 'ns/net' failed: Invalid argument\n${started(b.path!)}${started(c.path!)}`;
    expect(placeGroups(3, two, notNs, false, FILE)).toEqual({
      placed: [
        [1, 0],
        [2, 1],
      ],
      stoppedAt: null,
    });
    // but an nsenter message and then more lines: something ran, nothing after it is placed
    expect(
      placeGroups(
        3,
        two,
        `${started(a.path!)}nsenter: x\nError: y\n${started(b.path!)}${started(c.path!)}`,
        false,
        FILE,
      ),
    ).toEqual({ placed: [], stoppedAt: 0 });
    // b's inner ip failed after printing part of its answer: that part, and c's after it, are not used
    const failed = `${started(a.path!)}${started(b.path!)}Error: something.\n${started(c.path!)}`;
    expect(names(matchGroups([a, b, c], three, failed, false, FILE))).toEqual(['a']);
    expect(placeGroups(3, three, failed, false, FILE)).toEqual({ placed: [[0, 0]], stoppedAt: 1 });
    // two groups for three namespaces and nothing said: which one is missing is unknown, so none is taken
    expect(matchGroups([a, b, c], two, ok3, false, FILE)).toEqual([]);
    // fewer groups than the namespaces before the failed one: none
    expect(
      matchGroups([a, b, c], groupsOf([]), `${started(a.path!)}${started(b.path!)}Error: x\n`, false, FILE),
    ).toEqual([]);
    // xargs' own failure (before any command): nothing is placed
    expect(matchGroups([a, b, c], three, `xargs: nsenter: No such file or directory\n${ok3}`, false, FILE)).toEqual([]);
    // more groups than commands that answered: none
    expect(matchGroups([a, b, c], three, gone, false, FILE)).toEqual([]);
    // more commands than asked: none
    expect(matchGroups([a, b], three, ok3, false, FILE)).toEqual([]);
    // after a timeout the last command started may be cut off: only the ones before it count
    expect(names(matchGroups([a, b, c], two, started(a.path!) + started(b.path!), true, FILE))).toEqual(['a']);
    expect(
      names(matchGroups([a, b, c], groupsOf(docLines('red')), started(a.path!) + started(b.path!), true, FILE)),
    ).toEqual(['a']);
    // a group after the cut-off one's place cannot be: none
    expect(matchGroups([a, b, c], three, started(a.path!) + started(b.path!), true, FILE)).toEqual([]);
  });
  it('cuts stderr into one section per command at the lines xargs -t writes', () => {
    const inner = ['ip', '-j', '-d', '-force', '-batch', FILE];
    expect(
      bulkSections(
        `${started('/run/netns/a')}${started('/run/netns/b')}nsenter: reassociate to namespace 'ns/net' failed: Invalid argument\n`,
        inner,
      ),
    ).toEqual({
      before: [],
      sections: [[], ["nsenter: reassociate to namespace 'ns/net' failed: Invalid argument"]],
    });
    // unquoted too; a line of another command is not a start
    expect(
      bulkSections(`nsenter --net=/run/netns/a -- ${inner.join(' ')}\nnsenter --net=/x -- ip link\n`, inner),
    ).toEqual({ before: [], sections: [['nsenter --net=/x -- ip link']] });
  });
  it('the bulk command: xargs of nsenter per NUL-terminated path, the inner ip with the batch file', () => {
    expect(bulkCommand(['/run/netns/a', '/var/run/docker/netns/1f'], FILE)).toEqual({
      argv: ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--', 'ip', '-j', '-d', '-force', '-batch', FILE],
      input: '/run/netns/a\0/var/run/docker/netns/1f\0',
    });
    expect(bulkArgv(['bridge', 'fdb'])).toEqual([
      'xargs',
      '-0',
      '-t',
      '-I{}',
      'nsenter',
      '--net={}',
      '--',
      'bridge',
      'fdb',
    ]);
  });
  it('the process door lets xargs run only that form, and nothing but the allowed programs in it', async () => {
    for (const argv of [
      ['xargs', 'rm', '-rf'],
      ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--', 'sh', '-c', 'x'],
      ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--', 'nsenter', '--mount=/x', 'sh'],
      ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--', 'xargs', 'sh'],
      ['xargs', '-0', '-t', '-I{}', 'nsenter', '--net={}', '--'],
      ['xargs', '-t', '-0', '-I{}', 'nsenter', '--net={}', '--', 'ip', 'link'],
    ]) {
      await expect(run(argv), argv.join(' ')).rejects.toThrow(/xargs may only run/);
    }
  });
  it('deals namespaces out to one process per CPU, at least BULK_MIN each', () => {
    expect(bulkStreams(BULK_MIN - 1, 2)).toBe(1);
    expect(bulkStreams(BULK_MIN * 2 - 1, 2)).toBe(1);
    expect(bulkStreams(BULK_MIN * 2, 2)).toBe(2);
    expect(bulkStreams(500, 2)).toBe(2);
    expect(bulkStreams(500, 64)).toBe(BULK_MAX_STREAMS);
    expect(dealOut([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(dealOut([1, 2], 4)).toEqual([[1], [2]]);
  });
  it('only names ip reads back as one word are used by name (plans); a bulk read takes any namespace by a plain path', () => {
    for (const ok of ['red', 'cni-1b2c', 'ns_1.2', 'a:b@c']) expect(batchSafeName(ok), ok).toBe(true);
    for (const bad of ['a b', '"q"', "it's", 'x#y', '-n', 'tab\tx', 'back\\slash', ''])
      expect(batchSafeName(bad), bad).toBe(false);
    // the path goes through xargs and comes back in its -t line: no blanks, quotes, braces or control characters
    expect(bulkReadable(named('a b', '9'))).toBe(false);
    expect(bulkReadable({ ...named('x', '9'), path: '/run/netns/a\nb' })).toBe(false);
    expect(bulkReadable({ ...named('x', '9'), path: "/run/netns/it's" })).toBe(false);
    expect(bulkReadable({ ...named('x', '9'), path: '/run/netns/{}' })).toBe(false);
    expect(bulkUsablePath('relative/path')).toBe(false);
    // by path, so also outside iproute2's directory, docker's and a process's
    expect(bulkReadable({ ...named('red', '9'), path: '/tmp/netns/red' })).toBe(true);
    expect(bulkReadable({ ...named('x', '9'), source: 'docker', path: '/var/run/docker/netns/1f2e' })).toBe(true);
    expect(bulkReadable({ ...named('x', '9'), source: 'process', name: null, path: '/proc/77/ns/net' })).toBe(true);
    expect(bulkReadable({ ...named('x', '9'), root: true })).toBe(false);
    expect(bulkReadable({ ...named('x', '9'), path: null })).toBe(false);
  });

  /** A fake bulk xargs: runs every path in turn, as xargs does, even after a failure; a path missing from
   *  `out` cannot be entered (nsenter says so), one in `failing` has an inner ip that prints part of its answer and fails. */
  const fakeIp =
    (out: Record<string, string[]>, calls: { argv: string[]; input: string }[], failing: string[] = []): Streamer =>
    (argv, onLine, opts) => {
      calls.push({ argv, input: opts?.input ?? '' });
      const paths = (opts?.input ?? '').split('\0').filter(Boolean);
      const file = argv.at(-1)!;
      let stderr = '';
      for (const p of paths) {
        const n = path.basename(p);
        stderr += `nsenter '--net=${p}' -- ip -j -d -force -batch ${file}\n`;
        if (!out[n]) stderr += `nsenter: cannot open ${p}: No such file or directory\n`;
        else if (failing.includes(n)) {
          out[n].slice(0, 2).forEach(onLine);
          stderr += `Error: something the kernel said.\n`;
        } else out[n].forEach(onLine);
      }
      return {
        pid: 1,
        stop: () => {},
        done: Promise.resolve({ exitCode: /nsenter:|Error/.test(stderr) ? 123 : 0, stderr, timedOut: false }),
      };
    };
  const lines = () => ({ red: docLines('red'), blue: docLines('blue'), green: docLines('green') });
  const asked = (calls: { input: string }[]) =>
    calls.map((c) =>
      c.input
        .split('\0')
        .filter(Boolean)
        .map((p) => path.basename(p)),
    );
  it.skipIf(process.getuid?.() !== 0)(
    'a namespace gone in the middle of a process is skipped: the answers after it are placed, no process is started again',
    async () => {
      const calls: { argv: string[]; input: string }[] = [];
      const m = await readNamedInBulk(
        fakeIp(lines(), calls),
        [named('red', '1'), named('gone', '4'), named('blue', '2'), named('gone2', '5'), named('green', '3')],
        10_000,
        1,
      );
      expect([...m.keys()].sort()).toEqual(['1', '2', '3']);
      expect(asked(calls)).toEqual([['red', 'gone', 'blue', 'gone2', 'green']]);
      // parsed as their own namespace (the groups after a gap are parsed again, as the one they belong to)
      expect(m.get('2')!.links.every((l) => l.link.nsId === '2')).toBe(true);
      expect(m.get('3')!.links.every((l) => l.link.nsId === '3')).toBe(true);
    },
  );
  it.skipIf(process.getuid?.() !== 0)(
    'a namespace whose inner ip fails is left to be read alone (which says why); the rest still in bulk',
    async () => {
      const calls: { argv: string[]; input: string }[] = [];
      const m = await readNamedInBulk(
        fakeIp(lines(), calls, ['blue']),
        [named('red', '1'), named('blue', '2'), named('green', '3')],
        10_000,
        1,
      );
      expect([...m.keys()].sort()).toEqual(['1', '3']);
      expect(asked(calls)).toEqual([['red', 'blue', 'green'], ['green']]);
    },
  );
  it.skipIf(process.getuid?.() !== 0)(
    'restarts are bounded: a batch where every inner ip fails ends after BULK_RESTARTS more tries',
    async () => {
      const calls: { argv: string[]; input: string }[] = [];
      const many = Array.from({ length: 20 }, (_, i) => named(`bad${i}`, String(100 + i)));
      const out = Object.fromEntries(many.map((n) => [n.name!, docLines('red')]));
      const m = await readNamedInBulk(
        fakeIp(
          out,
          calls,
          many.map((n) => n.name!),
        ),
        many,
        10_000,
        1,
      );
      expect(m.size).toBe(0);
      expect(calls).toHaveLength(BULK_RESTARTS + 1);
      // and where none can be entered: one process, nothing placed
      const calls2: { argv: string[]; input: string }[] = [];
      expect((await readNamedInBulk(fakeIp({}, calls2), many, 10_000, 1)).size).toBe(0);
      expect(calls2).toHaveLength(1);
    },
  );

  const asRoot = process.getuid?.() === 0; // the bulk read needs root (it enters namespaces); without it, every one is read alone
  it.skipIf(!asRoot)(
    'runs xargs of nsenter --net=PATH ip per namespace, in parallel chunks, and parses each',
    async () => {
      const calls: { argv: string[]; input: string }[] = [];
      const m = await readNamedInBulk(
        fakeIp(lines(), calls),
        [named('red', '1'), named('gone', '4'), named('blue', '2'), named('green', '3')],
        10_000,
        2,
      );
      for (const c of calls)
        expect(c.argv).toEqual([
          'xargs',
          '-0',
          '-t',
          '-I{}',
          'nsenter',
          '--net={}',
          '--',
          'ip',
          '-j',
          '-d',
          '-force',
          '-batch',
          expect.stringMatching(/content\.batch$/),
        ]);
      // two processes of two; "gone" (the first's last) is skipped
      expect(asked(calls)).toEqual([
        ['red', 'gone'],
        ['blue', 'green'],
      ]);
      expect(calls[0].input).toBe('/var/run/netns/red\0/var/run/netns/gone\0');
      expect([...m.keys()].sort()).toEqual(['1', '2', '3']);
      expect(m.get('1')!.links.map((l) => l.link.name)).toEqual(['lo', 'sit0', 've-r', 'ipv-l3']);
      expect(m.get('2')!.links.every((l) => l.link.nsId === '2')).toBe(true);
      expect(m.get('3')!.links.every((l) => l.link.nsId === '3')).toBe(true);
    },
  );
});
