// The captured lab VM host (test/fixtures/labvm-6.1) as a HostSnapshot, for the graph tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNamespace } from '../../server/ip/parse';
import { resolveHost } from '../../server/host/resolve';
import type { HostSnapshot, Link, Namespace } from '../../server/host/types';

const CAP = path.resolve(import.meta.dirname, '../fixtures/labvm-6.1');
const json = (f: string) => JSON.parse(readFileSync(path.join(CAP, f), 'utf8'));

export const inodes: Record<string, string> = Object.fromEntries(
  readFileSync(path.join(CAP, 'netns-inodes.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ')),
);

const ns = (label: string, source: Namespace['source'], name: string | null): Namespace => ({
  id: inodes[label], name, root: label === 'root', source, pids: label === 'unnamed' ? [163] : [], comms: label === 'unnamed' ? ['sleep'] : [],
  label: label === 'unnamed' ? 'pid 163 (sleep)' : label, path: null, error: null,
});

export function labSnapshot(): HostSnapshot {
  const namespaces = [ns('root', 'root', null), ns('red', 'named', 'red'), ns('blue', 'named', 'blue'), ns('green', 'named', 'green'), ns('unnamed', 'process', null)];
  const parsed = new Map();
  for (const n of namespaces) {
    const l = n.id === inodes.unnamed ? 'unnamed' : n.label;
    parsed.set(n.id, parseNamespace(n.id, {
      links: json(`${l}.link.json`),
      addrs: l === 'unnamed' ? [] : json(`${l}.addr.json`),
      routes: l === 'unnamed' ? [] : json(`${l}.route.json`),
      nsids: l === 'unnamed' ? [] : json(`${l}.netns-list-id.json`),
    }));
  }
  const { links } = resolveHost(namespaces, parsed);
  return {
    takenAt: '2025-01-01T00:00:00.000Z', hostname: 'labvm', root: true, hidden: [], namespaces, links,
    routes: namespaces.flatMap((n) => parsed.get(n.id).routes), warnings: [],
  };
}

/** the link named `name` in the namespace labelled `label` */
export function linkIn(snap: HostSnapshot, label: string, name: string): Link {
  const l = snap.links.find((x) => x.nsId === inodes[label] && x.name === name);
  if (!l) throw new Error(`no ${name} in ${label}`);
  return l;
}
