import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SqlExecutor } from './sql-driver.js';
import { newestInDataset } from './entries-after.js';

/**
 * PostgreSQL's ordered substring index (docs/postgres.md, "The ordered substring index"): for
 * each dataset, each bucket (a window of WINDOW characters of a source-ref, hashed with FNV-1a
 * modulo BUCKETS) and each chunk of CHUNK_IDS entry row ids (aligned across buckets and
 * datasets: chunk k holds ids k*CHUNK_IDS+1 .. (k+1)*CHUNK_IDS), one row `rk_ref_chunks` holding
 * the chunk's ids whose source-ref has a window of that bucket, as delta varints. Row ids are the
 * listing order, so a page reads the chunks of a substring's rarest windows in order, only up to
 * its matches, and then the candidates by id; the exact test on each row sorts out windows of
 * other substrings that share a bucket, and row versions not visible at the page's revision.
 *
 * Filled by a catch-up in Node.js (catchUp) up to the fence (settledId), a chunk at most per
 * transaction, appending to the rows of a chunk not yet complete; rows above
 * `rk_ref_chunk_progress.indexed_upto` (the last change, for a moment) are not in it and are read
 * as before (the walk or the trigram index). Deleted row versions leave their postings until their
 * chunk is rebuilt (markDeleted, then the next catch-up).
 */
export const WINDOW = 5;
export const BUCKETS = 16_384;
export const CHUNK_IDS = 8192;
/** Source-refs hashed between two yields to the event loop (a few milliseconds). */
const HASH_SLICE = 1024;
/** Chunks marked for a rebuild handled per catch-up transaction. */
const REBUILDS = 4;

/** FNV-1a (32 bits) of bytes[from, to), folded to a bucket: the same on every machine. */
function bucketOf(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  hash >>>= 0;
  return (hash ^ (hash >>> 14)) & (BUCKETS - 1);
}

/**
 * The distinct buckets of the windows of WINDOW characters (code points, hashed as their UTF-8
 * bytes) of `text`; none when it is shorter. Every source-ref that contains `text` has them all.
 */
export function windowBuckets(text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  const buckets = new Set<number>();
  if (bytes.length === text.length) {
    for (let i = 0; i + WINDOW <= bytes.length; i++) buckets.add(bucketOf(bytes, i, i + WINDOW));
    return [...buckets];
  }
  // Where each character starts (continuation bytes are 10xxxxxx), and the end.
  const starts: number[] = [];
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] & 0xc0) !== 0x80) starts.push(i);
  starts.push(bytes.length);
  for (let i = 0; i + WINDOW < starts.length; i++) buckets.add(bucketOf(bytes, starts[i], starts[i + WINDOW]));
  return [...buckets];
}

/** The chunk that holds row id `id` (ids start at 1). */
export function chunkOf(id: number): number {
  return Math.floor((id - 1) / CHUNK_IDS);
}

/**
 * Ascending ids of chunk `chunk` as varints of their differences (the first from the chunk's
 * start). Ids indexed later are appended after a zero byte, which starts again from the chunk's start.
 */
export function encodeIds(chunk: number, ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * 3);
  let at = 0;
  let previous = chunk * CHUNK_IDS;
  for (const id of ids) {
    let delta = id - previous;
    previous = id;
    while (delta >= 0x80) {
      out[at++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    out[at++] = delta;
  }
  return out.subarray(0, at);
}

export function decodeIds(chunk: number, bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let id = chunk * CHUNK_IDS;
  for (let i = 0; i < bytes.length;) {
    let delta = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[i++];
      delta |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    // A zero delta starts a segment appended later (ids again from the chunk's start).
    if (delta === 0) id = chunk * CHUNK_IDS;
    else ids.push((id += delta));
  }
  return ids;
}

/** Ids in both ascending lists. */
export function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      out.push(a[i]);
      i++;
      j++;
    }
  }
  return out;
}

/** Postings of one bucket in the indexed chunks of a dataset: how many, in how many chunks. */
export interface BucketSize { readonly bucket: number; readonly postings: number; readonly chunks: number }

/** The size of each of a dataset's buckets (`?` the dataset, `?` the buckets as an int4[] literal). */
const BUCKET_SIZES = 'SELECT bucket, SUM(n)::int8 AS postings, COUNT(*)::int8 AS chunks FROM rk_ref_chunks WHERE dataset_id = ? AND bucket = ANY(?::int4[]) GROUP BY bucket';

function bucketSize(row: { bucket: number; postings: number; chunks: number }): BucketSize {
  return { bucket: Number(row.bucket), postings: Number(row.postings), chunks: Number(row.chunks) };
}

export class SourceRefChunks {
  constructor(private readonly db: SqlExecutor) {}

  /**
   * The highest entry row id below which every row that will ever exist is committed, or
   * undefined when a transaction is writing entry rows right now. Identity values are taken
   * before their insert commits, on several nodes, so the highest committed id may have a lower
   * one still to come; a writer holds its lock on rk_entries (ROW EXCLUSIVE) until it commits,
   * and rk_entries_settled() takes SHARE (which waits for none: NOWAIT) for the one statement that
   * reads the highest id. A statement on its own: the lock is not held past it.
   */
  async settledId(): Promise<number | undefined> {
    const row = await this.db.get<{ settled: number | null }>('SELECT rk_entries_settled() AS settled');
    return row?.settled === null || row?.settled === undefined ? undefined : Number(row.settled);
  }

  /**
   * One step of the catch-up, in the caller's transaction: rebuilds up to REBUILDS chunks marked
   * by deletions, then indexes the ids after the progress mark up to `settled` (from settledId),
   * to the end of the mark's chunk at most: a chunk's rows not yet complete get the new ids
   * appended (so a page never walks more than the last change). Returns the work done (0:
   * nothing left). One node at a time: the progress row is locked, and another node's catch-up
   * that finds it locked skips its turn.
   */
  async catchUp(settled: number | undefined): Promise<number> {
    const progress = await this.db.get<{ indexed_upto: number }>('SELECT indexed_upto FROM rk_ref_chunk_progress WHERE id = 1 FOR UPDATE SKIP LOCKED');
    if (!progress) return 0;
    const indexedUpTo = Number(progress.indexed_upto);
    // The marks are deleted before the rows are read: a deletion that commits later marks the chunk again.
    const dirty = await this.db.all<{ dataset_id: number; chunk: number }>(
      `DELETE FROM rk_ref_chunk_dirty WHERE (dataset_id, chunk) IN (
         SELECT dataset_id, chunk FROM rk_ref_chunk_dirty WHERE chunk * ${CHUNK_IDS} < ? LIMIT ${REBUILDS}) RETURNING dataset_id, chunk`,
      [indexedUpTo],
    );
    for (const { dataset_id: datasetId, chunk } of dirty) {
      await this.db.run('DELETE FROM rk_ref_chunks WHERE dataset_id = ? AND chunk = ?', [datasetId, chunk]);
      const rows = await this.db.all<{ id: number; dataset_id: number; source_ref: string }>(
        'SELECT id, dataset_id, source_ref FROM rk_entries WHERE dataset_id = ? AND id > ? AND id <= ? ORDER BY id',
        [datasetId, chunk * CHUNK_IDS, Math.min((chunk + 1) * CHUNK_IDS, indexedUpTo)],
      );
      await this.#write(chunk, rows);
    }
    if (settled === undefined || settled <= indexedUpTo) return dirty.length;
    const chunk = chunkOf(indexedUpTo + 1);
    const end = Math.min(settled, (chunk + 1) * CHUNK_IDS);
    const rows = await this.db.all<{ id: number; dataset_id: number; source_ref: string }>(
      'SELECT id, dataset_id, source_ref FROM rk_entries WHERE id > ? AND id <= ? ORDER BY id',
      [indexedUpTo, end],
    );
    await this.#write(chunk, rows);
    await this.db.run('UPDATE rk_ref_chunk_progress SET indexed_upto = ? WHERE id = 1', [end]);
    return dirty.length + 1;
  }

  /** Row versions were deleted: their chunks (those indexed, or being indexed) are rebuilt by a later catch-up. */
  async markDeleted(datasetId: number, ids: readonly number[]): Promise<void> {
    const chunks = [...new Set(ids.map(chunkOf))];
    if (chunks.length === 0) return;
    await this.db.run(
      'INSERT INTO rk_ref_chunk_dirty (dataset_id, chunk) SELECT ?, c FROM unnest(?::int8[]) AS c ON CONFLICT DO NOTHING',
      [datasetId, `{${chunks.join(',')}}`],
    );
  }

  /** The postings of each of `buckets` in the dataset (buckets without any are absent). */
  async sizes(datasetId: number, buckets: readonly number[]): Promise<BucketSize[]> {
    const rows = await this.db.all<{ bucket: number; postings: number; chunks: number }>(BUCKET_SIZES, [datasetId, `{${buckets.join(',')}}`]);
    return rows.map(bucketSize);
  }

  /**
   * How far the index reaches (every id up to `indexedUpTo` is in it; undefined without a
   * progress row), the dataset's highest row id (none above the mark: nothing to read apart),
   * and the ids up to the mark that have a window of every one of `buckets`, ascending, in the
   * `span` chunks of the dataset that start at the first chunk from `from` on holding the first of
   * `buckets` (`start`; undefined: none from there on): each chunk's postings decoded and
   * intersected (a chunk missing a bucket has none). Starting there skips, in the same statement,
   * the chunks of other datasets' rows and those without that window. One statement.
   */
  async candidates(datasetId: number, buckets: readonly number[], from: number, span: number): Promise<{ indexedUpTo: number | undefined; newest: number; start: number | undefined; ids: number[] }> {
    const newestId = newestInDataset(datasetId);
    const rows = await this.db.all<{ bucket: number; chunk: number; ids: Buffer | null }>(
      `WITH s AS (SELECT MIN(chunk) AS start FROM rk_ref_chunks WHERE dataset_id = ? AND bucket = ? AND chunk >= ?)
       SELECT c.bucket, c.chunk, c.ids FROM rk_ref_chunks c, s
        WHERE c.dataset_id = ? AND c.bucket = ANY(?::int4[]) AND c.chunk >= s.start AND c.chunk < s.start + ?
       UNION ALL SELECT -1, indexed_upto, NULL FROM rk_ref_chunk_progress WHERE id = 1
       UNION ALL SELECT -2, COALESCE(${newestId.sql}, 0), NULL
       UNION ALL SELECT -3, s.start, NULL FROM s`,
      [datasetId, buckets[0], from, datasetId, `{${buckets.join(',')}}`, span, ...newestId.params],
    );
    let indexedUpTo: number | undefined;
    let newest = 0;
    let start: number | undefined;
    const byChunk = new Map<number, Buffer[]>();
    for (const row of rows) {
      if (row.ids === null) {
        const kind = Number(row.bucket);
        if (kind === -1) indexedUpTo = Number(row.chunk);
        else if (kind === -2) newest = Number(row.chunk);
        else if (row.chunk !== null) start = Number(row.chunk);
        continue;
      }
      const chunk = Number(row.chunk);
      const list = byChunk.get(chunk);
      if (list) list.push(row.ids);
      else byChunk.set(chunk, [row.ids]);
    }
    const ids: number[] = [];
    if (indexedUpTo === undefined) return { indexedUpTo, newest, start, ids };
    for (const [chunk, lists] of [...byChunk].sort((a, b) => a[0] - b[0])) {
      if (lists.length < buckets.length) continue;
      // The shortest first: it bounds the intersection.
      lists.sort((a, b) => a.length - b.length);
      let found = decodeIds(chunk, lists[0]);
      for (let i = 1; i < lists.length && found.length > 0; i++) found = intersect(found, decodeIds(chunk, lists[i]));
      // (Ids a catch-up appended after the progress mark was read: the rows above it are read apart.)
      for (const id of found) if (id <= indexedUpTo) ids.push(id);
    }
    return { indexedUpTo, newest, start, ids };
  }

  /**
   * Every posting of each of `buckets` in the dataset, ascending, up to the progress mark read in
   * the same statement (undefined without a progress row), and each bucket's size as of that
   * statement: what a node keeps of small buckets (rk-entry-listing.ts, #fromPostings). No chunk
   * is read at all (`lists` undefined) when a bucket has more than `max` postings: the sizes the
   * caller chose by may be a minute old, and a bulk import meanwhile must not be read and decoded
   * whole. The same statement sums the sizes first, so it returns at most `max` postings a bucket.
   */
  async postings(datasetId: number, buckets: readonly number[], max: number): Promise<{ indexedUpTo: number | undefined; sizes: BucketSize[]; lists: Map<number, number[]> | undefined }> {
    const inBuckets = [datasetId, `{${buckets.join(',')}}`];
    // Kinds: 0 a chunk's postings of a bucket, 1 a bucket's size (`chunk`: its chunks), 2 the progress mark.
    const rows = await this.db.all<{ kind: number; bucket: number | null; chunk: number; postings: number | null; ids: Buffer | null }>(
      `WITH s AS MATERIALIZED (${BUCKET_SIZES})
       SELECT 0 AS kind, c.bucket, c.chunk, NULL::int8 AS postings, c.ids FROM rk_ref_chunks c
        WHERE c.dataset_id = ? AND c.bucket = ANY(?::int4[]) AND NOT EXISTS (SELECT 1 FROM s WHERE s.postings > ?)
       UNION ALL SELECT 1, s.bucket, s.chunks, s.postings, NULL FROM s
       UNION ALL SELECT 2, NULL, indexed_upto, NULL, NULL FROM rk_ref_chunk_progress WHERE id = 1`,
      [...inBuckets, ...inBuckets, max],
    );
    const of = (kind: number) => rows.filter((row) => Number(row.kind) === kind);
    const mark = of(2)[0];
    const indexedUpTo = mark === undefined ? undefined : Number(mark.chunk);
    const sizes = of(1).map((row) => bucketSize({ bucket: row.bucket!, postings: row.postings!, chunks: row.chunk }));
    if (indexedUpTo === undefined || sizes.some((size) => size.postings > max)) return { indexedUpTo, sizes, lists: undefined };
    const lists = new Map<number, number[]>(buckets.map((bucket) => [bucket, []]));
    for (const row of of(0).sort((a, b) => Number(a.chunk) - Number(b.chunk))) {
      const list = lists.get(Number(row.bucket));
      if (list) for (const id of decodeIds(Number(row.chunk), row.ids!)) if (id <= indexedUpTo) list.push(id);
    }
    return { indexedUpTo, sizes, lists };
  }

  /**
   * Adds the postings of `rows` (ascending ids of chunk `chunk`, any datasets, all above the ids
   * already indexed): one statement per dataset, appending to the rows the chunk already has.
   */
  async #write(chunk: number, rows: readonly { id: number; dataset_id: number; source_ref: string }[]): Promise<void> {
    const perDataset = new Map<number, Map<number, number[]>>();
    for (let i = 0; i < rows.length; i++) {
      if (i > 0 && i % HASH_SLICE === 0) await yieldToEventLoop();
      const row = rows[i];
      const id = Number(row.id);
      const datasetId = Number(row.dataset_id);
      let buckets = perDataset.get(datasetId);
      if (!buckets) perDataset.set(datasetId, (buckets = new Map()));
      for (const bucket of windowBuckets(row.source_ref)) {
        const ids = buckets.get(bucket);
        if (ids) ids.push(id);
        else buckets.set(bucket, [id]);
      }
    }
    for (const [datasetId, buckets] of perDataset) {
      // The postings of every bucket in one bytea, cut apart by offsets in SQL: one statement.
      const blobs: Buffer[] = [];
      const keys: number[] = [];
      const counts: number[] = [];
      const offsets: number[] = [];
      const lengths: number[] = [];
      let at = 1;
      for (const [bucket, ids] of buckets) {
        const blob = encodeIds(chunk, ids);
        keys.push(bucket);
        counts.push(ids.length);
        offsets.push(at);
        lengths.push(blob.length);
        blobs.push(blob);
        at += blob.length;
      }
      await this.db.run(
        `INSERT INTO rk_ref_chunks (dataset_id, bucket, chunk, n, ids)
         SELECT ?, u.bucket, ?, u.n, substring(?::bytea FROM u.o FOR u.l) FROM unnest(?::int4[], ?::int4[], ?::int4[], ?::int4[]) AS u(bucket, n, o, l)
         ON CONFLICT (dataset_id, bucket, chunk) DO UPDATE SET n = rk_ref_chunks.n + EXCLUDED.n, ids = rk_ref_chunks.ids || decode('00', 'hex') || EXCLUDED.ids`,
        [datasetId, chunk, Buffer.concat(blobs), `{${keys.join(',')}}`, `{${counts.join(',')}}`, `{${offsets.join(',')}}`, `{${lengths.join(',')}}`],
      );
    }
  }
}
