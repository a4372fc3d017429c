// Grouping namespaces on big hosts (components/graph/groups.ts): by owner, falling back to the name's
// prefix when owner is null; summaries; what a search opens.
import { describe, expect, it } from 'vitest';
import { groupKeyOf, groupNamespaces, groupsToOpen, GROUP_MIN, namePrefix } from '../../components/graph/groups';
import type { HostSnapshot, Link, Namespace, NamespaceOwner } from '../../shared/host/types';
import { bigHost } from './graph-fixture';

const base = bigHost(0);
const root = base.namespaces[0];
const link = (nsId: string, ifindex: number, name: string, kind: string, extra: Partial<Link> = {}): Link => ({
  ...base.links[1],
  id: `${nsId}/${ifindex}`,
  nsId,
  ifindex,
  name,
  kind,
  ...extra,
});
const nsOf = (id: string, name: string | null, owner: NamespaceOwner | null = null): Namespace => ({
  ...root,
  id,
  root: false,
  source: name ? 'named' : 'process',
  name,
  label: name ?? id,
  pids: [],
  comms: name ? [] : ['sleep'],
  path: null,
  owner,
});
const pod = (ns: string): NamespaceOwner => ({ runtime: 'kubernetes', kind: 'pod', id: 'p', name: 'p', namespace: ns });
const container = (net: string): NamespaceOwner => ({
  runtime: 'docker',
  kind: 'container',
  id: 'c',
  name: 'c',
  networks: [{ name: net, driver: 'bridge', ips: [] }],
});

/** pods in `default` whose veths end on cni0 in the root (every fourth one down), containers on `web`, a plain lab */
function host(): HostSnapshot {
  const namespaces: Namespace[] = [root];
  const links: Link[] = [...base.links, link('1', 9, 'cni0', 'bridge')];
  for (let i = 0; i < 8; i++) {
    const id = `p${i}`;
    namespaces.push(nsOf(id, `cni-${i}abc`, pod('default')));
    links.push(link(id, 1, 'lo', 'loopback'), link(id, 2, 'eth0', 'veth', { peerId: `1/${100 + i}`, up: i % 4 !== 0 }));
    links.push(link('1', 100 + i, `veth${i}`, 'veth', { peerId: `${id}/2`, masterId: '1/9' }));
  }
  for (let i = 0; i < 4; i++) namespaces.push(nsOf(`c${i}`, null, container('web')));
  for (let i = 0; i < 5; i++) namespaces.push(nsOf(`l${i}`, `lab-${i}`));
  namespaces.push(nsOf('x', 'lonely'));
  return { ...base, namespaces, links };
}

describe('graph groups', () => {
  it('the prefix drops a trailing number', () => {
    expect(namePrefix('lab-17')).toBe('lab-');
    expect(namePrefix('ns3')).toBe('ns');
    expect(namePrefix('blue')).toBe('blue');
    expect(namePrefix('42')).toBe('42');
  });

  it('pods by Kubernetes namespace, containers by network, the rest by prefix; the host in none', () => {
    const h = host();
    const key = (id: string) => groupKeyOf(h.namespaces.find((n) => n.id === id)!)?.key ?? null;
    expect(key('1')).toBeNull();
    expect(key('p0')).toBe('pods:default');
    expect(key('c0')).toBe('net:docker:web');
    expect(key('l3')).toBe('prefix:lab-');
    expect(groupKeyOf(nsOf('u', null))?.key).toBe('process:sleep');
  });

  it('below the threshold nothing is grouped', () => {
    expect(groupNamespaces(host(), 100).groups).toEqual([]);
  });

  it('past it: groups of at least GROUP_MIN, each with its summary', () => {
    const g = groupNamespaces(host(), 5);
    expect(GROUP_MIN).toBe(3);
    expect(g.groups.map((x) => [x.key, x.members.length, x.summary])).toEqual([
      ['pods:default', 8, '8 pods in default on cni0 · 2 down'],
      ['net:docker:web', 4, '4 containers on web'],
      ['prefix:lab-', 5, '5 namespaces lab-*'],
    ]);
    expect(g.groupOf.get('p3')).toBe('pods:default');
    expect(g.groupOf.has('x')).toBe(false); // alone in its group: drawn as it is
    expect(g.groupOf.has('1')).toBe(false);
  });

  it('a search opens the groups its matches are in', () => {
    const g = groupNamespaces(host(), 5);
    expect(groupsToOpen(g, ['l2', 'x', 'p1', 'p5'])).toEqual(['prefix:lab-', 'pods:default']);
  });
});
