// The captured lab VM host (test/fixtures/labvm-6.1) as a HostSnapshot, for the graph tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNamespace } from '../../server/ip/parse';
import { resolveHost } from '../../server/host/resolve';
import type { HostSnapshot, Link, Namespace } from '../../shared/host/types';

const CAP = path.resolve(import.meta.dirname, '../fixtures/labvm-6.1');
const json = (f: string) => JSON.parse(readFileSync(path.join(CAP, f), 'utf8'));

export const inodes: Record<string, string> = Object.fromEntries(
  readFileSync(path.join(CAP, 'netns-inodes.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ')),
);

const ns = (label: string, source: Namespace['source'], name: string | null): Namespace => ({
  id: inodes[label],
  name,
  root: label === 'root',
  source,
  pids: label === 'unnamed' ? [163] : [],
  comms: label === 'unnamed' ? ['sleep'] : [],
  label: label === 'unnamed' ? 'pid 163 (sleep)' : label,
  path: null,
  error: null,
  owner: null,
});

export function labSnapshot(): HostSnapshot {
  const namespaces = [
    ns('root', 'root', null),
    ns('red', 'named', 'red'),
    ns('blue', 'named', 'blue'),
    ns('green', 'named', 'green'),
    ns('unnamed', 'process', null),
  ];
  const parsed = new Map();
  for (const n of namespaces) {
    const l = n.id === inodes.unnamed ? 'unnamed' : n.label;
    parsed.set(
      n.id,
      parseNamespace(n.id, {
        links: json(`${l}.link.json`),
        addrs: l === 'unnamed' ? [] : json(`${l}.addr.json`),
        routes: l === 'unnamed' ? [] : json(`${l}.route.json`),
        nsids: l === 'unnamed' ? [] : json(`${l}.netns-list-id.json`),
      }),
    );
  }
  const { links } = resolveHost(namespaces, parsed);
  return {
    takenAt: '2025-01-01T00:00:00.000Z',
    hostname: 'labvm',
    root: true,
    hidden: [],
    namespaces,
    links,
    routes: namespaces.flatMap((n) => parsed.get(n.id).routes),
    warnings: [],
  };
}

/** the link named `name` in the namespace labelled `label` */
export function linkIn(snap: HostSnapshot, label: string, name: string): Link {
  const l = snap.links.find((x) => x.nsId === inodes[label] && x.name === name);
  if (!l) throw new Error(`no ${name} in ${label}`);
  return l;
}

/** n namespaces, each with a veth to the root and a macvlan on its end (the benchmark's host) */
export function bigHost(n: number): HostSnapshot {
  const root: Namespace = {
    id: '1',
    name: null,
    root: true,
    source: 'root',
    pids: [1],
    comms: ['init'],
    label: 'host',
    path: null,
    error: null,
    owner: null,
  };
  const namespaces = [root];
  const links: Link[] = [];
  const link = (nsId: string, ifindex: number, name: string, kind: string, extra: Partial<Link> = {}): Link => ({
    id: `${nsId}/${ifindex}`,
    nsId,
    ifindex,
    name,
    kind,
    mode: null,
    up: true,
    operstate: 'UP',
    flags: [],
    mtu: 1500,
    minMtu: 68,
    maxMtu: 65535,
    mac: null,
    linkType: 'ether',
    parentId: null,
    parentUnresolved: false,
    peerId: null,
    masterId: null,
    slaveKind: null,
    addresses: [],
    sriov: null,
    vf: null,
    promiscuity: 0,
    parentBus: null,
    parentDev: null,
    altnames: [],
    info: null,
    slaveInfo: null,
    network: null,
    ...extra,
  });
  links.push(link('1', 1, 'lo', 'loopback'), link('1', 2, 'eth0', 'physical'));
  for (let i = 0; i < n; i++) {
    const id = String(1000 + i);
    namespaces.push({
      ...root,
      id,
      root: false,
      source: 'named',
      name: `ns${i}`,
      label: `ns${i}`,
      pids: [],
      comms: [],
      path: `/run/netns/ns${i}`,
    });
    links.push(link(id, 1, 'lo', 'loopback'));
    links.push(link(id, 2, 'eth0', 'veth', { peerId: `1/${100 + i}` }));
    links.push(link(id, 3, 'mv0', 'macvlan', { parentId: `${id}/2`, mode: 'bridge' }));
    links.push(link('1', 100 + i, `veth${i}`, 'veth', { peerId: `${id}/2` }));
  }
  return { takenAt: '', hostname: 'big', root: true, hidden: [], namespaces, links, routes: [], warnings: [] };
}
