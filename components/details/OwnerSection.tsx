'use client';
// Who owns a namespace: the container, pod or service a runtime made it for, with its networks.
import type { NamespaceOwner } from '@/shared/host/types';
import { Attrs } from './Attrs';
import { Section } from './Section';

const RUNTIME_TEXT: Record<NamespaceOwner['runtime'], string> = {
  docker: 'Docker',
  kubernetes: 'Kubernetes',
  podman: 'Podman',
  containerd: 'containerd',
  systemd: 'systemd',
  process: 'a process',
};

export function OwnerSection({ owner: o }: { owner: NamespaceOwner | null }) {
  if (!o || o.runtime === 'process') return null;
  return (
    <Section title={`owner: ${RUNTIME_TEXT[o.runtime]} ${o.kind}`}>
      <Attrs
        testId="ns-owner"
        rows={[
          [o.kind, <strong key="n">{o.name}</strong>],
          ['k8s namespace', o.namespace],
          [
            o.kind === 'pod' && o.runtime === 'kubernetes' ? 'uid' : 'id',
            <span key="i" className="mono" title={o.id}>
              {o.id.length > 40 ? `${o.id.slice(0, 12)}…` : o.id}
            </span>,
          ],
          ['image', o.image && <span className="mono">{o.image}</span>],
          ['state', o.state],
          [
            'containers',
            o.containers?.length ? (
              <span key="c">
                {o.containers
                  .map((c) => `${c.name}${c.image ? ` (${c.image})` : ''}${c.state ? ` ${c.state}` : ''}`)
                  .join(', ')}
              </span>
            ) : null,
          ],
          [
            'networks',
            o.networks?.length ? (
              <span key="nets" data-testid="owner-networks">
                {o.networks.map((n) => (
                  <div key={n.name}>
                    {n.name} <span className="muted">({n.driver})</span> <span className="mono">{n.ips.join(' ')}</span>
                  </div>
                ))}
              </span>
            ) : null,
          ],
        ]}
      />
    </Section>
  );
}
