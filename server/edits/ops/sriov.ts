// SR-IOV: the number of VFs of a PF (its device's sriov_numvfs, written through sysfs) and one VF's
// settings (`ip link set dev PF vf N …`, one command per setting, each undone to the snapshot's value).
// A VF netdev's move into a namespace and back is link.set's netns, like any link's.
import type { VfInfo } from '../../../shared/host/types';
import type { LinkState, PfPlanState } from '../model';
import type { OpPlanner, PlanContext } from '../plan';
import type { EditOf } from '../../../shared/edits/schema';
import { sysfsWriteArgv } from '../../../shared/edits/shell';

type PfState = PfPlanState;

function stateOf(ctx: PlanContext, link: LinkState): PfState | null {
  if (link.sriov !== undefined) return link.sriov;
  const sriov = link.id ? (ctx.snapshot.links.find((l) => l.id === link.id)?.sriov ?? null) : null;
  link.sriov = sriov && {
    totalVfs: sriov.totalVfs,
    numVfs: sriov.numVfs,
    numvfsPath: sriov.device && sriov.numVfs !== null ? `${sriov.device}/sriov_numvfs` : null,
    vfs: new Map(sriov.vfs.map((vf) => [vf.index, structuredClone(vf)])),
  };
  return link.sriov;
}

/** The PF the edit names, or a refusal that says plainly there is no SR-IOV there. */
function pfOf(e: { ns?: string; dev: string }, ctx: PlanContext): { pf: LinkState; st: PfState } {
  const ns = ctx.ns(e.ns, 'ns');
  const pf = ctx.link(ns, e.dev, 'dev');
  const st = stateOf(ctx, pf);
  if (!st) {
    const asVf = pf.id ? ctx.snapshot.links.find((l) => l.id === pf.id)?.vf : null;
    if (asVf) {
      const of = asVf.pfName ? ` of ${asVf.pfName}` : '';
      ctx.fail(
        ['dev'],
        `no SR-IOV on this device: ${pf.name} is a VF${asVf.index !== null ? ` (vf ${asVf.index}${of})` : of}; change VF settings through its PF`,
      );
    }
    ctx.fail(
      ['dev'],
      `no SR-IOV on this device: ${pf.name} (namespace ${ns.label}) reports no SR-IOV physical function`,
    );
  }
  return { pf, st };
}

/** VF indices that exist: 0…numVfs-1 when the count is known, else the VFs listed. */
function vfIndices(st: PfState): number[] {
  if (st.numVfs !== null) return Array.from({ length: st.numVfs }, (_, i) => i);
  return [...st.vfs.keys()].sort((a, b) => a - b);
}

const UNSET_MAC = /^(00:){5}00$/;
const onOff = (b: boolean) => (b ? 'on' : 'off');

/** "MAC 02:…, VLAN 101 qos 2" — what is set on a VF that a removal would lose */
function settingsOf(vf: VfInfo): string[] {
  const out: string[] = [];
  if (vf.mac && !UNSET_MAC.test(vf.mac)) out.push(`MAC ${vf.mac}`);
  for (const v of vf.vlans)
    out.push(
      `VLAN ${v.vlan}${v.qos ? ` qos ${v.qos}` : ''}${v.protocol && v.protocol !== '802.1Q' ? ` ${v.protocol}` : ''}`,
    );
  if (vf.maxTxRate) out.push(`max_tx_rate ${vf.maxTxRate}`);
  if (vf.minTxRate) out.push(`min_tx_rate ${vf.minTxRate}`);
  if (vf.trust) out.push('trust on');
  if (vf.linkState && vf.linkState !== 'auto') out.push(`state ${vf.linkState}`);
  if (vf.netdevName) out.push(`netdev ${vf.netdevName}`);
  return out;
}

const vfs = (n: number) => `${n} VF${n === 1 ? '' : 's'}`;

function range(n: number): string {
  return n === 1 ? 'vf 0' : `vfs 0–${n - 1}`;
}

export const planSriovNumVfs: OpPlanner<EditOf<'sriov.numvfs'>> = (e, ctx) => {
  const { pf, st } = pfOf(e, ctx);
  const from = st.numVfs;
  const file = st.numvfsPath;
  if (file === null || from === null) {
    return ctx.fail(
      ['dev'],
      `no SR-IOV on this device: ${pf.name} lists VFs, but its device has no sriov_numvfs to change their number`,
    );
  }
  const to = e.numVfs;
  if (st.totalVfs !== null && to > st.totalVfs) {
    ctx.fail(
      ['numVfs'],
      `${pf.name} supports at most ${st.totalVfs} VFs (its sriov_totalvfs); ${to} is more, which the kernel refuses (ERANGE)`,
    );
  }
  if (to === from) ctx.fail(['numVfs'], `${pf.name} already has ${vfs(from)}: nothing to change`);

  const write = (n: number) => sysfsWriteArgv(file, String(n));
  if (from > 0) {
    // every existing VF goes: on the way to 0, and on the way through 0 to another count
    const existing = vfIndices(st);
    const lost = existing.flatMap((i) => {
      const vf = st.vfs.get(i);
      const s = vf && vf !== 'new' ? settingsOf(vf) : [];
      return s.length ? [`vf ${i}: ${s.join(', ')}`] : [];
    });
    const netdevs = existing.flatMap((i) => {
      const vf = st.vfs.get(i);
      const l = vf && vf !== 'new' && vf.netdevId ? ctx.model.links.find((x) => x.id === vf.netdevId) : undefined;
      return l ? [l] : [];
    });
    const what = `the existing ${vfs(from)} of ${pf.name} (${range(from)}) and everything set on them${lost.length ? ` — ${lost.join('; ')}` : ''}`;
    const after =
      'VFs made again get whatever the driver gives new VFs (most reset them; netdevsim keeps the old settings), and undo brings the count back, not necessarily those settings';
    if (to === 0) ctx.warn(`this removes ${what}; ${after}`);
    else
      ctx.warn(
        `the kernel changes a non-zero number of VFs only through 0 (EBUSY otherwise), so ${pf.name} goes ${from} → 0 → ${to}: this removes ${what}; ${after}`,
      );
    if (netdevs.length) {
      const names = netdevs.map((l) => `${l.name} (${l.ns.label})`).join(', ');
      ctx.warn(`the VF netdevs ${names} vanish with their VFs, with their addresses and routes`);
      ctx.guard(
        pf,
        `changing the number of VFs of ${pf.name} deletes the VF netdevs ${names}, which may carry this host's or a pod's traffic`,
      );
      for (const l of netdevs) ctx.model.removeLink(l);
    }
    ctx.step(write(0), write(from), `remove the ${vfs(from)} of ${pf.name} (sriov_numvfs ${from} → 0)`);
  }
  if (to > 0) {
    if (st.totalVfs === null)
      ctx.warn(
        `${pf.name}'s device does not report sriov_totalvfs: the kernel decides whether ${vfs(to)} are possible`,
      );
    ctx.step(write(to), write(0), `enable ${vfs(to)} on ${pf.name} (sriov_numvfs 0 → ${to})`);
  }
  st.numVfs = to;
  st.vfs = new Map(Array.from({ length: to }, (_, i) => [i, 'new' as const]));
};

export const planSriovVf: OpPlanner<EditOf<'sriov.vf'>> = (e, ctx) => {
  const { pf, st } = pfOf(e, ctx);
  const indices = vfIndices(st);
  if (!indices.includes(e.vf)) {
    ctx.fail(
      ['vf'],
      indices.length
        ? `${pf.name} has no vf ${e.vf}: its VFs are ${range(indices.length)}`
        : `${pf.name} has no VFs: set the number of VFs first`,
    );
  }
  const cur = st.vfs.get(e.vf);
  // ip reports every VF it knows with an address; a VF only sysfs lists has nothing to restore
  const known: VfInfo | null = cur && cur !== 'new' && cur.mac !== null ? cur : null;
  const who = `${pf.name} vf ${e.vf}`;
  if (cur === 'new')
    ctx.warn(
      `${who} is created by this plan: its settings before these changes are the driver's defaults, which linkscape does not know, so these steps have no undo (undoing the number of VFs removes the VF anyway)`,
    );
  else if (!known) ctx.warn(`${pf.name} does not report vf ${e.vf}'s settings, so these changes cannot be undone`);

  const netdevId = known?.netdevId ?? null;
  const netdev = netdevId ? ctx.model.links.find((l) => l.id === netdevId) : undefined;
  if (netdev && ctx.model.carriesHostDefault(netdev)) {
    const risky = [
      e.mac !== undefined ? 'the MAC' : null,
      e.vlan !== undefined ? 'the VLAN' : null,
      e.state === 'disable' ? 'disabling the link' : null,
    ].filter(Boolean);
    if (risky.length)
      ctx.guard(
        pf,
        `${risky.join(', ')} of ${who}, whose netdev ${netdev.name} carries the host's default route, can cut this host off`,
      );
  }

  const set = (words: string[]) => ctx.ip(pf.ns, ['link', 'set', 'dev', pf.name, 'vf', String(e.vf), ...words]);
  const undoOf = (words: string[] | null) => (words ? set(words) : null);
  const was = (v: string | null | undefined) => (v !== null && v !== undefined ? ` (was ${v})` : '');

  if (e.mac !== undefined) {
    const clear = UNSET_MAC.test(e.mac);
    ctx.step(
      set(['mac', e.mac]),
      undoOf(known?.mac ? ['mac', known.mac] : null),
      `${clear ? 'clear the MAC of' : 'set the MAC of'} ${who}${clear ? '' : ` to ${e.mac}`}${was(known?.mac)}`,
    );
    if (known) known.mac = e.mac;
  }

  if (e.vlan !== undefined) {
    const v = e.vlan;
    const words = [
      'vlan',
      String(v.id),
      ...(v.qos !== undefined ? ['qos', String(v.qos)] : []),
      ...(v.proto ? ['proto', v.proto] : []),
    ];
    let undo: string[] | null = null;
    let before: string | null = null;
    if (known) {
      if (known.vlans.length === 0) {
        undo = ['vlan', '0'];
        before = 'no VLAN';
      } else if (known.vlans.length === 1) {
        const o = known.vlans[0];
        undo = ['vlan', String(o.vlan), 'qos', String(o.qos), 'proto', o.protocol ?? '802.1Q'];
        before = `${o.vlan} qos ${o.qos} ${o.protocol ?? '802.1Q'}`;
      } else {
        ctx.warn(`${who} carries ${known.vlans.length} VLANs; ip sets one, so undo cannot put the list back`);
      }
    }
    const desc =
      v.id === 0
        ? `remove the VLAN of ${who}`
        : `set the VLAN of ${who} to ${v.id} qos ${v.qos ?? 0} ${v.proto ?? '802.1Q'}`;
    ctx.step(set(words), undoOf(undo), `${desc}${was(before)}`);
    if (known)
      known.vlans =
        v.id === 0 ? [] : [{ vlan: v.id, qos: v.qos ?? 0, protocol: v.proto && v.proto !== '802.1Q' ? v.proto : null }];
  }

  if (e.maxTxRate !== undefined || e.minTxRate !== undefined) {
    const max = e.maxTxRate ?? known?.maxTxRate ?? null;
    const min = e.minTxRate ?? known?.minTxRate ?? null;
    if (max && min && min > max) {
      const field = e.minTxRate !== undefined ? 'minTxRate' : 'maxTxRate';
      const source =
        e.minTxRate === undefined
          ? ` (its current minimum)`
          : e.maxTxRate === undefined
            ? ` (its current maximum)`
            : '';
      ctx.fail(
        [field],
        `${who}: min_tx_rate ${min} would exceed max_tx_rate ${max}${source}; the minimum must not exceed the maximum (0 = no limit)`,
      );
    }
    const words = [
      ...(e.maxTxRate !== undefined ? ['max_tx_rate', String(e.maxTxRate)] : []),
      ...(e.minTxRate !== undefined ? ['min_tx_rate', String(e.minTxRate)] : []),
    ];
    // both in one command: ip checks min ≤ max on the pair it sends
    const undo =
      known && known.maxTxRate !== null && known.minTxRate !== null
        ? ['max_tx_rate', String(known.maxTxRate), 'min_tx_rate', String(known.minTxRate)]
        : null;
    const mb = (r: number | null) => (r === null ? '?' : r === 0 ? 'no limit' : `${r} Mb/s`);
    const before = known && known.maxTxRate !== null ? `max ${mb(known.maxTxRate)}, min ${mb(known.minTxRate)}` : null;
    ctx.step(set(words), undoOf(undo), `set the TX rates of ${who}: max ${mb(max)}, min ${mb(min)}${was(before)}`);
    if (known) {
      known.maxTxRate = max;
      known.minTxRate = min;
    }
  }

  const flag = (
    value: boolean | undefined,
    word: string,
    label: string,
    old: boolean | null | undefined,
    save: (b: boolean) => void,
  ) => {
    if (value === undefined) return;
    ctx.step(
      set([word, onOff(value)]),
      undoOf(old !== null && old !== undefined ? [word, onOff(old)] : null),
      `${label} ${onOff(value)} on ${who}${was(old !== null && old !== undefined ? onOff(old) : null)}`,
    );
    save(value);
  };
  flag(e.spoofchk, 'spoofchk', 'spoof checking', known?.spoofchk, (b) => known && (known.spoofchk = b));
  flag(e.trust, 'trust', 'trust', known?.trust, (b) => known && (known.trust = b));

  if (e.state !== undefined) {
    const old = known?.linkState ?? null;
    const restorable = old === 'auto' || old === 'enable' || old === 'disable';
    ctx.step(
      set(['state', e.state]),
      undoOf(restorable ? ['state', old] : null),
      `set the link state of ${who} to ${e.state}${was(old)}`,
    );
    if (known) known.linkState = e.state;
  }

  flag(e.queryRss, 'query_rss', 'RSS query', known?.queryRss, (b) => known && (known.queryRss = b));
};
