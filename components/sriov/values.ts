// Pure: the SR-IOV forms' text ↔ edits. A VF form starts from what the kernel reports for the VF and
// sends only what the user changed, as typed (the server's validation names what is wrong).
import type { Edit } from '@/shared/edits/schema';
import type { Link, VfInfo } from '@/shared/host/types';
import { num, opt } from '../edit/values';

/** a NIC (a device on a bus) that is neither a PF nor a VF: its panel says it reports no SR-IOV */
export function reportsNoSriov(l: Pick<Link, 'sriov' | 'vf' | 'kind' | 'parentBus'>): boolean {
  return l.sriov === null && l.vf === null && (l.kind === 'physical' || l.parentBus !== null) && l.kind !== 'loopback';
}

/** '' = the driver does not report it (leave as is) */
export type Toggle = '' | 'on' | 'off';

export interface VfValues {
  mac: string;
  /** '' or 0 = no VLAN */
  vlanId: string;
  qos: string;
  proto: '802.1Q' | '802.1ad';
  maxTxRate: string;
  minTxRate: string;
  spoofchk: Toggle;
  trust: Toggle;
  state: '' | 'auto' | 'enable' | 'disable';
  queryRss: Toggle;
}

export type VfChange = Omit<Extract<Edit, { op: 'sriov.vf' }>, 'op' | 'ns' | 'dev' | 'vf'>;

const toggle = (b: boolean | null): Toggle => (b === null ? '' : b ? 'on' : 'off');
const rateText = (r: number | null) => (r === null ? '' : String(r));

export function vfInitial(vf: VfInfo): VfValues {
  const v = vf.vlans[0];
  return {
    mac: vf.mac ?? '',
    vlanId: v ? String(v.vlan) : '0',
    qos: v ? String(v.qos) : '0',
    proto: v?.protocol === '802.1ad' ? '802.1ad' : '802.1Q',
    maxTxRate: rateText(vf.maxTxRate),
    minTxRate: rateText(vf.minTxRate),
    spoofchk: toggle(vf.spoofchk),
    trust: toggle(vf.trust),
    state: vf.linkState === 'auto' || vf.linkState === 'enable' || vf.linkState === 'disable' ? vf.linkState : '',
    queryRss: toggle(vf.queryRss),
  };
}

/** Only what differs from the VF as the kernel reports it now. */
export function vfChange(now: VfInfo, v: VfValues): VfChange {
  const out: VfChange = {};
  const mac = opt(v.mac);
  if (mac !== undefined && mac.toLowerCase() !== (now.mac ?? '').toLowerCase()) out.mac = mac;

  const cur = now.vlans[0];
  const id = num(v.vlanId) ?? 0;
  const qos = num(v.qos) ?? 0;
  const curId = cur?.vlan ?? 0;
  if (id === 0 || id === '0') {
    if (curId !== 0) out.vlan = { id: 0 };
  } else if (id !== curId || qos !== (cur?.qos ?? 0) || v.proto !== (cur?.protocol ?? '802.1Q')) {
    // as typed: a non-number goes to the server, which names the field
    out.vlan = { id, qos, proto: v.proto } as VfChange['vlan'];
  }

  const max = num(v.maxTxRate);
  const min = num(v.minTxRate);
  if (max !== undefined && max !== now.maxTxRate) out.maxTxRate = max as number;
  if (min !== undefined && min !== now.minTxRate) out.minTxRate = min as number;

  const flag = (t: Toggle, was: boolean | null) => (t === '' || (t === 'on') === was ? undefined : t === 'on');
  const spoofchk = flag(v.spoofchk, now.spoofchk);
  const trust = flag(v.trust, now.trust);
  const queryRss = flag(v.queryRss, now.queryRss);
  if (spoofchk !== undefined) out.spoofchk = spoofchk;
  if (trust !== undefined) out.trust = trust;
  if (v.state !== '' && v.state !== now.linkState) out.state = v.state;
  if (queryRss !== undefined) out.queryRss = queryRss;
  return out;
}

/** the edit for one VF of a PF (ns: the PF's namespace reference, undefined for the host's) */
export function vfEdit(pf: Pick<Link, 'name'>, ns: string | undefined, now: VfInfo, v: VfValues): Edit {
  return { op: 'sriov.vf', ns, dev: pf.name, vf: now.index, ...vfChange(now, v) };
}

export function numVfsEdit(pf: Pick<Link, 'name'>, ns: string | undefined, numVfs: string): Edit {
  return { op: 'sriov.numvfs', ns, dev: pf.name, numVfs: num(numVfs) as number };
}

/** What changing the count from `from` does, before the server's plan says it too. */
export function numVfsNotice(pf: Link, to: number | string | undefined): string | null {
  const from = pf.sriov?.numVfs ?? null;
  if (from === null || from === 0 || typeof to !== 'number' || to === from) return null;
  const netdevs = (pf.sriov?.vfs ?? []).flatMap((vf) => (vf.netdevName ? [vf.netdevName] : []));
  const gone = `all ${from} VF${from === 1 ? '' : 's'} and everything set on them (MAC, VLAN, rates, trust, …)${netdevs.length ? `, with their netdevs ${netdevs.join(', ')}` : ''}`;
  return to === 0
    ? `This removes ${gone}.`
    : `The kernel changes a non-zero number of VFs only through 0, so this goes ${from} → 0 → ${to}: it removes ${gone} first; the ${to} VF${to === 1 ? '' : 's'} made afterwards get what the driver gives new VFs (most drivers reset them).`;
}
