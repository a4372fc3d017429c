'use client';
// Changes to one link: up/down, MTU, MAC, promiscuous, rename, bridge port on/off, move.
// Each is its own small form; the link is looked up afresh (by id) when the edit is made.
import type { Edit } from '@/shared/edits/schema';
import type { Link } from '@/shared/host/types';
import { SelectField, TextField } from '../Field';
import { num, opt } from '../values';
import { linkChoices, linkOf, nsChoices, nsOf, refOf, targetOf } from './choices';
import type { EditForm, FieldsProps, FormHost } from './types';

type SetFields = Omit<Extract<Edit, { op: 'link.set' }>, 'op' | 'ns' | 'dev'>;

function setEdit(host: FormHost, linkId: string, change: SetFields): Edit[] {
  const l = linkOf(host, linkId);
  return [{ op: 'link.set', ns: refOf(host, l.nsId), dev: l.name, ...change }];
}

export function linkUpForm(link: Link, up: boolean): EditForm<object> {
  return {
    key: up ? 'link.up' : 'link.down',
    title: `${up ? 'Bring up' : 'Take down'} ${link.name}`,
    initial: {},
    toEdits: (_v, h) => setEdit(h, link.id, { up }),
  };
}

export function linkPromiscForm(link: Link, on: boolean): EditForm<object> {
  return {
    key: 'link.promisc',
    title: `Promiscuous mode ${on ? 'on' : 'off'}: ${link.name}`,
    initial: {},
    toEdits: (_v, h) => setEdit(h, link.id, { promisc: on }),
  };
}

export function linkDetachForm(link: Link, masterName: string): EditForm<object> {
  return {
    key: 'link.nomaster',
    title: `Detach ${link.name} from ${masterName}`,
    initial: {},
    toEdits: (_v, h) => setEdit(h, link.id, { master: null }),
  };
}

export function linkMtuForm(link: Link): EditForm<{ mtu: string }> {
  const range = link.minMtu || link.maxMtu ? `allowed: ${link.minMtu ?? '?'}–${link.maxMtu ?? '?'}` : undefined;
  return {
    key: 'link.mtu',
    title: `Set MTU of ${link.name}`,
    initial: { mtu: link.mtu !== null ? String(link.mtu) : '' },
    Fields: ({ values, set }: FieldsProps<{ mtu: string }>) => (
      <TextField label="MTU" path="0.mtu" value={values.mtu} onChange={(mtu) => set({ mtu })} hint={range} autoFocus />
    ),
    toEdits: (v, h) => setEdit(h, link.id, { mtu: num(v.mtu) as number }),
  };
}

export function linkMacForm(link: Link): EditForm<{ mac: string }> {
  return {
    key: 'link.mac',
    title: `Set MAC of ${link.name}`,
    initial: { mac: link.mac ?? '' },
    Fields: ({ values, set }: FieldsProps<{ mac: string }>) => (
      <TextField
        label="MAC"
        path="0.mac"
        value={values.mac}
        onChange={(mac) => set({ mac })}
        placeholder="02:00:00:00:00:01"
        autoFocus
      />
    ),
    toEdits: (v, h) => setEdit(h, link.id, { mac: v.mac.trim() }),
  };
}

export function linkRenameForm(link: Link): EditForm<{ name: string }> {
  return {
    key: 'link.rename',
    title: `Rename ${link.name}`,
    initial: { name: link.name },
    Fields: ({ values, set }: FieldsProps<{ name: string }>) => (
      <TextField
        label="new name"
        path="0.name"
        value={values.name}
        onChange={(name) => set({ name })}
        hint={link.up ? 'the kernel renames only links that are down' : undefined}
        autoFocus
      />
    ),
    toEdits: (v, h) => setEdit(h, link.id, { name: v.name.trim() }),
  };
}

const isMaster = (self: Link) => (l: Link) => (l.kind === 'bridge' || l.kind === 'bond') && l.id !== self.id;

export function linkAttachForm(link: Link, host: FormHost): EditForm<{ master: string }> {
  const first = (host.ix.linksByNs.get(link.nsId) ?? []).find(isMaster(link));
  return {
    key: 'link.master',
    title: `Attach ${link.name} to a bridge`,
    initial: { master: first?.name ?? '' },
    Fields: ({ values, set, host: h }: FieldsProps<{ master: string }>) => (
      <SelectField
        label="bridge / bond"
        path="0.master"
        value={values.master}
        onChange={(master) => set({ master })}
        choices={linkChoices(h, link.nsId, isMaster(link), { value: '', label: '(choose one in the same namespace)' })}
      />
    ),
    toEdits: (v, h) => setEdit(h, link.id, { master: opt(v.master) ?? '' }),
  };
}

export function linkMoveForm(link: Link, host: FormHost): EditForm<{ netns: string }> {
  const other =
    host.snapshot.namespaces.find((n) => n.id !== link.nsId && !n.root) ??
    host.snapshot.namespaces.find((n) => n.id !== link.nsId);
  return {
    key: 'link.netns',
    title: `Move ${link.name} to another namespace`,
    initial: { netns: other?.id ?? '' },
    intro: (h) => (
      <p className="muted">
        From {nsOf(h, link.nsId).label}. The kernel takes the link down and drops its addresses and bridge port on a
        move; the plan spells that out.
      </p>
    ),
    Fields: ({ values, set, host: h }: FieldsProps<{ netns: string }>) => (
      <SelectField
        label="to namespace"
        path="0.netns"
        value={values.netns}
        onChange={(netns) => set({ netns })}
        choices={nsChoices(h).map((c) => (c.value === link.nsId ? { ...c, disabled: 'it is there now' } : c))}
      />
    ),
    toEdits: (v, h) => setEdit(h, link.id, { netns: targetOf(h, v.netns) }),
  };
}

export function linkDeleteForm(link: Link): EditForm<object> {
  return {
    key: 'link.del',
    title: `Delete ${link.kind} ${link.name}`,
    initial: {},
    toEdits: (_v, h) => {
      const l = linkOf(h, link.id);
      return [{ op: 'link.del', ns: refOf(h, l.nsId), dev: l.name }];
    },
  };
}
