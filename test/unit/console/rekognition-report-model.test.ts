import { describe, expect, it } from 'vitest';
import { explainDrop, reportIntro, reportRow } from '../../../console/src/rekognition/history/report-model.js';
import { DROP_REASONS, LINE_ERRORS } from '../../../src/domain/rekognition/manifest/error-codes.js';

const ZERO = { linesReceived: 0, linesDropped: 0, entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: 0, entriesRemoved: 0, entriesWithErrors: 0 };

describe('report rows: an ingest report as a person reads it', () => {
  it('gives each dropped line its reason in Trove\'s words, and keeps its line number, source-ref and message', () => {
    const row = reportRow({ lineNumber: 5, problem: 'DROPPED', reason: 'DUPLICATE_SOURCE_REF', message: 'The source-ref appears on an earlier line of the same change.', sourceRef: 's3://b/a.png' }, { status: 'COMPLETE' });
    expect(row).toEqual({
      kind: 'dropped', lineNumber: 5, sourceRef: 's3://b/a.png',
      reason: { code: 'DUPLICATE_SOURCE_REF', words: DROP_REASONS.DUPLICATE_SOURCE_REF.explanation },
      message: 'The source-ref appears on an earlier line of the same change.',
    });
    expect(reportRow({ lineNumber: 2, problem: 'DROPPED', reason: 'INVALID_JSON', message: 'm' }, { status: 'COMPLETE' })).toMatchObject({ sourceRef: undefined });
    for (const reason of Object.keys(DROP_REASONS)) expect(explainDrop(reason)).toBe(DROP_REASONS[reason as keyof typeof DROP_REASONS].explanation);
    expect(explainDrop('SOMETHING_NEW')).toBeUndefined();
    expect(explainDrop('toString')).toBeUndefined();
  });

  it('explains each error code of an entry written with errors, and links it only when the change was applied', () => {
    const item = { lineNumber: 6, problem: 'ERRORS' as const, sourceRef: 's3://b/m.png', errorCodes: ['ERROR_INVALID_BOUNDING_BOX', 'ERROR_FROM_THE_FUTURE'] };
    expect(reportRow(item, { status: 'COMPLETE' })).toEqual({
      kind: 'errors', lineNumber: 6, sourceRef: 's3://b/m.png', linkable: true,
      errors: [{ code: 'ERROR_INVALID_BOUNDING_BOX', words: LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.explanation }, { code: 'ERROR_FROM_THE_FUTURE', words: undefined }],
    });
    expect(reportRow(item, { status: 'FAILED' })).toMatchObject({ linkable: false });
  });

  it('introduces the report with what became of the lines, a failure, and items past the limit', () => {
    expect(reportIntro({ status: 'COMPLETE', counts: { ...ZERO, linesReceived: 20, linesDropped: 4, entriesWithErrors: 1 }, report: { items: 5, omitted: 0 } }))
      .toBe('Of 20 lines received, 4 lines were dropped and 1 entry was written with errors.');
    expect(reportIntro({ status: 'FAILED', failure: { code: 'ERROR_TOO_MANY_RECORDS_IN_ERROR', message: '' }, counts: { ...ZERO, linesReceived: 1, linesDropped: 1 }, report: { items: 1, omitted: 2 } }))
      .toBe('Of 1 line received, 1 line was dropped and 0 entries were written with errors. The change failed, so none of its entries were written: the report says what it held.'
        + ' The report keeps 8 MiB of items; 2 more items are counted but not listed.');
    expect(reportIntro({ status: 'COMPLETE', counts: { ...ZERO, linesReceived: 3 }, report: { items: 0, omitted: 0 } })).toBe('Every line of this change became an entry without errors.');
    expect(reportIntro({ status: 'COMPLETE', counts: ZERO, report: { items: 0, omitted: 0 } })).toBe('This revision read no lines, so it has no ingest report.');
  });

  it('says that a failed change without report items wrote nothing: before reading any line, or after clean lines', () => {
    const failure = { code: 'ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT', message: 'gone' };
    expect(reportIntro({ status: 'FAILED', failure, counts: ZERO, report: { items: 0, omitted: 0 } }))
      .toBe('The change failed before reading any line, so it applied nothing and has no ingest report.');
    expect(reportIntro({ status: 'FAILED', failure: { code: 'ERROR_MANIFEST_TOO_MANY_LABELS', message: '' }, counts: { ...ZERO, linesReceived: 3 }, report: { items: 0, omitted: 0 } }))
      .toBe('The change failed after reading 3 lines, none dropped or with errors, so none of its entries were written.');
  });

  it('does not say a given-up or cancelled change read no line: its revision kept no counts', () => {
    for (const code of ['CANCELLED', 'SERVICE_ERROR']) {
      expect(reportIntro({ status: 'FAILED', failure: { code, message: '' }, counts: ZERO, report: { items: 0, omitted: 0 } }))
        .toBe('The change was given up or cancelled: its lines were not counted, and none of its entries were written.');
    }
  });
});
