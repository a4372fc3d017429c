'use client';
// Addresses of one link: add (IPv4 or IPv6, address/prefix), remove one of those it has.
import type { Link } from '@/shared/host/types';
import { SelectField, TextField } from '../Field';
import { linkOf, refOf } from './choices';
import type { EditForm, FieldsProps } from './types';

export function addrAddForm(link: Link): EditForm<{ cidr: string }> {
  return {
    key: 'addr.add',
    title: `Add an address to ${link.name}`,
    initial: { cidr: '' },
    Fields: ({ values, set }: FieldsProps<{ cidr: string }>) => (
      <TextField
        label="address/prefix"
        path="0.cidr"
        value={values.cidr}
        onChange={(cidr) => set({ cidr })}
        placeholder="192.168.10.2/24 or fd00::2/64"
        autoFocus
      />
    ),
    toEdits: (v, h) => {
      const l = linkOf(h, link.id);
      return [{ op: 'addr.add', ns: refOf(h, l.nsId), dev: l.name, cidr: v.cidr.trim() }];
    },
  };
}

export function addrDelForm(link: Link, cidr?: string): EditForm<{ cidr: string }> {
  return {
    key: 'addr.del',
    title: `Remove an address from ${link.name}`,
    initial: { cidr: cidr ?? link.addresses[0]?.cidr ?? '' },
    Fields: ({ values, set, host }: FieldsProps<{ cidr: string }>) => {
      const now = host.ix.linkById.get(link.id)?.addresses ?? [];
      return (
        <SelectField
          label="address"
          path="0.cidr"
          value={values.cidr}
          onChange={(c) => set({ cidr: c })}
          choices={now.map((a) => ({
            value: a.cidr,
            label: `${a.cidr} (${a.scope}${a.flags.length ? `, ${a.flags.join(' ')}` : ''})`,
          }))}
        />
      );
    },
    toEdits: (v, h) => {
      const l = linkOf(h, link.id);
      return [{ op: 'addr.del', ns: refOf(h, l.nsId), dev: l.name, cidr: v.cidr }];
    },
  };
}
