import { describe, expect, it } from 'vitest';
import type { RevisionWire, SnapshotWire } from '../../../console/src/rekognition/history/history-model.js';
import { compareOrder, parsePoint, pointName, restoreConsequences, timelineRow } from '../../../console/src/rekognition/history/history-model.js';
import { snapshotNameProblem } from '../../../src/domain/rekognition/history/snapshot-names.js';

const ZERO = { linesReceived: 0, linesDropped: 0, entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: 0, entriesRemoved: 0, entriesWithErrors: 0 };

function revision(overrides: Partial<RevisionWire>): RevisionWire {
  return {
    revision: 2, operation: 'UpdateDatasetEntries', status: 'COMPLETE', committedAt: 1_765_000_000, accessKeyId: 'AKIAEXAMPLE',
    counts: ZERO, entryCount: 0, report: { items: 0, omitted: 0 }, snapshots: [], entriesReadable: true, ...overrides,
  };
}

describe('timelineRow: a revision as the history timeline shows it', () => {
  it('names what made it and shows every figure of a change that read lines, zeros muted, removals only when there were some', () => {
    const row = timelineRow(revision({
      counts: { ...ZERO, linesReceived: 1200, entriesAdded: 3, entriesReplaced: 1000, entriesWithErrors: 2, linesDropped: 4, entriesUnchanged: 193 },
      entryCount: 5003, report: { items: 6, omitted: 0 }, snapshots: ['flowers-v1'],
    }));
    expect(row.title).toBe('Entries updated');
    expect(row.figures.map((f) => [f.text, f.tone])).toEqual([
      ['1,200 lines received', 'plain'], ['3 added', 'plain'], ['1,000 replaced', 'plain'], ['193 unchanged', 'plain'],
      ['2 with errors', 'bad'], ['4 dropped', 'bad'],
    ]);
    expect(row).toMatchObject({ readLines: true, hasReport: true, report: '4 lines dropped, 2 entries with errors', snapshots: ['flowers-v1'], readable: true, failed: false });
    expect(timelineRow(revision({ counts: { ...ZERO, linesReceived: 1, entriesUnchanged: 1 } })).figures.map((f) => [f.text, f.tone])).toEqual([
      ['1 line received', 'plain'], ['0 added', 'muted'], ['0 replaced', 'muted'], ['1 unchanged', 'plain'], ['0 with errors', 'muted'], ['0 dropped', 'muted'],
    ]);
  });

  it('shows only what a restore or a distribution did, and says where the content came from', () => {
    const restore = timelineRow(revision({ operation: 'RestoreDatasetSnapshot', source: 'snapshot flowers-v1 (revision 3)', counts: { ...ZERO, entriesReplaced: 1, entriesRemoved: 2 } }));
    expect(restore.title).toBe('Snapshot restored');
    expect(restore.source).toBe('snapshot flowers-v1 (revision 3)');
    expect(restore.figures.map((f) => f.text)).toEqual(['1 replaced', '2 removed']);
    expect(restore).toMatchObject({ readLines: false, hasReport: false });
    const distribute = timelineRow(revision({ operation: 'DistributeDatasetEntries', source: 'arn:aws:rekognition:us-east-1:1:project/p/dataset/test/2', counts: { ...ZERO, entriesRemoved: 5 } }));
    expect(distribute.source).toBe('with arn:aws:rekognition:us-east-1:1:project/p/dataset/test/2');
    expect(timelineRow(revision({ operation: 'CreateDataset', source: 's3://b/train.manifest', counts: { ...ZERO, linesReceived: 2, entriesAdded: 2 } })).source)
      .toBe('from the manifest s3://b/train.manifest');
    expect(timelineRow(revision({ operation: 'CreateDataset' })).source).toBe('empty');
    expect(timelineRow(revision({ operation: 'CreateDataset', source: 'arn:aws:rekognition:us-east-1:1:project/p/dataset/train/1' })).source).toMatch(/^a copy of arn:/);
    expect(timelineRow(revision({ operation: 'HistoryStarted' })).title).toBe('History started');
    expect(timelineRow(revision({ operation: 'StartDatasetImport' })).title).toBe('StartDatasetImport');
  });

  it('marks a failed change with its failure, and a collected revision as unreadable; counts past the report limit', () => {
    const failed = timelineRow(revision({
      status: 'FAILED', failure: { code: 'ERROR_TOO_MANY_RECORDS_IN_ERROR', message: 'too many' },
      counts: { ...ZERO, linesReceived: 10, linesDropped: 9 }, report: { items: 9, omitted: 0 },
    }));
    expect(failed).toMatchObject({ failed: true, failure: { code: 'ERROR_TOO_MANY_RECORDS_IN_ERROR' }, hasReport: true, report: '9 lines dropped' });
    expect(timelineRow(revision({ entriesReadable: false })).readable).toBe(false);
    expect(timelineRow(revision({ counts: { ...ZERO, linesReceived: 200_000, linesDropped: 200_000 }, report: { items: 100_000, omitted: 100_000 } })).report)
      .toBe('200,000 lines dropped (100,000 past the report\'s limit not listed)');
    expect(timelineRow(revision({ counts: { ...ZERO, linesReceived: 3, entriesAdded: 3 } })).report).toBe('nothing dropped, no errors');
  });

  it('does not show a given-up or cancelled change\'s zeros as counts: its lines were not counted', () => {
    for (const code of ['CANCELLED', 'SERVICE_ERROR']) {
      const row = timelineRow(revision({ status: 'FAILED', failure: { code, message: 'stopped' } }));
      expect(row.figures.map((f) => [f.text, f.tone])).toEqual([['lines not counted', 'muted']]);
      expect(row.figures[0].title).toMatch(/^The change was given up or cancelled/);
      expect(row).toMatchObject({ linesCounted: false, readLines: true, hasReport: false });
    }
    // Any other failure read what its counts say.
    const counted = timelineRow(revision({ status: 'FAILED', failure: { code: 'ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT', message: 'gone' } }));
    expect(counted.linesCounted).toBe(true);
    expect(counted.figures[0].text).toBe('0 lines received');
  });
});

describe('revisions and snapshots by name', () => {
  const snapshots: SnapshotWire[] = [{ name: 'v1', revision: 3, createdAt: 0 }, { name: 'late', revision: 9, createdAt: 0 }];

  it('names points for people and reads them as the API does', () => {
    expect(pointName({ revision: 3, snapshot: 'v1' })).toBe('snapshot v1 (revision 3)');
    expect(pointName({ revision: 7 })).toBe('revision 7');
    expect(pointName({ revision: 7 }, 7)).toBe('now (revision 7)');
    expect(pointName(undefined)).toBe('now');
    expect(parsePoint('12')).toEqual({ revision: 12 });
    expect(parsePoint('v1')).toEqual({ snapshot: 'v1' });
  });

  it('orders two picked points older first, snapshots by their revision', () => {
    expect(compareOrder('5', '2', snapshots)).toEqual(['2', '5']);
    expect(compareOrder('late', '4', snapshots)).toEqual(['4', 'late']);
    expect(compareOrder('v1', '4', snapshots)).toEqual(['v1', '4']);
    expect(compareOrder('2', 'v1', snapshots)).toEqual(['2', 'v1']);
  });

  it('checks a snapshot name with the server\'s own rule', () => {
    expect(snapshotNameProblem('flowers-v1.2_b')).toBeUndefined();
    expect(snapshotNameProblem('123')).toMatch(/only digits/);
    expect(snapshotNameProblem('-x')).toMatch(/starting with a letter or digit/);
    expect(snapshotNameProblem('a'.repeat(101))).toMatch(/1 to 100/);
    expect(snapshotNameProblem('a b')).toBeDefined();
  });

  it('says what a restore does: the next revision equals the snapshot, the current one stays in history', () => {
    expect(restoreConsequences({ name: 'v1', revision: 3, createdAt: 0, entryCount: 1 }, { revision: 8, entryCount: 12 })).toEqual([
      'Trove writes revision 9, whose entries are exactly those of snapshot v1 at revision 3 (1 entry): entries the snapshot had are written back as they were, entries it lacked are removed.',
      'Revision 8 (12 entries) stays in the history; its entries stay readable for a day, or for good if you snapshot it first. The snapshot stays too.',
      'The dataset is UPDATE_IN_PROGRESS until the restore is done, as during UpdateDatasetEntries: no other change is accepted meanwhile.',
    ]);
    expect(restoreConsequences({ name: 'v1', revision: 3, createdAt: 0 }, undefined)[0]).toMatch(/^Trove writes a new revision, whose entries are exactly those of snapshot v1 at revision 3: /);
  });
});
