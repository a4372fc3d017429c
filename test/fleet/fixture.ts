// A fleet of recorded hosts: the captured lab VM (test/fixtures/labvm-6.1, read by `ip -j` on a real VM) renumbered
// per node — its eth1 address 10.0.3.1 becomes node i's, its vxlan vx42's remote the next node's — plus what a
// flannel host-gw node has: a route to every other node's pod subnet via that node's address, and one pod.
import type { HostSnapshot, Route } from '../../shared/host/types';
import type { FdbEntry } from '../../shared/fleet/types';
import { labSnapshot } from '../unit/graph-fixture';

export const nodeIp = (i: number) => `10.0.${3 + Math.floor(i / 250)}.${(i % 250) + 1}`;
export const podSubnet = (i: number) => `10.244.${i}.0/24`;
export const nodeName = (i: number) => `node-${i}`;
const hex = (n: number) => n.toString(16).padStart(2, '0');

export function nodeSnapshot(i: number, n: number): HostSnapshot {
  let text = JSON.stringify(labSnapshot());
  // the capture's own addresses → this node's (the remote first, so the two do not collide)
  text = text
    .replace(/"10\.0\.3\.2"/g, '"@REMOTE@"')
    .replace(/10\.0\.3\.1(?![0-9])/g, nodeIp(i))
    .replace(/"@REMOTE@"/g, `"${nodeIp((i + 1) % n)}"`);
  text = text.replace(/52:54:00:12:34:57/g, `52:54:00:aa:${hex(i >> 8)}:${hex(i & 255)}`);
  const s = JSON.parse(text) as HostSnapshot;
  s.hostname = nodeName(i);
  const root = s.namespaces.find((ns) => ns.root)!;
  const blue = s.namespaces.find((ns) => ns.label === 'blue')!;
  blue.owner = { runtime: 'kubernetes', kind: 'pod', id: `uid-${i}`, name: `web-${i}`, namespace: 'default' };
  const extra: Route[] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    extra.push({
      nsId: root.id,
      table: 'main',
      type: 'unicast',
      family: 'inet',
      dst: podSubnet(j),
      gateway: nodeIp(j),
      devId: null,
      dev: 'eth1',
      protocol: 'boot',
      scope: 'global',
      metric: null,
      prefsrc: null,
      flags: [],
      nexthops: [],
    });
  }
  s.routes = [...s.routes, ...extra];
  return s;
}

/** flannel's vxlan FDB: one entry per other node (its VTEP MAC → its address) on vx42 */
export function nodeFdb(s: HostSnapshot, i: number, n: number): FdbEntry[] {
  const vx = s.links.find((l) => l.kind === 'vxlan')!;
  return Array.from({ length: n }, (_, j) => j)
    .filter((j) => j !== i)
    .map((j) => ({
      linkId: vx.id,
      dev: vx.name,
      mac: `0a:58:0a:f4:${hex(j >> 8)}:${hex(j & 255)}`,
      dst: nodeIp(j),
      vni: null,
    }));
}
