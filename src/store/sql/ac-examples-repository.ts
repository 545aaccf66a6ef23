import type { ExampleRow, GcCursor, LiveExample } from '../agentcore-records.js';
import { readBytePage } from './byte-pages.js';
import { placeholders } from './sql-driver.js';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';

interface ExampleDbRow { id: number; example_id: string; seq: number; content: string }

/** The columns of a row version besides its id; its content goes to ac_example_contents under the same id. */
const VERSION_COLUMNS = ['dataset_id', 'example_id', 'seq', 'content_bytes', 'created_rev'] as const;

/** Rows per multi-row statement (content inserts, deletes by id): well under SQLite's 32766 variables and PostgreSQL's 65535. */
const CHUNK = 200;
/** Ids per IN list: a whole 1000-example batch in one statement. */
const LOOKUP_CHUNK = 1000;
const VISIBLE = 'e.created_rev <= ? AND (e.deleted_rev IS NULL OR e.deleted_rev > ?)';

/**
 * Row versions of AgentCore examples, as rk_entries: a row is visible at revision R when
 * created_rev <= R < deleted_rev. Writers write at an uncommitted revision, so readers pinned to
 * a committed one (the DRAFT's, a published version's, a page token's) never see a half batch.
 * A version's content is a row of its own (ac_example_contents, same id), written once: superseding
 * a version changes only its narrow ac_examples row.
 */
export class AcExamplesRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /** The live (not superseded) rows of these example ids; their content is not read (callers need only where they sit). */
  async findLive(datasetId: number, exampleIds: readonly string[]): Promise<LiveExample[]> {
    const found: LiveExample[] = [];
    for (let i = 0; i < exampleIds.length; i += LOOKUP_CHUNK) {
      const slice = exampleIds.slice(i, i + LOOKUP_CHUNK);
      const rows = await this.db.all<Omit<ExampleDbRow, 'content'>>(
        `SELECT id, example_id, seq FROM ac_examples
         WHERE dataset_id = ? AND deleted_rev IS NULL AND example_id IN (${placeholders(slice.length)})`,
        [datasetId, ...slice],
      );
      for (const row of rows) found.push({ id: Number(row.id), exampleId: row.example_id, seq: Number(row.seq) });
    }
    return found;
  }

  /** Inserts row versions created at `revision`; their example ids must not be live. */
  async insert(datasetId: number, revision: number, rows: readonly ExampleRow[]): Promise<void> {
    if (rows.length === 0) return;
    const ids = await this.db.insertMany('ac_examples', VERSION_COLUMNS,
      rows.map((row) => [datasetId, row.exampleId, row.seq, Buffer.byteLength(row.content), revision]));
    // Multi-row statements: on SQLite, 200 contents a statement take less time than 200 statements.
    for (let i = 0; i < rows.length; i += CHUNK) {
      const slice = rows.slice(i, i + CHUNK);
      await this.db.run(
        `INSERT INTO ac_example_contents (id, content) VALUES ${slice.map(() => '(?, ?)').join(', ')}`,
        slice.flatMap((row, j) => [ids[i + j], row.content]),
      );
    }
  }

  /**
   * Marks the live rows of these example ids superseded (replaced or deleted) at `revision`, in
   * one statement per 1000 ids, and resolves to where each sat; ids with no live row are absent.
   */
  async supersedeLive(datasetId: number, exampleIds: readonly string[], revision: number): Promise<Map<string, number>> {
    const seqs = new Map<string, number>();
    for (let i = 0; i < exampleIds.length; i += LOOKUP_CHUNK) {
      const slice = exampleIds.slice(i, i + LOOKUP_CHUNK);
      const rows = await this.db.all<{ example_id: string; seq: number }>(
        `UPDATE ${this.dialect.noStatementRollback} ac_examples SET deleted_rev = ?
         WHERE dataset_id = ? AND deleted_rev IS NULL AND example_id IN (${placeholders(slice.length)})
         RETURNING example_id, seq`,
        [revision, datasetId, ...slice],
      );
      for (const row of rows) seqs.set(row.example_id, Number(row.seq));
    }
    return seqs;
  }

  /** Marks live rows superseded (replaced or deleted) at `revision` by row id; returns how many were live. */
  async supersede(ids: readonly number[], revision: number): Promise<number> {
    let changed = 0;
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const slice = ids.slice(i, i + LOOKUP_CHUNK);
      changed += await this.db.run(
        `UPDATE ac_examples SET deleted_rev = ? WHERE id IN (${placeholders(slice.length)}) AND deleted_rev IS NULL`, [revision, ...slice],
      );
    }
    return changed;
  }

  /**
   * Whether anything was written at the uncommitted `revision` (two index probes): a cancel
   * answered in its request leaves what an s3Source import's chunks wrote to a runner (discard).
   */
  async writtenAt(datasetId: number, revision: number): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS one FROM ac_examples WHERE dataset_id = ? AND created_rev = ? LIMIT 1', [datasetId, revision])) !== undefined
      || (await this.db.get('SELECT 1 AS one FROM ac_examples WHERE dataset_id = ? AND deleted_rev = ? LIMIT 1', [datasetId, revision])) !== undefined;
  }

  /** Undoes everything written at an uncommitted `revision` (a retried or abandoned job). Idempotent. */
  async discard(datasetId: number, revision: number): Promise<void> {
    await this.db.run(
      'DELETE FROM ac_example_contents WHERE id IN (SELECT id FROM ac_examples WHERE dataset_id = ? AND created_rev = ?)', [datasetId, revision],
    );
    await this.db.run('DELETE FROM ac_examples WHERE dataset_id = ? AND created_rev = ?', [datasetId, revision]);
    await this.db.run('UPDATE ac_examples SET deleted_rev = NULL WHERE dataset_id = ? AND deleted_rev = ?', [datasetId, revision]);
  }

  /**
   * Examples visible at `revision` in listing order after position `afterSeq`: at most `maxRows`,
   * and no more content than `maxBytes` (UTF-8; always at least one row). O(page) however deep.
   * The sizes come from the listing index, so content is read for the returned rows only: memory
   * is bounded by the byte budget, whatever the examples' sizes (byte-pages.ts). `more`: whether rows follow.
   */
  async page(datasetId: number, revision: number, afterSeq: number, maxRows: number, maxBytes: number): Promise<{ rows: ExampleRow[]; more: boolean }> {
    // At one revision each position holds one visible row version: a position is a row.
    const page = await readBytePage<ExampleDbRow>(this.db, {
      table: 'ac_examples',
      where: `e.dataset_id = ? AND e.seq > ? AND ${VISIBLE}`,
      params: [datasetId, afterSeq, revision, revision],
      order: ['seq'],
      size: 'e.content_bytes',
      select: 'e.example_id, e.seq, c.content',
      join: 'JOIN ac_example_contents c ON c.id = e.id',
    }, maxRows, maxBytes);
    return { rows: page.rows.map((row) => ({ exampleId: row.example_id, seq: Number(row.seq), content: row.content })), more: page.more };
  }

  /**
   * Garbage collection: examines up to `limit` row versions superseded at or before `horizon`,
   * in (deleted_rev, id) order after the cursor `after`, and deletes those no published version
   * can see (no version revision in [created_rev, deleted_rev)). Bounded in rows EXAMINED, not
   * only deleted: rows a version keeps are passed over once, not on every write.
   * `horizon` must be a revision no live page token or download link is pinned below. Returns how
   * many went, the newest revision at which one of them had been superseded (0: none went; a
   * reader of the DRAFT pinned below it may miss them, AcDatasetsRepository.markCollected), and
   * the last row examined (undefined: none; the cursor stays).
   */
  async purgeUnreachable(datasetId: number, horizon: number, after: GcCursor, limit: number): Promise<{ removed: number; supersededUpTo: number; examinedUpTo?: GcCursor }> {
    const rows = await this.db.all<{ id: number; deleted_rev: number; kept: number }>(
      `SELECT e.id, e.deleted_rev,
         CASE WHEN EXISTS (SELECT 1 FROM ac_versions v
                           WHERE v.dataset_id = e.dataset_id AND v.revision >= e.created_rev AND v.revision < e.deleted_rev)
         THEN 1 ELSE 0 END AS kept
       FROM ac_examples e
       WHERE e.dataset_id = ? AND e.deleted_rev IS NOT NULL AND (e.deleted_rev, e.id) > (?, ?) AND e.deleted_rev <= ?
       ORDER BY e.deleted_rev, e.id LIMIT ?`,
      [datasetId, after.rev, after.id, horizon, limit],
    );
    const gone = rows.filter((row) => Number(row.kept) === 0);
    await this.#delete(gone.map((row) => Number(row.id)));
    const last = rows.at(-1);
    return {
      removed: gone.length,
      supersededUpTo: gone.reduce((newest, row) => Math.max(newest, Number(row.deleted_rev)), 0),
      examinedUpTo: last && { rev: Number(last.deleted_rev), id: Number(last.id) },
    };
  }

  /** Deletes up to `limit` rows of a dataset being deleted; returns how many. */
  async purgeDataset(datasetId: number, limit: number): Promise<number> {
    const ids = (await this.db.all<{ id: number }>('SELECT id FROM ac_examples WHERE dataset_id = ? LIMIT ?', [datasetId, limit]))
      .map((row) => Number(row.id));
    await this.#delete(ids);
    return ids.length;
  }

  async #delete(ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const slice = ids.slice(i, i + CHUNK);
      await this.db.run(`DELETE FROM ac_example_contents WHERE id IN (${placeholders(slice.length)})`, slice);
      await this.db.run(`DELETE FROM ac_examples WHERE id IN (${placeholders(slice.length)})`, slice);
    }
  }
}

