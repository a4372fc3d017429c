import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNamespace } from '../../server/ip/parse';
import { resolveHost } from '../../server/host/resolve';
import type { Namespace } from '../../server/host/types';

const CAP = path.resolve(__dirname, '../fixtures/labvm-6.1');
const json = (f: string) => JSON.parse(readFileSync(path.join(CAP, f), 'utf8'));
const inodes = Object.fromEntries(
  readFileSync(path.join(CAP, 'netns-inodes.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ')),
);
const ns = (label: string, source: Namespace['source'], name: string | null): Namespace => ({
  id: inodes[label], name, root: label === 'root', source, pids: [], comms: [], label, path: null, error: null,
});
const namespaces = [ns('root', 'root', null), ns('red', 'named', 'red'), ns('blue', 'named', 'blue'), ns('green', 'named', 'green'), ns('unnamed', 'process', null)];

function loadAll() {
  const parsed = new Map();
  for (const n of namespaces) {
    const l = n.label;
    parsed.set(n.id, parseNamespace(n.id, {
      links: json(`${l}.link.json`),
      addrs: l === 'unnamed' ? [] : json(`${l}.addr.json`),
      routes: l === 'unnamed' ? [] : json(`${l}.route.json`),
      nsids: l === 'unnamed' ? [] : json(`${l}.netns-list-id.json`),
    }));
  }
  return resolveHost(namespaces, parsed);
}

describe('captured lab VM host', () => {
  const { links } = loadAll();
  const find = (label: string, name: string) => {
    const l = links.find((x) => x.nsId === inodes[label] && x.name === name);
    if (!l) throw new Error(`no ${name} in ${label}`);
    return l;
  };
  it.each([
    ['red', 'ipv-l3', 'ipvlan', 'root', 'eth1'],
    ['blue', 'mv-bridge', 'macvlan', 'root', 'eth0'],
    ['root', 'mv-pass', 'macvlan', 'root', 'd0'],
    ['root', 'vl20ad', 'vlan', 'root', 'eth1'],
    ['root', 'vx42', 'vxlan', 'root', 'eth1'],
  ])('%s/%s is a %s whose parent is %s/%s', (ns, name, kind, pns, pname) => {
    const l = find(ns, name);
    expect(l.kind).toBe(kind);
    expect(l.parentId).toBe(find(pns, pname).id);
  });
  it.each([
    ['root', 've-a', 'green', 've-b'],
    ['red', 've-r', 'green', 've-g'],
    ['green', 've-u', 'unnamed', 've-p'],
  ])('veth %s/%s pairs with %s/%s both ways', (a, an, b, bn) => {
    expect(find(a, an).peerId).toBe(find(b, bn).id);
    expect(find(b, bn).peerId).toBe(find(a, an).id);
  });
});
