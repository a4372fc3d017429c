'use client';
// One namespace: where it comes from, who holds it, its links, its default route and every route.
import type { Namespace } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { compareLinks } from '../host/order';
import { defaultRoutes, routeText } from '../host/routes';
import { Attrs } from './Attrs';
import { OwnerSection } from './OwnerSection';
import { LinkRef, type Jump } from './Ref';
import { RouteTable } from './RouteTable';
import { Section } from './Section';

const SOURCE_TEXT: Record<Namespace['source'], string> = {
  root: 'the host (initial) namespace',
  named: 'named (ip netns, /var/run/netns)',
  docker: 'Docker (/var/run/docker/netns)',
  process: 'unnamed, held by a process',
};

interface Props {
  ns: Namespace;
  ix: HostLookup;
  jump: Jump;
  collapsed: boolean;
  onToggleCollapse: () => void;
}

export function NamespaceDetails({ ns, ix, jump, collapsed, onToggleCollapse }: Props) {
  const links = [...(ix.linksByNs.get(ns.id) ?? [])].sort(compareLinks);
  const routes = ix.routesByNs.get(ns.id) ?? [];
  const defaults = defaultRoutes(routes);
  const holders = ns.pids.map((p, i) => `${p}${ns.comms[i] ? ` (${ns.comms[i]})` : ''}`).join(', ');
  return (
    <div data-testid="ns-details" data-id={ns.id}>
      <header className="panel-head">
        <h2>{ns.label}</h2>
        <span className="panel-kind">namespace</span>
        <button type="button" className="btn small" onClick={onToggleCollapse} data-testid="ns-collapse">
          {collapsed ? 'expand' : 'collapse'}
        </button>
      </header>
      <Attrs
        testId="ns-attrs"
        rows={[
          ['source', SOURCE_TEXT[ns.source]],
          ['name', ns.name],
          [
            'inode',
            <span key="i" className="mono">
              {ns.id}
            </span>,
          ],
          ['path', ns.path && <span className="mono">{ns.path}</span>],
          ['held by', holders],
          [
            'default route',
            defaults.length ? <span className="mono">{defaults.map(routeText).join('\n')}</span> : 'none',
          ],
          [
            'gateway',
            defaults
              .map((d) => d.gateway)
              .filter(Boolean)
              .join(', ') || null,
          ],
          ['error', ns.error && <span className="warn-text">{ns.error}</span>],
        ]}
      />
      <OwnerSection owner={ns.owner} />
      <Section title="links" count={links.length}>
        <span className="ref-list">
          {links.map((l) => (
            <LinkRef key={l.id} id={l.id} ix={ix} jump={jump} fromNs={ns.id} />
          ))}
        </span>
      </Section>
      <Section title="routes (all tables)" count={routes.length}>
        <RouteTable routes={routes} ix={ix} jump={jump} compact />
      </Section>
    </div>
  );
}
