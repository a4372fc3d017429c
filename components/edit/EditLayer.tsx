'use client';
// Everything the editor draws over the page: the open form, the node menu, undo, audit, ping.
import './edit.css';
import { AuditDialog } from './AuditDialog';
import { EditDialog } from './EditDialog';
import type { Editor } from './Editor';
import { DraftPanel } from './DraftPanel';
import { NodeMenu } from './NodeMenu';
import { PingPanel } from './PingPanel';
import { UndoDialog } from './UndoDialog';

export function EditLayer({ editor: e }: { editor: Editor }) {
  const host = e.host;
  if (!host) return null;
  return (
    <>
      {e.menu && <NodeMenu at={e.menu} editor={e} host={host} />}
      {e.canEdit && <DraftPanel editor={e} />}
      {e.form && e.canEdit && (
        <EditDialog
          key={e.form.key + e.form.title}
          form={e.form}
          host={host}
          onClose={e.closeForm}
          onApplied={e.applied}
          onDraft={e.addToDraft}
        />
      )}
      {(e.panel === 'undo' || e.panel === 'redo') && e.canEdit && (
        <UndoDialog key={e.panel} editor={e} mode={e.panel} onClose={() => e.showPanel(null)} />
      )}
      {e.panel === 'audit' && <AuditDialog onClose={() => e.showPanel(null)} />}
      {e.pingNs && <PingPanel key={e.pingNs} nsId={e.pingNs} host={host} onClose={() => e.ping(null)} />}
    </>
  );
}
