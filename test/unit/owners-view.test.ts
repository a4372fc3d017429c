// Unit: the page's side of owners — search by container, pod, Kubernetes namespace, image, network;
// the Networks view's rows (runtime networks with members and devices); the graph's labels.
import { describe, expect, it } from 'vitest';
import { labSnapshot, linkIn, inodes } from './graph-fixture';
import { linkMatches, namespaceMatches } from '../../components/graph/search';
import { networkRows } from '../../components/table/networks';
import { buildGraph, DEFAULT_VIEW, nsNodeId } from '../../components/graph/model';
import type { HostSnapshot } from '../../shared/host/types';
import { nsChoices } from '../../components/edit/forms/choices';
import { linkMoveForm } from '../../components/edit/forms/linkSet';
import { indexHost } from '../../components/host/lookup';

/** the lab's red namespace owned by a pod, blue by a Docker container; their devices in networks */
function owned(): HostSnapshot {
  const s = structuredClone(labSnapshot());
  const red = s.namespaces.find((n) => n.id === inodes.red)!;
  red.owner = {
    runtime: 'kubernetes',
    kind: 'pod',
    id: '0f6f1b8e-5d3c-4c9a-9a54-6b1d2e3f4a5b',
    name: 'cart-7d9f8-x2x',
    namespace: 'shop',
    containers: [{ id: 'a'.repeat(64), name: 'aaaaaaaaaaaa' }],
    networks: [{ name: 'cbr0', driver: 'bridge', ips: ['10.244.1.5/24'] }],
  };
  red.label = 'shop/cart-7d9f8-x2x · pod';
  const blue = s.namespaces.find((n) => n.id === inodes.blue)!;
  blue.owner = {
    runtime: 'docker',
    kind: 'container',
    id: 'b'.repeat(64),
    name: 'legacy-app',
    image: 'nginx:1.27',
    state: 'running',
    networks: [{ name: 'macnet', id: 'n'.repeat(64), driver: 'macvlan', ips: ['192.168.163.10/24'] }],
  };
  blue.label = 'legacy-app · docker';
  const bl = s.links.filter((l) => l.nsId === inodes.blue && l.kind !== 'loopback')[0];
  bl.network = {
    runtime: 'docker',
    name: 'macnet',
    id: 'n'.repeat(64),
    driver: 'macvlan',
    subnets: ['192.168.163.0/24'],
  };
  return s;
}

describe('search by owner', () => {
  const s = owned();
  const red = s.namespaces.find((n) => n.id === inodes.red)!;
  const blue = s.namespaces.find((n) => n.id === inodes.blue)!;
  it.each([
    ['cart-7d9f8', red],
    ['shop/cart', red],
    ['shop', red],
    ['cbr0', red],
    ['10.244.1.5', red],
    ['legacy-app', blue],
    ['nginx:1.27', blue],
    ['macnet', blue],
    ['bbbbbbbb', blue],
    ['docker legacy', blue],
  ])('"%s" finds its namespace', (q, ns) => {
    expect(namespaceMatches(q, ns)).toBe(true);
    expect(s.namespaces.filter((n) => namespaceMatches(q, n)).map((n) => n.id)).toEqual([ns.id]);
  });
  it('a device is found by the network it is in', () => {
    const l = s.links.find((x) => x.network)!;
    expect(linkMatches('macnet', l, undefined)).toBe(true);
    expect(linkMatches('macnet', linkIn(s, 'root', 'lo'), undefined)).toBe(false);
  });
  it('the graph highlights the pod found by its name', () => {
    const m = buildGraph(s, { ...DEFAULT_VIEW, search: 'cart-7d9f8' });
    expect(m.matches).toContain(nsNodeId(red.id));
  });
});

describe('networkRows', () => {
  it('lists each runtime network once with its members (and their IPs) and devices', () => {
    const rows = networkRows(owned());
    expect(rows.map((r) => [r.runtime, r.name, r.driver])).toEqual([
      ['docker', 'macnet', 'macvlan'],
      ['kubernetes', 'cbr0', 'bridge'],
    ]);
    const macnet = rows[0];
    expect(macnet.members.map((m) => [m.ns.label, m.ips])).toEqual([['legacy-app · docker', ['192.168.163.10/24']]]);
    expect(macnet.devices.map((l) => l.nsId)).toEqual([inodes.blue]);
    expect(macnet.subnets).toEqual(['192.168.163.0/24']);
    expect(macnet.id).toBe('n'.repeat(64));
  });
  it('a search keeps the networks it matches, by name or by member', () => {
    expect(networkRows(owned(), 'cart').map((r) => r.name)).toEqual(['cbr0']);
    expect(networkRows(owned(), 'macvlan').map((r) => r.name)).toEqual(['macnet']);
    expect(networkRows(owned(), 'nothing-like-this')).toEqual([]);
  });
  it('a host without runtimes has none', () => {
    expect(networkRows(labSnapshot())).toEqual([]);
  });
});

describe('edit forms take a container or pod as the target namespace', () => {
  it('offers them by name, and "move into legacy-app" names its namespace', () => {
    const snapshot = owned();
    const host = { snapshot, ix: indexHost(snapshot), caps: null };
    const choices = nsChoices(host);
    expect(choices.find((c) => c.value === inodes.blue)?.label).toBe('legacy-app · docker');
    expect(choices.find((c) => c.value === inodes.red)?.label).toBe('shop/cart-7d9f8-x2x · pod');
    const form = linkMoveForm(linkIn(snapshot, 'root', 'lo'), host);
    const edits = form.toEdits({ netns: choices.find((c) => c.label === 'legacy-app · docker')!.value }, host);
    expect(edits).toEqual([expect.objectContaining({ op: 'link.set', netns: inodes.blue })]);
  });
});
