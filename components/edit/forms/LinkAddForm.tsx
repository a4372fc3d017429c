'use client';
// "Create link": any kind, in any namespace; a child of a parent can land straight in another
// namespace, with addresses and up, in one all-or-nothing plan.
import { LINK_KINDS, type LinkKind } from '@/shared/edits/schema';
import type { Link } from '@/shared/host/types';
import { CheckField, SelectField, TextField, type Choice } from '../Field';
import { nsChoices, nsOf, parentChoices, rootNs } from './choices';
import { LinkKindFields } from './LinkKindFields';
import { canTarget, hasParent, initialLinkAdd, linkAddEdit, type LinkAddValues } from './linkAdd';
import type { EditForm, FieldsProps, FormHost } from './types';

const NS_LABEL: Partial<Record<LinkKind, string>> = { veth: 'namespace (this end)', vxlan: 'namespace (underlay)' };
const nsLabelFor = (k: LinkKind) => (hasParent(k) ? "parent's namespace" : (NS_LABEL[k] ?? 'namespace'));

/** kinds in the menu order an admin reaches for */
export const NEW_KINDS: LinkKind[] = [
  'veth',
  'macvlan',
  'ipvlan',
  'macvtap',
  'ipvtap',
  'vlan',
  'vxlan',
  'bridge',
  'dummy',
];

export function kindChoices(host: FormHost): Choice[] {
  return NEW_KINDS.filter((k) => LINK_KINDS.includes(k)).map((k) => ({
    value: k,
    label: k,
    disabled: unsupported(host, k),
  }));
}

/** the kernel's reason when the capability probe found the kind missing, else null */
export function unsupported(host: FormHost, kind: LinkKind): string | null {
  const s = host.caps?.kinds[kind];
  return s && s.supported === false ? `not supported by this kernel: ${s.reason ?? 'probe failed'}` : null;
}

function LinkAddFields({ values: v, set, host }: FieldsProps<LinkAddValues>) {
  const parentKinds = hasParent(v.kind);
  const reason = unsupported(host, v.kind);
  return (
    <>
      <SelectField
        label="kind"
        path="0.kind"
        value={v.kind}
        onChange={(kind) => set({ kind: kind as LinkKind })}
        choices={kindChoices(host)}
        hint={reason ? <span className="warn-text">{reason}</span> : undefined}
      />
      <TextField
        label="name"
        path="0.name"
        value={v.name}
        onChange={(name) => set({ name })}
        placeholder="1–15 bytes, e.g. mv0"
        autoFocus
      />
      <SelectField
        label={nsLabelFor(v.kind)}
        path="0.ns"
        value={v.ns}
        onChange={(ns) => set({ ns, parent: '', dev: '' })}
        choices={nsChoices(host)}
      />
      {parentKinds && (
        <SelectField
          label="parent"
          path="0.parent"
          value={v.parent}
          onChange={(parent) => set({ parent })}
          choices={parentChoices(host, v.ns, v.kind, { value: '', label: '(choose the lower device)' })}
        />
      )}
      {canTarget(v.kind) && (
        <SelectField
          label="create in namespace"
          path="0.netns"
          value={v.netns}
          onChange={(netns) => set({ netns })}
          choices={nsChoices(host, {
            first: { value: '', label: `(same as the ${parentKinds ? 'parent' : 'underlay'})` },
          })}
          hint="the link is made there directly (ip link add … netns …)"
        />
      )}
      <LinkKindFields values={v} set={set} host={host} />
      <TextField
        label="addresses"
        path="0.addresses"
        value={v.addresses}
        onChange={(addresses) => set({ addresses })}
        placeholder="192.168.10.2/24 fd00::2/64"
        hint="space or comma separated; added where the link ends up"
      />
      <TextField label="MTU" path="0.mtu" value={v.mtu} onChange={(mtu) => set({ mtu })} placeholder="(default)" />
      <TextField label="MAC" path="0.mac" value={v.mac} onChange={(mac) => set({ mac })} placeholder="(random)" />
      <CheckField label="bring it up" path="0.up" checked={v.up} onChange={(up) => set({ up })} />
    </>
  );
}

interface Start {
  kind?: LinkKind;
  /** the namespace to start in (default: the host's) */
  nsId?: string;
  /** pre-fill as a child of this link (parent, or vxlan underlay) */
  parent?: Link;
}

export function linkAddForm(host: FormHost, start: Start = {}): EditForm<LinkAddValues> {
  const kind = start.kind ?? 'veth';
  const ns = start.parent?.nsId ?? start.nsId ?? rootNs(host).id;
  const parentName = start.parent && hasParent(kind) ? start.parent.name : '';
  const dev = start.parent && kind === 'vxlan' ? start.parent.name : '';
  const where = start.parent ? ` on ${start.parent.name}` : start.nsId ? ` in ${nsOf(host, ns).label}` : '';
  return {
    key: 'link.add',
    title: `Create ${start.kind ?? 'link'}${where}`,
    initial: initialLinkAdd({ kind, ns, parent: parentName, dev }),
    Fields: LinkAddFields,
    toEdits: (v, h) => [linkAddEdit(v, h)],
  };
}
