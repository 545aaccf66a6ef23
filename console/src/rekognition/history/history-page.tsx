import { useState } from 'react';
import { useHistoryClient } from '../../lib/api-clients.js';
import { useTrovePermission } from '../../lib/caller.js';
import { errorCode } from '../../lib/errors.js';
import { useAsync } from '../../lib/hooks.js';
import type { Decision } from '../../lib/permissions.js';
import { href, Link, navigate } from '../../lib/router.js';
import { PagerControls, usePages } from '../../shell/pager.js';
import { Problem } from '../../shell/problem.js';
import { DatasetHead, DatasetNotFound } from '../dataset-head.js';
import { useDataset } from '../use-dataset.js';
import { compareOrder, timelineRow } from './history-model.js';
import type { RevisionWire, SnapshotWire } from './history-model.js';
import { RevisionItem } from './revision-item.js';
import { SnapshotsPanel } from './snapshots-panel.js';
import type { Restoring } from './snapshots-panel.js';
import './history.css';

/** Revisions per page of the timeline. */
const PAGE = 20;

/**
 * A Rekognition dataset's history (Trove API, docs/trove-api.md): its revisions newest first,
 * each with who made it, when and what it did to the entries, its ingest report and its
 * snapshots; the snapshots beside them, to compare, restore or delete; two revisions or
 * snapshots ticked open their diff.
 */
export function DatasetHistoryPage({ arn }: { arn: string }) {
  const dataset = useDataset(arn);
  const history = useHistoryClient();
  const description = dataset.data;
  const status = description?.Status;
  // Read again whenever the dataset settles into a new state (a change or a restore is done).
  const settledAt = status?.endsWith('_IN_PROGRESS') ? 'busy' : `${status}/${description?.LastUpdatedTimestamp?.getTime()}`;
  const [generation, setGeneration] = useState(0);
  const refresh = () => setGeneration((g) => g + 1);

  const permissions = {
    list: useTrovePermission('ListDatasetRevisions', [arn]),
    snapshots: useTrovePermission('ListDatasetSnapshots', [arn]),
    create: useTrovePermission('CreateDatasetSnapshot', [arn]),
    remove: useTrovePermission('DeleteDatasetSnapshot', [arn]),
    restore: useTrovePermission('RestoreDatasetSnapshot', [arn]),
    report: useTrovePermission('GetDatasetIngestReport', [arn]),
    diff: useTrovePermission('DiffDatasetRevisions', [arn]),
    exportEntries: useTrovePermission('CreateDatasetExport', [arn]),
    importFile: useTrovePermission('UploadDatasetImport', [arn]),
  };

  const revisions = usePages<RevisionWire>(async (token) => {
    if (!permissions.list.allowed) return { items: [] };
    const page = await history.listRevisions(arn, { maxResults: PAGE, nextToken: token });
    return { items: page.revisions, nextToken: page.nextToken };
  }, [arn, settledAt, generation, permissions.list.allowed]);
  const snapshots = useAsync<SnapshotWire[]>(
    async () => (permissions.snapshots.allowed ? history.all((nextToken) => history.listSnapshots(arn, { maxResults: 100, nextToken }), (page) => page.snapshots) : []),
    [arn, settledAt, generation, permissions.snapshots.allowed],
  );
  const [restoring, setRestoring] = useState<Restoring>();
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (point: string) => setPicked((p) => (p.includes(point) ? p.filter((x) => x !== point) : [...p, point].slice(-2)));
  const compare = () => {
    const [from, to] = compareOrder(picked[0], picked[1], snapshots.data ?? []);
    navigate(href('/rekognition/dataset/diff', { arn, from, to }));
  };

  if (dataset.error !== undefined && errorCode(dataset.error) === 'ResourceNotFoundException') return <DatasetNotFound arn={arn} />;
  const rows = (revisions.page.data?.items ?? []).map(timelineRow);
  const newest = revisions.page.data?.number === 1 ? rows[0]?.revision : undefined;
  const denied = uniqueReasons(Object.values(permissions));
  const busy = status?.endsWith('_IN_PROGRESS') ? status : undefined;
  // The restore's revision, once the timeline has it (its job is done, or failed).
  const restored = restoring && !busy ? rows.find((row) => row.revision === restoring.revision) : undefined;
  return (
    <div className="history-page">
      <DatasetHead arn={arn} dataset={dataset} view="history" trail={[{ label: 'History' }]} />
      {denied.length > 0 && (
        <ul className="read-only-reasons small muted" aria-label="What this access key may not do here">
          {denied.map((reason) => <li key={reason}>{reason}</li>)}
        </ul>
      )}
      {restoring && (
        <p className="note" role="status">
          {!restored && <>Restoring snapshot <strong>{restoring.snapshot}</strong>: revision {restoring.revision} is being written ({busy ?? 'UPDATE_IN_PROGRESS'}).</>}
          {restored?.failed && <>Restoring snapshot <strong>{restoring.snapshot}</strong> failed: {restored.failure?.code}: {restored.failure?.message}</>}
          {restored && !restored.failed && (
            <>Snapshot <strong>{restoring.snapshot}</strong> was restored as revision {restoring.revision}. <Link to={href('/rekognition/dataset', { arn })}>Show the entries</Link></>
          )}
        </p>
      )}
      <div className="history-body">
        <section className="revision-timeline" aria-labelledby="revisions-heading">
          <div className="timeline-head">
            <h2 id="revisions-heading">Revisions</h2>
            <button type="button" onClick={compare} disabled={picked.length !== 2 || !permissions.diff.allowed}
              title={permissions.diff.allowed ? undefined : permissions.diff.reason}>
              {picked.length === 2 ? `Compare ${pickedName(picked[0])} and ${pickedName(picked[1])}` : 'Tick two to compare'}
            </button>
          </div>
          {!permissions.list.allowed && <p className="muted">{permissions.list.reason}</p>}
          {revisions.page.error !== undefined && <Problem error={revisions.page.error} retry={revisions.page.reload} />}
          {revisions.page.loading && rows.length === 0 && <p className="muted" role="status">Reading the history…</p>}
          <ol className="revisions">
            {rows.map((row, i) => (
              <RevisionItem
                key={row.revision} arn={arn} row={row} current={row.revision === newest}
                previousReadable={rows[i + 1]?.readable ?? true}
                picked={picked.includes(String(row.revision))} onPick={() => toggle(String(row.revision))}
                permissions={permissions} onSnapshot={refresh}
              />
            ))}
          </ol>
          <PagerControls number={revisions.number} previous={revisions.previous} next={revisions.next} label="Pages of revisions" />
        </section>
        <SnapshotsPanel
          arn={arn} snapshots={snapshots} picked={picked} onPick={toggle}
          current={newest === undefined ? undefined : { revision: newest, entryCount: rows[0].entryCount }}
          busy={busy} permissions={permissions}
          onDeleted={refresh}
          onRestoring={(next) => {
            setRestoring(next);
            dataset.reload();
          }}
        />
      </div>
    </div>
  );
}

function pickedName(point: string): string {
  return /^\d+$/.test(point) ? `revision ${point}` : point;
}

/** Each refusal once (several controls may be refused for the same reason). */
function uniqueReasons(decisions: readonly Decision[]): string[] {
  return [...new Set(decisions.flatMap((d) => (d.allowed ? [] : [d.reason])))];
}
