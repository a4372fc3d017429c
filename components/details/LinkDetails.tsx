'use client';
// Everything the kernel reports about one link, with its relations clickable across namespaces.
import type { Link } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { routesThrough } from '../host/routes';
import { KIND_COLORS, KIND_LABELS, kindClassOf, operClass } from '../graph/kinds';
import { Attrs, type AttrRow } from './Attrs';
import { AddressTable } from './AddressTable';
import { RawJson } from './RawJson';
import { LinkRef, NsRef, type Jump } from './Ref';
import { RouteTable } from './RouteTable';
import { Section } from './Section';
import { LinkWarnings, SriovSection } from '../sriov/SriovSection';

const mtuText = (l: Link) => {
  if (l.mtu === null) return null;
  const range = l.minMtu !== null || l.maxMtu !== null ? ` (min ${l.minMtu ?? '?'}, max ${l.maxMtu ?? '?'})` : '';
  return `${l.mtu}${range}`;
};

function refList(links: Link[] | undefined, ix: HostLookup, jump: Jump, fromNs: string) {
  if (!links?.length) return null;
  return (
    <span className="ref-list">
      {links.map((c) => (
        <LinkRef key={c.id} id={c.id} ix={ix} jump={jump} fromNs={fromNs} />
      ))}
    </span>
  );
}

export function LinkDetails({ link: l, ix, jump }: { link: Link; ix: HostLookup; jump: Jump }) {
  const kc = kindClassOf(l);
  const routes = routesThrough(ix.routesByNs.get(l.nsId) ?? [], l.id);
  const rows: AttrRow[] = [
    ['namespace', <NsRef key="ns" id={l.nsId} ix={ix} jump={jump} />],
    ['ifindex', l.ifindex],
    ['kind', l.kind],
    ['mode', l.mode],
    [
      'admin state',
      <span key="a" className={l.up ? 'state-up' : 'state-down'}>
        {l.up ? 'UP' : 'DOWN'}
      </span>,
    ],
    [
      'operstate',
      <span key="o" className={`oper oper-${operClass(l.operstate)}`}>
        {l.operstate}
      </span>,
    ],
    ['flags', l.flags.join(' ')],
    ['MTU', mtuText(l)],
    ['MAC', l.mac && <span className="mono">{l.mac}</span>],
    ['link type', l.linkType],
    ['promiscuity', l.promiscuity],
    [
      'parent',
      l.parentId ? (
        <LinkRef id={l.parentId} ix={ix} jump={jump} fromNs={l.nsId} />
      ) : l.parentUnresolved ? (
        <span className="warn-text">unresolved (the kernel names a lower device this host view cannot find)</span>
      ) : null,
    ],
    ['peer', l.peerId ? <LinkRef id={l.peerId} ix={ix} jump={jump} fromNs={l.nsId} /> : null],
    [
      'master',
      l.masterId ? (
        <span key="m">
          <LinkRef id={l.masterId} ix={ix} jump={jump} fromNs={l.nsId} />
          {l.slaveKind ? ` (${l.slaveKind} port)` : ''}
        </span>
      ) : null,
    ],
    ['ports', refList(ix.portsOf.get(l.id), ix, jump, l.nsId)],
    ['children', refList(ix.childrenOf.get(l.id), ix, jump, l.nsId)],
    [
      'VF of',
      l.vf ? (
        <span key="vf">
          {l.vf.pfId ? <LinkRef id={l.vf.pfId} ix={ix} jump={jump} fromNs={l.nsId} /> : (l.vf.pfName ?? 'unknown PF')}
          {l.vf.index !== null ? ` vf ${l.vf.index}` : ''}
        </span>
      ) : null,
    ],
    [
      'network',
      l.network && (
        <span key="net" data-testid="link-network">
          {l.network.name}{' '}
          <span className="muted">
            ({l.network.runtime} {l.network.driver}
            {l.network.id ? ` ${l.network.id.slice(0, 12)}` : ''})
          </span>
          {l.network.subnets?.length ? <span className="mono"> {l.network.subnets.join(' ')}</span> : null}
          {l.network.gateway?.length ? <span className="mono"> gw {l.network.gateway.join(' ')}</span> : null}
        </span>
      ),
    ],
    ['altnames', l.altnames.join(', ')],
    ['bus / device', l.parentBus || l.parentDev ? `${l.parentBus ?? '?'} ${l.parentDev ?? ''}` : null],
    [
      'id',
      <span key="id" className="mono">
        {l.id}
      </span>,
    ],
  ];
  return (
    <div data-testid="link-details" data-id={l.id}>
      <header className="panel-head">
        <span className="swatch" style={{ background: KIND_COLORS[kc] }} />
        <h2>{l.name}</h2>
        <span className="panel-kind">
          {KIND_LABELS[kc]}
          {l.mode ? ` · ${l.mode}` : ''}
        </span>
      </header>
      <LinkWarnings link={l} />
      <Attrs rows={rows} testId="link-attrs" />
      <Section title="addresses" count={l.addresses.length}>
        <AddressTable addresses={l.addresses} />
      </Section>
      <Section title="routes through it" count={routes.length}>
        <RouteTable routes={routes} ix={ix} jump={jump} compact />
      </Section>
      <SriovSection link={l} ix={ix} jump={jump} />
      <RawJson title={`info_data (${l.kind})`} value={l.info} />
      <RawJson title={`info_slave_data (${l.slaveKind ?? 'port'})`} value={l.slaveInfo} />
    </div>
  );
}
