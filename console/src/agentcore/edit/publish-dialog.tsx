import { CreateDatasetVersionCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useEffect, useRef } from 'react';
import { useClients } from '../../lib/clients.js';
import { count } from '../../lib/format.js';
import { Problem } from '../../shell/problem.js';
import { DiffTabs, useVersionDiff } from '../diff-page.js';
import { WriteStatus } from './write-status.js';
import { useDatasetWrite } from './use-dataset-write.js';

/**
 * Publishing the draft as a new version (CreateDatasetVersion, with a clientToken), after seeing
 * what changed since the last published version: the same diff as the Compare page.
 */
export function PublishDialog({ datasetId, lastVersion, onClose }: { datasetId: string; lastVersion: string | undefined; onClose: (published: boolean) => void }) {
  const { agentcore } = useClients();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  // Nothing published yet: every example of the draft is new.
  const { diff, progress } = useVersionDiff(datasetId, lastVersion ?? 'DRAFT', 'DRAFT');
  const write = useDatasetWrite(datasetId);
  const published = useRef(false);
  const publish = async () => {
    if (await write.run({ publish: datasetId }, (clientToken) => agentcore.send(new CreateDatasetVersionCommand({ datasetId, clientToken })))) {
      published.current = true;
      dialog.current?.close();
    }
  };
  const busy = write.busy;
  const d = diff.data;
  const nothing = d && lastVersion !== undefined && d.added.length + d.changed.length + d.removed.length === 0;
  return (
    <dialog ref={dialog} className="publish-dialog" aria-labelledby="publish-title" onClose={() => onClose(published.current)} onCancel={(e) => { if (busy) e.preventDefault(); }}>
      <h2 id="publish-title">Publish the draft as a new version</h2>
      <p className="small muted">
        {lastVersion === undefined ? 'Nothing is published yet: the new version will hold every example of the draft.' : `What changed since version ${lastVersion}:`}
      </p>
      {diff.error !== undefined && <Problem error={diff.error} retry={diff.reload} />}
      {diff.loading && <p className="muted" aria-live="polite">Reading examples: {count(progress.from + progress.to)}…</p>}
      {d && lastVersion !== undefined && <div className="publish-diff"><DiffTabs diff={d} from={lastVersion} to="DRAFT" /></div>}
      {d && lastVersion === undefined && <p>{count(d.unchanged)} examples.</p>}
      {nothing && <p className="note small">The draft is the same as version {lastVersion}.</p>}
      <WriteStatus state={write.state} done="Published" />
      <div className="dialog-actions">
        <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>Cancel</button>
        <button type="button" className="primary" onClick={() => void publish()} disabled={busy || !d}>Publish version</button>
      </div>
    </dialog>
  );
}
