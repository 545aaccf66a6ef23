import { describe, expect, it } from 'vitest';
import { countErrorCodes, ERROR_COUNT_PAGE, entryErrorCodes } from '../../../src/domain/rekognition/error-counts.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { detectionLine } from '../../harness/rekognition.js';

function stored(text: string): string {
  const outcome = validateLine(text);
  if (outcome.kind !== 'entry') throw new Error(`dropped: ${outcome.reason}`);
  return outcome.entry.line;
}

describe('entryErrorCodes: the codes of one stored line', () => {
  it('finds codes at the line, on a box and on an attribute, each once', () => {
    const line = stored(detectionLine('s3://bucket/a.png', [
      { label: 'car', left: 600, top: 10, width: 100, height: 50 }, { label: 'car', left: 610, top: 10, width: 100, height: 50 },
    ]));
    expect([...entryErrorCodes(line)].sort()).toEqual(['ERROR_INVALID_BOUNDING_BOX', 'ERROR_NO_VALID_ANNOTATIONS', 'ERROR_NO_VALID_LABEL_ATTRIBUTES']);
  });

  it('counts only Trove\'s codes where Trove writes them: nothing from text that is not such a line', () => {
    expect(entryErrorCodes('not json')).toEqual(new Set());
    expect(entryErrorCodes('[1]')).toEqual(new Set());
    // Unknown codes and cl-errors outside the places Trove writes them are not counted.
    expect(entryErrorCodes(JSON.stringify({
      'source-ref': 's3://bucket/a.png', 'cl-errors': [{ code: 'MADE_UP' }, { code: 'ERROR_INVALID_IMAGE' }, 'text', null],
      deep: { nested: { 'cl-errors': [{ code: 'ERROR_INVALID_BOUNDING_BOX' }] } },
    }))).toEqual(new Set(['ERROR_INVALID_IMAGE']));
  });
});

describe('countErrorCodes: one call\'s walk within its budget', () => {
  const line = JSON.stringify({ 'source-ref': 's3://bucket/a.png', 'cl-errors': [{ code: 'ERROR_INVALID_IMAGE' }] });
  const rows = (total: number) => async (afterId: number, limit: number) =>
    Array.from({ length: Math.max(0, Math.min(limit, total - afterId)) }, (_, i) => ({ id: afterId + i + 1, line }));

  it('reads to the end when the budget allows, with no id to go on after', async () => {
    expect(await countErrorCodes(rows(250), 0, { bytes: 1e9, ms: 1e9 })).toEqual({ codes: new Map([['ERROR_INVALID_IMAGE', 250]]), entries: 250, afterId: undefined });
  });

  it('stops after the page that spends the bytes or the time, and says where to go on', async () => {
    const byBytes = await countErrorCodes(rows(1_000), 0, { bytes: Buffer.byteLength(line) * 150, ms: 1e9 });
    expect(byBytes).toMatchObject({ entries: 2 * ERROR_COUNT_PAGE, afterId: 2 * ERROR_COUNT_PAGE });
    let now = 0;
    const slow = async (afterId: number, limit: number) => { now += 400; return rows(1_000)(afterId, limit); };
    const byTime = await countErrorCodes(slow, 300, { bytes: 1e12, ms: 1_000 }, () => now);
    expect(byTime).toMatchObject({ entries: 3 * ERROR_COUNT_PAGE, afterId: 300 + 3 * ERROR_COUNT_PAGE });
    // Even a budget spent before the first page reads one page: every call makes progress.
    expect(await countErrorCodes(rows(1_000), 0, { bytes: 0, ms: 0 })).toMatchObject({ entries: ERROR_COUNT_PAGE, afterId: ERROR_COUNT_PAGE });
  });
});
