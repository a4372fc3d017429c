'use client';
// Namespaces: create one (lo up inside, as every walkthrough does first); delete a named one, saying
// first which processes hold it and which links live in it.
import type { Namespace } from '@/shared/host/types';
import { CheckField, TextField } from '../Field';
import { linksIn, nsOf } from './choices';
import type { EditForm, FieldsProps, FormHost } from './types';

interface NetnsAddValues {
  name: string;
  lo: boolean;
}

export function netnsAddForm(): EditForm<NetnsAddValues> {
  return {
    key: 'netns.add',
    title: 'Create a namespace',
    initial: { name: '', lo: true },
    Fields: ({ values, set }: FieldsProps<NetnsAddValues>) => (
      <>
        <TextField
          label="name"
          path="0.name"
          value={values.name}
          onChange={(name) => set({ name })}
          placeholder="e.g. blue"
          hint="under /var/run/netns"
          autoFocus
        />
        <CheckField label="bring lo up inside" path="0.lo" checked={values.lo} onChange={(lo) => set({ lo })} />
      </>
    ),
    toEdits: (v) => [{ op: 'netns.add', name: v.name.trim(), ...(v.lo ? {} : { lo: false }) }],
  };
}

function NetnsDelIntro({ ns, host }: { ns: Namespace; host: FormHost }) {
  const links = linksIn(host, ns.id, (l) => l.kind !== 'loopback');
  return (
    <div className="ed-intro" data-testid="netns-del-intro">
      {ns.pids.length > 0 ? (
        <div className="ed-warn-box" data-testid="netns-holders">
          <b>Processes live in this namespace</b> — deleting its name does not end it while they run:
          <ul className="mono">
            {ns.pids.map((p, i) => (
              <li key={p}>
                pid {p}
                {ns.comms[i] ? ` (${ns.comms[i]})` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {links.length > 0 ? (
        <div className="ed-warn-box" data-testid="netns-links">
          <b>Links in it</b> — virtual ones are destroyed with it, physical NICs return to the host:
          <ul className="mono">
            {links.map((l) => (
              <li key={l.id}>
                {l.name} ({l.kind}){l.addresses.length ? ` ${l.addresses.map((a) => a.cidr).join(' ')}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">No links besides lo live in it.</p>
      )}
    </div>
  );
}

export function netnsDelForm(ns: Namespace): EditForm<object> {
  return {
    key: 'netns.del',
    title: `Delete namespace ${ns.label}`,
    initial: {},
    intro: (host) => {
      const now = host.ix.nsById.get(ns.id);
      return now ? <NetnsDelIntro ns={now} host={host} /> : <p className="warn-text">It is gone from the host.</p>;
    },
    toEdits: (_v, h) => [{ op: 'netns.del', ns: nsOf(h, ns.id).id }],
  };
}
