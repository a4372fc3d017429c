// Pure: the seed's walkthroughs as recipes — a few parameters with defaults → draft items of edits
// (each item one step of the walkthrough, removable on its own). Imports only the schema's types, so
// the page uses it; the server checks and plans the edits like any others.
import type { Edit } from './schema';

export interface RecipeParam {
  key: string;
  label: string;
  default: string;
  hint?: string;
  /** how the form offers it: a parent link (in the host namespace), a namespace, or free text */
  kind?: 'text' | 'parent' | 'namespace';
}

export interface RecipeItem {
  title: string;
  edits: Edit[];
}

export interface Recipe {
  id: RecipeId;
  title: string;
  summary: string;
  params: RecipeParam[];
  /** what to ping to check it, from where (shown after it is applied) */
  check: (p: Record<string, string>) => { ns: string; target: string } | null;
  build: (p: Record<string, string>) => RecipeItem[];
}

export const RECIPE_IDS = ['ipvlan-l3', 'ipvlan-l2', 'macvlan-bridge', 'veth-bridge', 'vxlan', 'sriov-vf'] as const;
export type RecipeId = (typeof RECIPE_IDS)[number];

const ipOf = (cidr: string) => cidr.split('/')[0];
const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);
/** '' (or "host") = the host namespace: the edit leaves `ns` out */
const nsOpt = (ns: string) => (ns && ns !== 'host' ? { ns } : {});

const twoNamespaces = (mode: 'l2' | 'l3' | 'bridge', prefix: string, a: string, b: string): RecipeParam[] => [
  { key: 'parent', label: 'parent NIC (host namespace)', default: 'eth0', kind: 'parent' },
  { key: 'ns1', label: 'first namespace', default: 'net1', hint: 'made new' },
  { key: 'ns2', label: 'second namespace', default: 'net2', hint: 'made new' },
  { key: 'name1', label: 'first link', default: `${prefix}1` },
  { key: 'name2', label: 'second link', default: `${prefix}2` },
  { key: 'addr1', label: 'first address', default: a },
  {
    key: 'addr2',
    label: 'second address',
    default: b,
    hint: mode === 'l3' ? 'another subnet: L3 routes between them' : 'the same subnet',
  },
];

function pairOnParent(p: Record<string, string>, kind: 'ipvlan' | 'macvlan', mode: string): RecipeItem[] {
  const items: RecipeItem[] = [
    {
      title: `namespaces ${p.ns1} and ${p.ns2}`,
      edits: [
        { op: 'netns.add', name: p.ns1 },
        { op: 'netns.add', name: p.ns2 },
      ],
    },
  ];
  for (const [ns, name, addr] of [
    [p.ns1, p.name1, p.addr1],
    [p.ns2, p.name2, p.addr2],
  ]) {
    const link = (
      kind === 'ipvlan'
        ? { op: 'link.add', kind: 'ipvlan', name, parent: p.parent, mode, netns: ns, addresses: [addr], up: true }
        : { op: 'link.add', kind: 'macvlan', name, parent: p.parent, mode, netns: ns, addresses: [addr], up: true }
    ) as Edit;
    items.push({ title: `${kind} ${mode} ${name} on ${p.parent} into ${ns} (${addr})`, edits: [link] });
  }
  return items;
}

export const RECIPES: Record<RecipeId, Recipe> = {
  'ipvlan-l3': {
    id: 'ipvlan-l3',
    title: 'ipvlan L3 between two namespaces',
    summary:
      'Two namespaces, each with an L3 ipvlan child of one NIC in its own subnet, and a default route through it: the parent routes between the subnets.',
    params: twoNamespaces('l3', 'ipvl', '10.10.1.10/24', '10.10.2.10/24'),
    check: (p) => ({ ns: p.ns1, target: ipOf(p.addr2) }),
    build: (p) => [
      ...pairOnParent(p, 'ipvlan', 'l3'),
      {
        title: `default routes in ${p.ns1} and ${p.ns2} through their ipvlans`,
        edits: [
          { op: 'route.add', ns: p.ns1, dst: 'default', dev: p.name1 },
          { op: 'route.add', ns: p.ns2, dst: 'default', dev: p.name2 },
        ],
      },
    ],
  },
  'ipvlan-l2': {
    id: 'ipvlan-l2',
    title: 'ipvlan L2 between two namespaces',
    summary: 'Two namespaces, each with an L2 ipvlan child of one NIC (sharing its MAC), in one subnet.',
    params: twoNamespaces('l2', 'ipvl', '10.10.3.10/24', '10.10.3.11/24'),
    check: (p) => ({ ns: p.ns1, target: ipOf(p.addr2) }),
    build: (p) => pairOnParent(p, 'ipvlan', 'l2'),
  },
  'macvlan-bridge': {
    id: 'macvlan-bridge',
    title: 'macvlan bridge between two namespaces',
    summary:
      'Two namespaces, each with a macvlan child of one NIC in bridge mode (own MACs): they talk to each other directly through the parent.',
    params: twoNamespaces('bridge', 'mvl', '10.10.4.10/24', '10.10.4.11/24'),
    check: (p) => ({ ns: p.ns1, target: ipOf(p.addr2) }),
    build: (p) => pairOnParent(p, 'macvlan', 'bridge'),
  },
  'veth-bridge': {
    id: 'veth-bridge',
    title: 'veth + bridge pods (Docker-style)',
    summary:
      'A bridge with the gateway address; each pod a namespace whose eth0 is a veth peer of a bridge port, with a default route via the gateway.',
    params: [
      {
        key: 'bridgeNs',
        label: 'bridge namespace',
        default: '',
        hint: 'empty: the host, as Docker does',
        kind: 'namespace',
      },
      { key: 'bridge', label: 'bridge', default: 'lsbr0' },
      { key: 'gateway', label: 'gateway address', default: '172.30.0.1/24' },
      { key: 'pods', label: 'pod namespaces', default: 'pod1 pod2', hint: 'made new; space separated' },
      { key: 'addrs', label: 'pod addresses', default: '172.30.0.2/24 172.30.0.3/24', hint: 'one per pod, in order' },
    ],
    check: (p) => {
      const pods = words(p.pods);
      const addrs = words(p.addrs);
      return pods.length > 1 && addrs.length > 1 ? { ns: pods[0], target: ipOf(addrs[1]) } : null;
    },
    build: (p) => {
      const pods = words(p.pods);
      const addrs = words(p.addrs);
      const at = nsOpt(p.bridgeNs);
      const items: RecipeItem[] = [
        {
          title: `bridge ${p.bridge} (${p.gateway})`,
          edits: [{ op: 'link.add', kind: 'bridge', name: p.bridge, ...at, addresses: [p.gateway], up: true }],
        },
      ];
      pods.forEach((pod, i) => {
        const port = `veth${i + 1}-${pod}`.slice(0, 15); // unique even when long pod names are cut
        const addr = addrs[i] ?? '';
        items.push({
          title: `pod ${pod}: eth0 ${addr} ↔ ${port} on ${p.bridge}`,
          edits: [
            { op: 'netns.add', name: pod },
            {
              op: 'link.add',
              kind: 'veth',
              name: port,
              ...at,
              up: true,
              peer: { name: 'eth0', netns: pod, addresses: addr ? [addr] : [], up: true },
            },
            { op: 'link.set', ...at, dev: port, master: p.bridge },
            { op: 'route.add', ns: pod, dst: 'default', via: ipOf(p.gateway), dev: 'eth0' },
          ],
        });
      });
      return items;
    },
  },
  vxlan: {
    id: 'vxlan',
    title: 'vxlan between hosts (flannel-style)',
    summary:
      'A vxlan device on the underlay NIC to the other host (UDP 8472, as flannel), an overlay address, and a route to the other host’s pod subnet. Run it on each host with the addresses swapped.',
    params: [
      { key: 'ns', label: 'namespace of the underlay', default: '', hint: 'empty: the host', kind: 'namespace' },
      { key: 'dev', label: 'underlay NIC', default: 'eth0', kind: 'parent' },
      { key: 'name', label: 'vxlan device', default: 'flannel.1' },
      { key: 'vni', label: 'VNI', default: '1' },
      { key: 'local', label: 'this host’s underlay address', default: '192.168.50.1' },
      { key: 'remote', label: 'the other host’s underlay address', default: '192.168.50.2' },
      { key: 'overlay', label: 'overlay address here', default: '10.244.0.1/24' },
      {
        key: 'remoteSubnet',
        label: 'the other host’s pod subnet',
        default: '10.244.1.0/24',
        hint: 'routed via the other host’s overlay address; empty: no route',
      },
      { key: 'remoteOverlay', label: 'the other host’s overlay address', default: '10.244.0.2' },
    ],
    check: (p) => ({ ns: p.ns || 'host', target: p.remoteOverlay }),
    build: (p) => {
      const at = nsOpt(p.ns);
      const items: RecipeItem[] = [
        {
          title: `vxlan ${p.name} vni ${p.vni} to ${p.remote} (${p.overlay})`,
          edits: [
            {
              op: 'link.add',
              kind: 'vxlan',
              name: p.name,
              ...at,
              vni: Number(p.vni),
              local: p.local,
              remote: p.remote,
              dev: p.dev,
              dstport: 8472,
              addresses: [p.overlay],
              up: true,
            },
          ],
        },
      ];
      if (p.remoteSubnet)
        items.push({
          title: `route ${p.remoteSubnet} via ${p.remoteOverlay}`,
          edits: [{ op: 'route.add', ...at, dst: p.remoteSubnet, via: p.remoteOverlay, dev: p.name }],
        });
      return items;
    },
  },
  'sriov-vf': {
    id: 'sriov-vf',
    title: 'an SR-IOV VF into a namespace',
    summary:
      'Give a VF a MAC (and optionally a VLAN) on its PF, move its netdev into a new namespace, address it and bring it up.',
    params: [
      { key: 'pf', label: 'PF', default: '', kind: 'parent' },
      { key: 'vf', label: 'VF index', default: '0' },
      { key: 'vfDev', label: 'the VF’s netdev', default: '', hint: 'as the host names it now' },
      { key: 'mac', label: 'VF MAC', default: '02:00:00:00:10:01' },
      { key: 'vlan', label: 'VLAN (0 = none)', default: '0' },
      { key: 'ns', label: 'namespace', default: 'vfns1', hint: 'made new' },
      { key: 'addr', label: 'address', default: '10.0.5.10/24' },
    ],
    check: () => null,
    build: (p) => [
      { title: `namespace ${p.ns}`, edits: [{ op: 'netns.add', name: p.ns }] },
      {
        title: `VF ${p.vf} of ${p.pf}: MAC ${p.mac}${Number(p.vlan) ? `, VLAN ${p.vlan}` : ''}`,
        edits: [
          {
            op: 'sriov.vf',
            dev: p.pf,
            vf: Number(p.vf),
            mac: p.mac,
            ...(Number(p.vlan) ? { vlan: { id: Number(p.vlan) } } : {}),
          },
        ],
      },
      {
        title: `${p.vfDev} into ${p.ns} (${p.addr})`,
        edits: [
          { op: 'link.set', dev: p.vfDev, netns: p.ns },
          { op: 'addr.add', ns: p.ns, dev: p.vfDev, cidr: p.addr },
          { op: 'link.set', ns: p.ns, dev: p.vfDev, up: true },
        ],
      },
    ],
  },
};

export function recipeDefaults(r: Recipe): Record<string, string> {
  return Object.fromEntries(r.params.map((p) => [p.key, p.default]));
}
