'use client';
// The SR-IOV part of a link's details panel. A PF: numVfs / totalVfs, its device, the VF table with an
// edit button per VF and "Set number of VFs…" (forms in the shared edit dialog), and the host's warnings
// that name its VFs. A NIC without SR-IOV says so plainly; other kinds of links show nothing.
import './sriov.css';
import type { HostWarning, Link } from '@/shared/host/types';
import type { HostLookup } from '../host/lookup';
import { Attrs } from '../details/Attrs';
import type { Jump } from '../details/Ref';
import { Section } from '../details/Section';
import { VfTable } from '../details/VfTable';
import { useEditorContext } from '../edit/Editor';
import { vfWarnings, warningsByRef } from '../graph/sriov';
import { numVfsForm, vfForm } from './forms';
import { reportsNoSriov } from './values';

export function SriovSection({ link: l, ix, jump }: { link: Link; ix: HostLookup; jump: Jump }) {
  const editor = useEditorContext();
  const canEdit = editor?.canEdit === true && editor.host !== null;
  const warnings: HostWarning[] = editor?.host?.snapshot.warnings ?? [];
  if (!l.sriov) {
    if (!reportsNoSriov(l)) return null;
    return (
      <Section title="SR-IOV">
        <p className="muted" data-testid="no-sriov">
          this device reports no SR-IOV
        </p>
      </Section>
    );
  }
  const s = l.sriov;
  const byRef = warningsByRef(warnings);
  return (
    <Section title="SR-IOV physical function" count={s.vfs.length}>
      <Attrs
        testId="sriov-attrs"
        rows={[
          [
            'VFs',
            <span key="n" className="mono" data-testid="sriov-count">
              {s.numVfs ?? '?'} / {s.totalVfs ?? '?'}
            </span>,
          ],
          ['total VFs', s.totalVfs ?? 'not reported by the device'],
          ['VFs enabled', s.numVfs],
          ['device', s.device && <span className="mono">{s.device}</span>],
        ]}
      />
      {canEdit && (
        <div className="sriov-actions">
          <button
            type="button"
            className="btn small"
            data-testid="sriov-numvfs"
            disabled={s.numVfs === null}
            title={s.numVfs === null ? 'the device has no sriov_numvfs' : undefined}
            onClick={() => editor.open(numVfsForm(l))}
          >
            Set number of VFs…
          </button>
        </div>
      )}
      <VfTable
        vfs={s.vfs}
        ix={ix}
        jump={jump}
        onEdit={canEdit ? (vf) => editor.open(vfForm(l, vf)) : undefined}
        warningsOf={(index) => vfWarnings(l, index, byRef).map((w) => w.message)}
      />
    </Section>
  );
}

/** The host's warnings that concern this link (snapshot.warnings ids), listed in its panel. */
export function LinkWarnings({ link }: { link: Link }) {
  const editor = useEditorContext();
  const mine = (editor?.host?.snapshot.warnings ?? []).filter((w) => w.ids.includes(link.id));
  if (!mine.length) return null;
  return (
    <ul className="link-warnings" data-testid="link-warnings">
      {mine.map((w, i) => (
        <li key={i} data-code={w.code}>
          <span className="code">{w.code}</span> {w.message}
        </li>
      ))}
    </ul>
  );
}
