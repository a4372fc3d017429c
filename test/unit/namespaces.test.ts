// Namespace discovery against this machine's /proc with throwaway named/docker directories
// (no namespaces are created here: that is the kernel tier's job), and labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverNamespaces, labelOf } from '../../server/host/namespaces';
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
