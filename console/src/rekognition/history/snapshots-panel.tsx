import { useEffect, useRef, useState } from 'react';
import { ENTRY_FORMATS, useExchangeClient, useHistoryClient } from '../../lib/api-clients.js';
import { count, when } from '../../lib/format.js';
import type { AsyncState } from '../../lib/hooks.js';
import { href } from '../../lib/router.js';
import { useAction } from '../../lib/use-action.js';
import { ExportMenu } from '../../shell/export-menu.js';
import { Problem } from '../../shell/problem.js';
import { restoreConsequences } from './history-model.js';
import type { SnapshotWire } from './history-model.js';
import { ActionLink } from './revision-item.js';
import type { HistoryPermissions } from './revision-item.js';

/** A restore accepted: the snapshot, and the revision its job is writing. */
export interface Restoring {
  readonly snapshot: string;
  readonly revision: number;
}

/** The dataset's snapshots (ListDatasetSnapshots, name order) with what can be done with each. */
export function SnapshotsPanel({ arn, snapshots, picked, onPick, current, busy, permissions, onDeleted, onRestoring }: {
  arn: string; snapshots: AsyncState<SnapshotWire[]>; picked: readonly string[]; onPick: (name: string) => void;
  current: { revision: number; entryCount: number } | undefined; busy: string | undefined; permissions: HistoryPermissions;
  onDeleted: () => void; onRestoring: (restoring: Restoring) => void;
}) {
  const [confirming, setConfirming] = useState<SnapshotWire>();
  const list = snapshots.data ?? [];
  return (
    <section className="snapshot-panel panel" aria-labelledby="snapshots-heading">
      <h2 id="snapshots-heading">Snapshots</h2>
      <p className="small muted">A snapshot names a revision and keeps its entries readable, exactly as they were, until it is deleted.</p>
      {snapshots.error !== undefined && <Problem error={snapshots.error} retry={snapshots.reload} />}
      {!snapshots.loading && snapshots.error === undefined && list.length === 0 && (
        <p className="small">No snapshots yet: <strong>Snapshot…</strong> on a revision names it.</p>
      )}
      <ul className="snapshots">
        {list.map((snapshot) => (
          <SnapshotItem key={snapshot.name} arn={arn} snapshot={snapshot} picked={picked.includes(snapshot.name)} onPick={() => onPick(snapshot.name)}
            busy={busy} permissions={permissions} onDeleted={onDeleted} onRestore={() => setConfirming(snapshot)} />
        ))}
      </ul>
      {confirming && (
        <RestoreDialog arn={arn} snapshot={confirming} current={current} onClose={() => setConfirming(undefined)}
          onRestoring={(restoring) => {
            setConfirming(undefined);
            onRestoring(restoring);
          }} />
      )}
    </section>
  );
}

function SnapshotItem({ arn, snapshot, picked, onPick, busy, permissions, onDeleted, onRestore }: {
  arn: string; snapshot: SnapshotWire; picked: boolean; onPick: () => void; busy: string | undefined; permissions: HistoryPermissions;
  onDeleted: () => void; onRestore: () => void;
}) {
  const history = useHistoryClient();
  const exchange = useExchangeClient();
  const [deleting, setDeleting] = useState(false);
  const action = useAction();
  const restoreRefused = !permissions.restore.allowed ? permissions.restore.reason
    : busy ? `The dataset is busy (${busy}); restore once it has settled.` : undefined;
  const deleteRefused = permissions.remove.allowed ? undefined : permissions.remove.reason;
  const compareRefused = permissions.diff.allowed ? undefined : permissions.diff.reason;
  const remove = async () => {
    const done = await action.run(async () => {
      await history.deleteSnapshot(arn, snapshot.name);
      return true;
    });
    if (done) onDeleted();
  };
  return (
    <li className="snapshot" data-snapshot={snapshot.name}>
      <div className="snapshot-head">
        <input type="checkbox" checked={picked} onChange={onPick} disabled={compareRefused !== undefined}
          aria-label={`Select snapshot ${snapshot.name} to compare`} title={compareRefused} />
        <h3 className="snapshot-name">{snapshot.name}</h3>
      </div>
      <p className="small muted">
        revision {snapshot.revision}{snapshot.entryCount === undefined ? '' : ` · ${count(snapshot.entryCount)} ${snapshot.entryCount === 1 ? 'entry' : 'entries'}`}
        {' · '}{when(snapshot.createdAt)}{snapshot.accessKeyId && <> · by <code>{snapshot.accessKeyId}</code></>}
      </p>
      <div className="snapshot-actions">
        <ActionLink to={href('/rekognition/dataset/diff', { arn, from: snapshot.name })} refused={compareRefused}>Compare with now</ActionLink>
        <button type="button" className="small" onClick={onRestore} disabled={restoreRefused !== undefined} title={restoreRefused ?? `Make the dataset's entries those of ${snapshot.name} again`}>
          Restore…
        </button>
        {!deleting && (
          <button type="button" className="small danger" onClick={() => setDeleting(true)} disabled={deleteRefused !== undefined} title={deleteRefused}>Delete</button>
        )}
        <ExportMenu what={`snapshot ${snapshot.name}`} choices={ENTRY_FORMATS} create={(format) => exchange.exportEntries(arn, format, snapshot.name)}
          refused={permissions.exportEntries.allowed ? undefined : permissions.exportEntries.reason} inline />
      </div>
      {deleting && (
        <div className="confirm-inline" role="group" aria-label={`Delete snapshot ${snapshot.name}`}>
          <p className="small">
            Delete <strong>{snapshot.name}</strong>? Revision {snapshot.revision} stays in the history, but the entries only this snapshot kept may then be
            garbage-collected, and it can no longer be read, compared or restored.
          </p>
          <button type="button" className="small danger" onClick={() => void remove()} disabled={action.busy}>{action.busy ? 'Deleting…' : `Delete ${snapshot.name}`}</button>
          <button type="button" className="small" onClick={() => setDeleting(false)}>Keep it</button>
        </div>
      )}
      {action.error !== undefined && <Problem error={action.error} />}
    </li>
  );
}

/** Says what a restore does, then starts it (RestoreDatasetSnapshot): a new revision equal to the snapshot. */
function RestoreDialog({ arn, snapshot, current, onClose, onRestoring }: {
  arn: string; snapshot: SnapshotWire; current: { revision: number; entryCount: number } | undefined;
  onClose: () => void; onRestoring: (restoring: Restoring) => void;
}) {
  const history = useHistoryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const action = useAction();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const restore = async () => {
    const answer = await action.run(() => history.restore(arn, snapshot.name));
    if (answer) onRestoring({ snapshot: snapshot.name, revision: answer.revision });
  };
  return (
    <dialog ref={dialog} className="restore-dialog" aria-labelledby="restore-title" onClose={onClose} onCancel={onClose}>
      <h2 id="restore-title">Restore snapshot {snapshot.name}?</h2>
      <ul>
        {restoreConsequences(snapshot, current).map((line) => <li key={line}>{line}</li>)}
      </ul>
      {action.error !== undefined && <Problem error={action.error} />}
      <div className="dialog-actions">
        <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
        <button type="button" className="primary" onClick={() => void restore()} disabled={action.busy}>{action.busy ? 'Restoring…' : `Restore ${snapshot.name}`}</button>
      </div>
    </dialog>
  );
}
