import { describe, expect, it } from 'vitest';
import { IngestReport, MAX_REPORT_CHARS, readReportItems } from '../../../src/domain/rekognition/history/ingest-report.js';

describe('IngestReport', () => {
  it('keeps each dropped line with its reason and the source-ref the line names, and each entry with its error codes', () => {
    const report = new IngestReport();
    report.dropped(3, 'INVALID_JSON', undefined, '{"cat": 1, "source-ref": "s3://bucket/q\\"uote.jpg", oops');
    report.dropped(4, 'NOT_AN_OBJECT', undefined, '[1, 2]');
    report.dropped(9, 'DUPLICATE_SOURCE_REF', 's3://bucket/dup.jpg');
    report.wroteWithErrors(5, 's3://bucket/a.jpg', ['ERROR_INVALID_BOUNDING_BOX', 'ERROR_NO_VALID_ANNOTATIONS', 'ERROR_INVALID_BOUNDING_BOX']);
    expect(readReportItems(report.parts()).map(({ item }) => item)).toEqual([
      { lineNumber: 3, problem: 'DROPPED', reason: 'INVALID_JSON', message: 'The JSON Line has an invalid format.', sourceRef: 's3://bucket/q"uote.jpg' },
      { lineNumber: 4, problem: 'DROPPED', reason: 'NOT_AN_OBJECT', message: 'The JSON Line has an invalid format. A line must be a JSON object.' },
      { lineNumber: 5, problem: 'ERRORS', sourceRef: 's3://bucket/a.jpg', errorCodes: ['ERROR_INVALID_BOUNDING_BOX', 'ERROR_NO_VALID_ANNOTATIONS'] },
      { lineNumber: 9, problem: 'DROPPED', reason: 'DUPLICATE_SOURCE_REF', message: 'The source-ref appears on an earlier line of the same change.', sourceRef: 's3://bucket/dup.jpg' },
    ]);
  });

  it('fills the line-length message, and clips absurd source-refs', () => {
    const report = new IngestReport();
    report.dropped(2, 'LINE_TOO_LONG', `s3://bucket/${'k'.repeat(5000)}`);
    const [long] = readReportItems(report.parts()).map(({ item }) => item);
    expect(long).toMatchObject({ message: 'The JSON Line is longer than the maximum of 100000 characters.' });
    expect(long.sourceRef).toHaveLength(2049);
    expect(long.sourceRef!.endsWith('…')).toBe(true);
  });

  it('stores items in line order, in parts that number them, and counts what passes its size limit', () => {
    const report = new IngestReport();
    for (let line = 1200; line >= 1; line--) report.dropped(line, 'MISSING_SOURCE_REF');
    const parts = report.parts();
    expect(parts.map((part) => [part.part, part.firstItem])).toEqual([[0, 0], [1, 500], [2, 1000]]);
    const items = readReportItems(parts);
    expect(items.map(({ index, item }) => [index, 'lineNumber' in item && item.lineNumber])).toEqual(Array.from({ length: 1200 }, (_, i) => [i, i + 1]));

    const full = new IngestReport();
    const ref = `s3://bucket/${'r'.repeat(1000)}`;
    let added = 0;
    while (full.omitted === 0) full.dropped(++added, 'DUPLICATE_SOURCE_REF', ref);
    full.dropped(++added, 'DUPLICATE_SOURCE_REF', ref);
    expect(full.items + full.omitted).toBe(added);
    expect(full.omitted).toBe(2);
    // Items up to the limit, plus the commas and brackets that join them.
    const kept = full.parts();
    const stored = kept.reduce((sum, part) => sum + part.items.length, 0);
    expect(stored).toBeGreaterThan(MAX_REPORT_CHARS - 1100);
    expect(stored).toBeLessThanOrEqual(MAX_REPORT_CHARS + full.items + 2 * kept.length);
  });

  it('lists what an import\'s conversion left out before the lines, in the order met, and counts it past the size limit like any item', () => {
    const report = new IngestReport();
    report.dropped(2, 'MISSING_SOURCE_REF');
    report.leftOut({ reason: 'UNKNOWN_CATEGORY', message: 'annotation 12: no category with id 7' });
    report.wroteWithErrors(1, 's3://bucket/a.jpg', ['ERROR_INVALID_BOUNDING_BOX']);
    report.leftOut({ reason: 'IMAGE_SIZE_UNREADABLE', message: `s3://bucket/b.png: ${'m'.repeat(5000)}`, sourceRef: 's3://bucket/b.png' });
    const items = readReportItems(report.parts()).map(({ item }) => item);
    expect(items.map((item) => [item.problem, 'lineNumber' in item ? item.lineNumber : null])).toEqual([
      ['LEFT_OUT', null], ['LEFT_OUT', null], ['ERRORS', 1], ['DROPPED', 2],
    ]);
    expect(items[0]).toEqual({ problem: 'LEFT_OUT', reason: 'UNKNOWN_CATEGORY', message: 'annotation 12: no category with id 7' });
    // A message is kept up to 2,048 characters, like a source-ref.
    expect(items[1]).toMatchObject({ problem: 'LEFT_OUT', reason: 'IMAGE_SIZE_UNREADABLE', sourceRef: 's3://bucket/b.png' });
    expect((items[1] as { message: string }).message).toHaveLength(2049);

    const full = new IngestReport();
    let added = 0;
    while (full.omitted === 0) {
      added++;
      full.leftOut({ reason: 'UNKNOWN_IMAGE', message: `annotation ${added}: no image with id ${'9'.repeat(80)}` });
    }
    expect(full.items + full.omitted).toBe(added);
    expect(full.parts().reduce((sum, part) => sum + part.items.length, 0)).toBeLessThanOrEqual(MAX_REPORT_CHARS + full.items + 2 * full.parts().length);
  });
});
