import type { SnapshotWire } from '../../../client/dataset-history-client.js';
import { columns, required, revisionNumber, time } from './subcommand.js';
import type { DatasetsSubcommand } from './subcommand.js';
import { counted } from '../../terminal-text.js';

/** How often `restore --wait` looks whether the restore is done. */
const POLL_MS = 500;

export const snapshotCommand: DatasetsSubcommand = {
  name: 'snapshot',
  usage: 'snapshot --dataset-arn ARN --name NAME [--revision N]',
  summary: 'names a revision (default: the current one) and keeps its entries',
  async run({ values, history, out }) {
    const revision = values.revision === undefined ? undefined : revisionNumber(values.revision, 'revision');
    const { snapshot } = await history.createSnapshot(values['dataset-arn']!, required(values, 'name'), revision);
    out(values.json ? `${JSON.stringify({ snapshot }, null, 2)}\n` : `snapshot ${snapshot.name}: revision ${snapshot.revision}${snapshot.entryCount === undefined ? '' : `, ${counted(snapshot.entryCount, 'entry', 'entries')}`}\n`);
    return 0;
  },
};

export const snapshotsCommand: DatasetsSubcommand = {
  name: 'snapshots',
  usage: 'snapshots --dataset-arn ARN',
  summary: "the dataset's snapshots",
  async run({ values, history, out }) {
    const arn = values['dataset-arn']!;
    const snapshots = await history.all((nextToken) => history.listSnapshots(arn, { maxResults: 1000, nextToken }), (page) => page.snapshots);
    if (values.json) out(`${JSON.stringify({ snapshots }, null, 2)}\n`);
    else if (snapshots.length === 0) out('no snapshots\n');
    else out(columns([['NAME', 'REVISION', 'CREATED', 'ACCESS KEY'], ...snapshots.map((s: SnapshotWire) => [s.name, String(s.revision), time(s.createdAt), s.accessKeyId ?? '-'])]));
    return 0;
  },
};

export const deleteSnapshotCommand: DatasetsSubcommand = {
  name: 'delete-snapshot',
  usage: 'delete-snapshot --dataset-arn ARN --name NAME',
  summary: 'deletes a snapshot (entries only it kept are then collected)',
  async run({ values, history, out }) {
    const name = required(values, 'name');
    await history.deleteSnapshot(values['dataset-arn']!, name);
    out(values.json ? `${JSON.stringify({ deleted: name })}\n` : `snapshot ${name} deleted\n`);
    return 0;
  },
};

export const restoreCommand: DatasetsSubcommand = {
  name: 'restore',
  usage: 'restore --dataset-arn ARN --snapshot NAME [--wait]',
  summary: "a new revision with the snapshot's entries (--wait: until it is done)",
  async run({ values, history, out }) {
    const arn = values['dataset-arn']!;
    const accepted = await history.restore(arn, required(values, 'snapshot'));
    if (!values.wait) {
      out(values.json ? `${JSON.stringify(accepted, null, 2)}\n`
        : `restoring snapshot ${accepted.snapshot.name} (revision ${accepted.snapshot.revision}) as revision ${accepted.revision}: ${accepted.status}\n`);
      return 0;
    }
    // The restore is done when its revision is in history, complete or failed.
    for (;;) {
      const [latest] = (await history.listRevisions(arn, { maxResults: 1 })).revisions;
      if (latest && latest.revision >= accepted.revision) {
        out(values.json ? `${JSON.stringify({ ...accepted, status: latest.status, revision: latest }, null, 2)}\n`
          : `restored snapshot ${accepted.snapshot.name} as revision ${latest.revision}: ${latest.status}${latest.failure ? ` ${latest.failure.code}: ${latest.failure.message}` : ''}, `
            + `${counted(latest.entryCount, 'entry', 'entries')} (${latest.counts.entriesReplaced + latest.counts.entriesAdded} written back, ${latest.counts.entriesRemoved} removed)\n`);
        return latest.status === 'COMPLETE' ? 0 : 1;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  },
};
