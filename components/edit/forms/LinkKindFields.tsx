'use client';
// The fields only one kind of link has (modes, VLAN id, VNI, the veth's other end).
import { IPVLAN_FLAGS, IPVLAN_MODES, MACVLAN_MODES, VLAN_PROTOCOLS } from '@/shared/edits/schema';
import { CheckField, SelectField, TextField } from '../Field';
import { linkChoices, nsChoices } from './choices';
import type { LinkAddValues } from './linkAdd';
import type { FieldsProps } from './types';

const MACVLAN_HELP: Record<string, string> = {
  bridge: 'children of one parent talk to each other directly',
  private: 'children cannot talk to each other, even via the switch',
  vepa: 'child-to-child traffic goes out to the switch (needs hairpin)',
  passthru: 'one child takes over the parent (for VMs)',
  source: 'accept only frames from the listed source MACs',
};

const opts = (list: readonly string[]) => list.map((v) => ({ value: v, label: v }));

export function LinkKindFields({ values: v, set, host }: FieldsProps<LinkAddValues>) {
  switch (v.kind) {
    case 'macvlan':
    case 'macvtap':
      return (
        <>
          <SelectField
            label="mode"
            path="0.mode"
            value={v.macvlanMode}
            onChange={(macvlanMode) => set({ macvlanMode })}
            choices={opts(MACVLAN_MODES)}
            hint={MACVLAN_HELP[v.macvlanMode]}
          />
          {v.macvlanMode === 'source' && (
            <TextField
              label="source MACs"
              path="0.macaddrs"
              value={v.macaddrs}
              onChange={(macaddrs) => set({ macaddrs })}
              placeholder="02:00:00:00:00:01 02:00:00:00:00:02"
              multiline
            />
          )}
          {v.macvlanMode === 'passthru' && (
            <CheckField
              label="nopromisc (do not put the parent in promiscuous mode)"
              path="0.nopromisc"
              checked={v.nopromisc}
              onChange={(nopromisc) => set({ nopromisc })}
            />
          )}
        </>
      );
    case 'ipvlan':
    case 'ipvtap':
      return (
        <>
          <SelectField
            label="mode"
            path="0.mode"
            value={v.ipvlanMode}
            onChange={(ipvlanMode) => set({ ipvlanMode })}
            choices={opts(IPVLAN_MODES)}
            hint="per parent: all ipvlan children of one parent share it"
          />
          <SelectField
            label="flag"
            path="0.flag"
            value={v.flag}
            onChange={(flag) => set({ flag })}
            choices={[{ value: '', label: '(default: bridge)' }, ...opts(IPVLAN_FLAGS)]}
          />
        </>
      );
    case 'vlan':
      return (
        <>
          <TextField
            label="VLAN id"
            path="0.id"
            value={v.vlanId}
            onChange={(vlanId) => set({ vlanId })}
            placeholder="1–4094"
          />
          <SelectField
            label="protocol"
            path="0.protocol"
            value={v.protocol}
            onChange={(protocol) => set({ protocol })}
            choices={opts(VLAN_PROTOCOLS)}
            hint="802.1ad = QinQ outer tag"
          />
        </>
      );
    case 'vxlan':
      return (
        <>
          <TextField label="VNI" path="0.vni" value={v.vni} onChange={(vni) => set({ vni })} placeholder="0–16777215" />
          <TextField
            label="remote"
            path="0.remote"
            value={v.remote}
            onChange={(remote) => set({ remote })}
            placeholder="unicast peer, e.g. 192.0.2.2"
          />
          <TextField
            label="group"
            path="0.group"
            value={v.group}
            onChange={(group) => set({ group })}
            placeholder="or multicast group, e.g. 239.1.1.1"
          />
          <TextField
            label="local"
            path="0.local"
            value={v.local}
            onChange={(local) => set({ local })}
            placeholder="source address (optional)"
          />
          <SelectField
            label="underlay dev"
            path="0.dev"
            value={v.dev}
            onChange={(dev) => set({ dev })}
            choices={linkChoices(host, v.ns, (l) => l.kind !== 'loopback', { value: '', label: '(none)' })}
          />
          <TextField
            label="dstport"
            path="0.dstport"
            value={v.dstport}
            onChange={(dstport) => set({ dstport })}
            placeholder="4789"
          />
        </>
      );
    case 'veth':
      return (
        <fieldset className="ed-group">
          <legend>the other end</legend>
          <TextField
            label="peer name"
            path="0.peer.name"
            value={v.peerName}
            onChange={(peerName) => set({ peerName })}
            placeholder="e.g. veth1"
          />
          <SelectField
            label="peer namespace"
            path="0.peer.netns"
            value={v.peerNetns}
            onChange={(peerNetns) => set({ peerNetns })}
            choices={nsChoices(host, { first: { value: '', label: '(same as this end)' } })}
          />
          <TextField
            label="peer addresses"
            path="0.peer.addresses"
            value={v.peerAddresses}
            onChange={(peerAddresses) => set({ peerAddresses })}
            placeholder="10.0.0.2/24 fd00::2/64"
          />
          <CheckField
            label="bring the peer up"
            path="0.peer.up"
            checked={v.peerUp}
            onChange={(peerUp) => set({ peerUp })}
          />
        </fieldset>
      );
    case 'bridge':
    case 'dummy':
      return null;
  }
}
