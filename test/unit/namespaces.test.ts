// Namespace discovery against this machine's /proc with throwaway named/docker directories
// (no namespaces are created here: that is the kernel tier's job), and labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverNamespaces, labelOf } from '../../server/host/namespaces';
import { ipArgvIn, readArgvIn } from '../../server/host/read';
import { BULK_MIN, readNamedInBulk, splitAllNetns, worthBulk } from '../../server/host/bulk';
import type { Runner } from '../../server/ip/run';
import { CommandError } from '../../server/ip/run';
import { captureRaw } from '../fixtures/captures';
import type { Namespace } from '../../server/host/types';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'linkscape-ns-'));
  mkdirSync(path.join(tmp, 'netns'));
  // what a crashed `ip netns add` leaves: a plain file on tmpfs, not a mounted namespace
  writeFileSync(path.join(tmp, 'netns', 'stale'), '');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const selfIno = () => /net:\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'))![1];

describe('discoverNamespaces', () => {
  it('the server\'s own namespace is the root, first, labelled host, with this process among its holders', async () => {
    const d = await discoverNamespaces({ proc: '/proc', named: path.join(tmp, 'netns'), docker: path.join(tmp, 'missing') });
    const root = d.namespaces[0];
    expect(root).toMatchObject({ id: selfIno(), root: true, source: 'root', name: null, label: 'host', path: null, error: null });
    expect(d.namespaces.filter((n) => n.root)).toHaveLength(1);
    expect(root.pids.length).toBeGreaterThan(0);
  });
  it('a stale entry under the named dir is not a namespace, and says so', async () => {
    const d = await discoverNamespaces({ proc: '/proc', named: path.join(tmp, 'netns'), docker: path.join(tmp, 'missing') });
    expect(d.namespaces.some((n) => n.name === 'stale')).toBe(false);
    expect(d.hidden).toContain(`${path.join(tmp, 'netns', 'stale')} is not a mounted namespace (stale entry)`);
  });
  it('missing directories are simply empty', async () => {
    const d = await discoverNamespaces({ proc: '/proc', named: path.join(tmp, 'nope'), docker: path.join(tmp, 'nope2') });
    expect(d.namespaces.every((n) => n.source === 'root' || n.source === 'process' || n.source === 'named')).toBe(true);
    expect(d.hidden.some((h) => h.includes('nope'))).toBe(false);
  });
  it('ids are unique inodes and every process-held namespace has a way in through /proc', async () => {
    const d = await discoverNamespaces({ proc: '/proc', named: path.join(tmp, 'nope'), docker: path.join(tmp, 'nope2') });
    const ids = d.namespaces.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const n of d.namespaces.filter((x) => x.source === 'process')) {
      expect(n.path).toBe(`/proc/${n.pids[0]}/ns/net`);
      expect(n.pids).toEqual([...n.pids].sort((a, b) => a - b));
      expect(n.label).toMatch(/^pid \d+ \(.+\)$/);
    }
  });
  it('an unreadable /proc is said plainly', async () => {
    await expect(discoverNamespaces({ proc: path.join(tmp, 'noproc'), named: tmp, docker: tmp })).rejects.toThrow();
  });
});

describe('labelOf', () => {
  const base: Namespace = { id: '4026532000', name: null, root: false, source: 'process', pids: [], comms: [], label: '', path: null, error: null };
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

describe('entering a namespace to read it', () => {
  const args = ['-j', 'link', 'show'];
  it.each([
    [{ root: true, source: 'root', name: null, path: null }, ['ip', ...args]],
    [{ root: true, source: 'root', name: 'host', path: null }, ['ip', ...args]],
    // named under /var/run/netns: `ip -n`, one exec instead of nsenter's two
    [{ root: false, source: 'named', name: 'blue', path: '/var/run/netns/blue' }, ['ip', '-n', 'blue', ...args]],
    // named elsewhere (LINKSCAPE_NETNS_DIR), docker's, a process's: nsenter with the path
    [{ root: false, source: 'named', name: 'blue', path: '/tmp/netns/blue' }, ['nsenter', '--net=/tmp/netns/blue', '--', 'ip', ...args]],
    [{ root: false, source: 'docker', name: 'abc', path: '/var/run/docker/netns/abc' }, ['nsenter', '--net=/var/run/docker/netns/abc', '--', 'ip', ...args]],
    [{ root: false, source: 'process', name: null, path: '/proc/163/ns/net' }, ['nsenter', '--net=/proc/163/ns/net', '--', 'ip', ...args]],
  ] as [Pick<Namespace, 'root' | 'source' | 'name' | 'path'>, string[]][])('%j', (ns, argv) => {
    expect(readArgvIn(ns, args)).toEqual(argv);
  });
  it('ipArgvIn (used for edits) always enters by path', () => {
    expect(ipArgvIn({ root: false, path: '/var/run/netns/blue' }, args)).toEqual(['nsenter', '--net=/var/run/netns/blue', '--', 'ip', ...args]);
  });
});

describe('bulk read of named namespaces (ip -all netns exec)', () => {
  const docs = (label: 'red' | 'blue' | 'green') => {
    const r = captureRaw(label);
    return [r.links, r.addrs, r.routes, r.nsids].map((d) => JSON.stringify(d)).join('\n');
  };
  const named = (name: string, id: string): Namespace => ({
    id, name, root: false, source: 'named', pids: [], comms: [], label: name, path: `/var/run/netns/${name}`, error: null,
  });
  it('splits on the "netns: NAME" headers ip prints before each namespace', () => {
    const out = `\nnetns: red\n${docs('red')}\n\nnetns: blue\n${docs('blue')}\n\nnetns: odd name\n[]\n`;
    const m = splitAllNetns(out);
    expect([...m.keys()]).toEqual(['red', 'blue', 'odd name']);
    expect(m.get('red')!.trim()).toBe(docs('red'));
    expect(splitAllNetns('')).toEqual(new Map());
  });
  const asRoot = process.getuid?.() === 0; // the bulk read needs root (it enters namespaces); without it, every one is read alone
  it.skipIf(!asRoot)('parses each wanted namespace, skips the ones it was not asked for, and leaves out what failed', async () => {
    const calls: string[][] = [];
    const run: Runner = async (argv) => {
      calls.push(argv);
      // green could not be entered (nothing printed for it); "other" was not asked for
      return { argv, exitCode: 0, stderr: '', stdout: `\nnetns: red\n${docs('red')}\n\nnetns: green\n\nnetns: other\n${docs('blue')}\n\nnetns: blue\n${docs('blue')}\n` };
    };
    const m = await readNamedInBulk(run, [named('red', '1'), named('blue', '2'), named('green', '3')]);
    expect(calls).toHaveLength(1);
    expect(calls[0].slice(0, 10)).toEqual(['ip', '-all', 'netns', 'exec', 'ip', '-j', '-d', '-force', '-batch', expect.stringMatching(/namespace\.batch$/)]);
    expect([...m.keys()].sort()).toEqual(['1', '2']);
    expect(m.get('1')!.links.map((l) => l.link.name)).toEqual(['lo', 'sit0', 've-r', 'ipv-l3']);
    expect(m.get('2')!.links.every((l) => l.link.nsId === '2')).toBe(true);
  });
  it.skipIf(!asRoot)('a timeout keeps the namespaces read completely and drops the cut-off one', async () => {
    const run: Runner = async (argv) => {
      throw new CommandError(argv, '', `\nnetns: red\n${docs('red')}\n\nnetns: blue\n${docs('blue').slice(0, 100)}`, null, true);
    };
    const m = await readNamedInBulk(run, [named('red', '1'), named('blue', '2')]);
    expect([...m.keys()]).toEqual(['1']);
  });
  it('is used only for enough namespaces, and most of the directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linkscape-bulk-'));
    try {
      for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `n${i}`), '');
      expect(worthBulk(BULK_MIN - 1, dir)).toBe(false);
      expect(worthBulk(BULK_MIN, dir)).toBe(false); // 8 of 20
      expect(worthBulk(10, dir)).toBe(true);
      expect(worthBulk(20, path.join(dir, 'missing'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
