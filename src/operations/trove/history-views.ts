import type { RevisionWire, SnapshotWire } from '../../api/trove/history-outputs.js';
import type { RevisionView } from '../../domain/rekognition/history/history-service.js';
import type { RevisionRecord, SnapshotRecord } from '../../store/rk-history-records.js';

/**
 * Wire forms of Rekognition history records (docs/trove-api.md): camelCase JSON, timestamps in
 * epoch seconds as restJson1 sends them, absent members omitted rather than null.
 */
export function revisionView(record: RevisionRecord | RevisionView): RevisionWire {
  return {
    revision: record.revision,
    operation: record.operation,
    status: record.status,
    ...(record.failureCode ? { failure: { code: record.failureCode, message: record.failureMessage ?? '' } } : {}),
    committedAt: seconds(record.committedAt),
    ...(record.accessKeyId ? { accessKeyId: record.accessKeyId } : {}),
    ...(record.source ? { source: record.source } : {}),
    counts: {
      linesReceived: record.linesReceived,
      linesDropped: record.linesDropped,
      entriesAdded: record.entriesAdded,
      entriesReplaced: record.entriesReplaced,
      entriesUnchanged: record.entriesUnchanged,
      entriesRemoved: record.entriesRemoved,
      entriesWithErrors: record.entriesWithErrors,
    },
    entryCount: record.entryCount,
    report: { items: record.reportItems, omitted: record.reportOmitted },
    ...(record.conversion ? { conversion: record.conversion } : {}),
    ...('snapshots' in record ? { snapshots: record.snapshots, entriesReadable: record.entriesReadable } : {}),
  };
}

export function snapshotView(snapshot: SnapshotRecord & { entryCount?: number }): SnapshotWire {
  return {
    name: snapshot.name,
    revision: snapshot.revision,
    createdAt: seconds(snapshot.createdAt),
    ...(snapshot.accessKeyId ? { accessKeyId: snapshot.accessKeyId } : {}),
    ...(snapshot.entryCount === undefined ? {} : { entryCount: snapshot.entryCount }),
  };
}

function seconds(ms: number): number {
  return ms / 1000;
}
