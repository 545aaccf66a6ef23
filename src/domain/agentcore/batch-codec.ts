/**
 * The body of a write-examples job accepted by Trove before the accepting transaction wrote inline
 * examples itself (such jobs may still be queued after an upgrade; write-examples.ts applies them):
 * the accepted batch, ready to insert. A JSON header line (ids, byte lengths, and for
 * replacements and deletions the live row each one supersedes) followed by the examples' content
 * JSON back to back, so the job slices the contents out without parsing the JSON again.
 * `encodeBatch` is the format's other half (tests write such jobs with it).
 */
export interface BatchBody {
  /** Example ids, in request order (add, update) or the ids to delete. */
  readonly exampleIds: readonly string[];
  /** Content JSON per example id (add, update); absent for deletions. */
  readonly contents?: readonly string[];
  /** The live row each example replaces or deletes, found when the request was accepted (update, delete). */
  readonly supersedes?: readonly { id: number; seq: number }[];
}

interface Header { i: readonly string[]; l?: number[]; s?: readonly [number, number][] }

export function encodeBatch(batch: BatchBody): Buffer {
  const contents = batch.contents?.map((content) => Buffer.from(content, 'utf8'));
  const header: Header = {
    i: batch.exampleIds,
    l: contents?.map((content) => content.length),
    s: batch.supersedes?.map((row) => [row.id, row.seq]),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), ...(contents ?? [])]);
}

export function decodeBatch(body: Buffer): BatchBody {
  const newline = body.indexOf(0x0a);
  const header = JSON.parse(body.subarray(0, newline).toString('utf8')) as Header;
  let offset = newline + 1;
  const contents = header.l?.map((length) => {
    const content = body.toString('utf8', offset, offset + length);
    offset += length;
    return content;
  });
  return { exampleIds: header.i, contents, supersedes: header.s?.map(([id, seq]) => ({ id, seq })) };
}
