'use client';
// SR-IOV forms for the shared edit dialog (components/edit/EditDialog: preview, guard, apply, outcome):
// the number of VFs of a PF, and one VF's MAC, VLAN/QoS/protocol, rates, spoofchk, trust, state, RSS query.
// The PF and the VF are looked up afresh (by id and index) when the edit is made.
import type { Link, VfInfo } from '@/shared/host/types';
import { VLAN_PROTOCOLS } from '@/shared/edits/schema';
import { SelectField, TextField, type Choice } from '../edit/Field';
import { linkOf, refOf } from '../edit/forms/choices';
import type { EditForm, FieldsProps, FormHost } from '../edit/forms/types';
import { num } from '../edit/values';
import { numVfsEdit, numVfsNotice, vfEdit, vfInitial, type Toggle, type VfValues } from './values';

function currentVf(host: FormHost, pfId: string, index: number): { pf: Link; vf: VfInfo } {
  const pf = linkOf(host, pfId);
  const vf = pf.sriov?.vfs.find((v) => v.index === index);
  if (!vf) throw new Error(`${pf.name} no longer has vf ${index}`);
  return { pf, vf };
}

export function numVfsForm(pf: Link): EditForm<{ numVfs: string }> {
  return {
    key: 'sriov.numvfs',
    title: `Set the number of VFs of ${pf.name}`,
    initial: { numVfs: String(pf.sriov?.numVfs ?? 0) },
    intro: (h) => {
      const now = h.ix.linkById.get(pf.id)?.sriov ?? pf.sriov;
      return (
        <p className="muted">
          {now?.numVfs ?? '?'} VF{now?.numVfs === 1 ? '' : 's'} enabled now
          {now?.totalVfs !== null && now?.totalVfs !== undefined
            ? `, at most ${now.totalVfs} (sriov_totalvfs)`
            : '; the device does not report a maximum (no sriov_totalvfs): the kernel decides'}
          . Written to {now?.device ? <span className="mono">{now.device}/sriov_numvfs</span> : 'sriov_numvfs'}.
        </p>
      );
    },
    Fields: ({ values, set, host }: FieldsProps<{ numVfs: string }>) => {
      const now = host.ix.linkById.get(pf.id) ?? pf;
      const notice = numVfsNotice(now, num(values.numVfs));
      return (
        <>
          <TextField
            label="number of VFs"
            path="0.numVfs"
            value={values.numVfs}
            onChange={(numVfs) => set({ numVfs })}
            hint="0 removes them all"
            autoFocus
          />
          {notice && (
            <div className="ed-warn-box" data-testid="numvfs-notice">
              {notice}
            </div>
          )}
        </>
      );
    },
    toEdits: (v, h) => {
      const l = linkOf(h, pf.id);
      return [numVfsEdit(l, refOf(h, l.nsId), v.numVfs)];
    },
  };
}

const toggleChoices = (what: string): Choice[] => [
  { value: '', label: `(not reported: leave ${what} as is)` },
  { value: 'on', label: 'on' },
  { value: 'off', label: 'off' },
];
const toggleOf = (now: boolean | null, what: string) =>
  now === null ? toggleChoices(what) : toggleChoices(what).slice(1);

function VfFields({ values, set, host, pfId, index }: FieldsProps<VfValues> & { pfId: string; index: number }) {
  const now = host.ix.linkById.get(pfId)?.sriov?.vfs.find((v) => v.index === index);
  const t = (k: 'spoofchk' | 'trust' | 'queryRss') => (x: string) => set({ [k]: x as Toggle });
  return (
    <>
      <TextField
        label="MAC"
        path="0.mac"
        value={values.mac}
        onChange={(mac) => set({ mac })}
        placeholder="02:00:00:00:00:01"
        hint="00:00:00:00:00:00 clears it"
        autoFocus
      />
      <fieldset className="ed-group">
        <legend>VLAN</legend>
        <TextField
          label="VLAN id"
          path="0.vlan.id"
          value={values.vlanId}
          onChange={(vlanId) => set({ vlanId })}
          hint="0 = no VLAN (1–4095 tags the VF's traffic)"
        />
        <TextField
          label="QoS (802.1p)"
          path="0.vlan.qos"
          value={values.qos}
          onChange={(qos) => set({ qos })}
          hint="0–7"
        />
        <SelectField
          label="protocol"
          path="0.vlan.proto"
          value={values.proto}
          onChange={(p) => set({ proto: p as VfValues['proto'] })}
          choices={VLAN_PROTOCOLS.map((p) => ({ value: p, label: p }))}
        />
      </fieldset>
      <fieldset className="ed-group">
        <legend>TX rate (Mb/s, 0 = no limit)</legend>
        <TextField
          label="max_tx_rate"
          path="0.maxTxRate"
          value={values.maxTxRate}
          onChange={(maxTxRate) => set({ maxTxRate })}
        />
        <TextField
          label="min_tx_rate"
          path="0.minTxRate"
          value={values.minTxRate}
          onChange={(minTxRate) => set({ minTxRate })}
          hint="at most max_tx_rate when both are set"
        />
      </fieldset>
      <SelectField
        label="spoof checking"
        path="0.spoofchk"
        value={values.spoofchk}
        onChange={t('spoofchk')}
        choices={toggleOf(now?.spoofchk ?? null, 'spoofchk')}
      />
      <SelectField
        label="trust"
        path="0.trust"
        value={values.trust}
        onChange={t('trust')}
        choices={toggleOf(now?.trust ?? null, 'trust')}
      />
      <SelectField
        label="link state"
        path="0.state"
        value={values.state}
        onChange={(s) => set({ state: s as VfValues['state'] })}
        choices={[
          ...(now?.linkState ? [] : [{ value: '', label: '(not reported: leave as is)' }]),
          { value: 'auto', label: 'auto (follow the PF)' },
          { value: 'enable', label: 'enable (always up)' },
          { value: 'disable', label: 'disable (always down)' },
        ]}
      />
      <SelectField
        label="RSS query"
        path="0.queryRss"
        value={values.queryRss}
        onChange={t('queryRss')}
        choices={toggleOf(now?.queryRss ?? null, 'query_rss')}
      />
    </>
  );
}

export function vfForm(pf: Link, vf: VfInfo): EditForm<VfValues> {
  return {
    key: 'sriov.vf',
    title: `Change ${pf.name} vf ${vf.index}`,
    initial: vfInitial(vf),
    intro: (h) => {
      const now = h.ix.linkById.get(pf.id)?.sriov?.vfs.find((v) => v.index === vf.index);
      const netdev = now?.netdevId ? h.ix.linkById.get(now.netdevId) : undefined;
      return (
        <p className="muted">
          Only what you change is sent, one{' '}
          <span className="mono">
            ip link set dev {pf.name} vf {vf.index} …
          </span>{' '}
          per setting.
          {netdev
            ? ` Its netdev is ${netdev.name} (namespace ${h.ix.nsById.get(netdev.nsId)?.label ?? netdev.nsId}).`
            : now?.netdevName
              ? ` Its netdev is ${now.netdevName}.`
              : ' It has no netdev of its own here.'}
        </p>
      );
    },
    Fields: (p: FieldsProps<VfValues>) => <VfFields {...p} pfId={pf.id} index={vf.index} />,
    toEdits: (v, h) => {
      const { pf: l, vf: now } = currentVf(h, pf.id, vf.index);
      return [vfEdit(l, refOf(h, l.nsId), now, v)];
    },
  };
}
