import { describe, expect, it } from 'vitest';
import { countListedLines, entriesText, sumServerCounts } from '../../../console/src/rekognition/error-counts-model.js';
import type { ErrorCountsAnswer } from '../../../console/src/rekognition/error-counts-model.js';
import { count } from '../../../console/src/lib/format.js';
import { detectionLine } from '../../harness/rekognition.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';

/** GetDatasetErrorCounts answers over `calls` calls: each call's counts, the last without a token. */
function server(answers: Omit<ErrorCountsAnswer, 'revision' | 'nextToken'>[]) {
  const asked: (string | undefined)[] = [];
  return {
    asked,
    call: async (token: string | undefined): Promise<ErrorCountsAnswer> => {
      asked.push(token);
      const index = token === undefined ? 0 : Number(token.slice(1));
      return { revision: 7, ...answers[index], nextToken: index + 1 < answers.length ? `t${index + 1}` : undefined };
    },
  };
}

describe('the errors-by-code summary', () => {
  it('sums the server\'s counts over its calls, following its tokens, exact when the last call has none', async () => {
    const api = server([
      { entriesRead: 1500, errorCounts: [{ code: 'ERROR_INVALID_BOUNDING_BOX', entries: 1500 }, { code: 'ERROR_NO_LABEL_ATTRIBUTES', entries: 3 }] },
      { entriesRead: 1500, errorCounts: [{ code: 'ERROR_INVALID_BOUNDING_BOX', entries: 1000 }, { code: 'ERROR_NO_LABEL_ATTRIBUTES', entries: 500 }] },
      { entriesRead: 10, errorCounts: [{ code: 'ERROR_INVALID_IMAGE', entries: 10 }] },
    ]);
    expect(await sumServerCounts(api.call)).toEqual({
      codes: [['ERROR_INVALID_BOUNDING_BOX', 2500], ['ERROR_NO_LABEL_ATTRIBUTES', 503], ['ERROR_INVALID_IMAGE', 10]], read: 3010, complete: true,
    });
    expect(api.asked).toEqual([undefined, 't1', 't2']);
  });

  it('says "at least" when it stops before the server has counted every entry', async () => {
    const api = server(Array.from({ length: 5 }, () => ({ entriesRead: 100, errorCounts: [{ code: 'ERROR_INVALID_IMAGE', entries: 100 }] })));
    const partial = await sumServerCounts(api.call, 3);
    expect(partial).toEqual({ codes: [['ERROR_INVALID_IMAGE', 300]], read: 300, complete: false });
    expect(api.asked).toHaveLength(3);
    expect(entriesText(2_300, partial.complete, count)).toBe('at least 2,300 entries');
    expect(entriesText(1, true, count)).toBe('1 entry');
    expect(entriesText(2_300, true, count)).toBe('2,300 entries');
  });

  it('counts listed lines itself, once per code and entry, up to its cap, for a key the server may not count for', async () => {
    const stored = (i: number) => {
      const outcome = validateLine(detectionLine(`s3://bucket/${i}.png`, [
        { label: 'car', left: 600, top: 10, width: 100, height: 50 }, { label: 'car', left: 700, top: 10, width: 100, height: 50 },
      ]));
      if (outcome.kind !== 'entry') throw new Error('a line with errors is kept');
      return outcome.entry.line;
    };
    const pages = (total: number) => async (token: string | undefined) => {
      const from = Number(token ?? 0);
      const lines = Array.from({ length: Math.min(100, total - from) }, (_, i) => stored(from + i));
      return { lines, nextToken: from + 100 < total ? String(from + 100) : undefined };
    };
    const whole = await countListedLines(pages(250));
    expect(whole.complete).toBe(true);
    expect(whole.read).toBe(250);
    // Two bad boxes in one entry: that entry counts once for their code.
    expect(Object.fromEntries(whole.codes)).toMatchObject({ ERROR_INVALID_BOUNDING_BOX: 250 });
    expect(await countListedLines(pages(2_500))).toMatchObject({ read: 2_000, complete: false });
  });
});
