import type { SqlExecutor, SqlParams } from './sql-driver.js';

/**
 * Bytes of stored text a paged read of whole rows returns at most, past its first row (config
 * `pageReadBytes`): Rekognition lines are up to 100,000 characters, so 1,000 of them were ~100 MB.
 */
export const DEFAULT_PAGE_READ_BYTES = 4 * 1024 * 1024;

/** One paged read of whole rows: which rows, in what order, how large each is, and what is read of those that fit. */
export interface BytePageQuery {
  /** The table of the rows, read as `e`. */
  readonly table: string;
  /** The candidate rows: a condition on `e`, e.g. `e.dataset_id = ? AND e.id > ?`. */
  readonly where: string;
  /** The placeholders' values of `where`. */
  readonly params: SqlParams;
  /**
   * Columns of `e` the page walks in ascending order along an index, together unique among the
   * candidates: `['id']`, `['deleted_rev', 'id']`, `['dataset_id', 'seq']`.
   */
  readonly order: readonly string[];
  /**
   * A row's size in bytes, from `e`, which the engine computes without reading the text:
   * `octet_length(e.line)` (PostgreSQL takes it from the TOAST header, SQLite from the record
   * header; neither reads the value), or a stored size.
   */
  readonly size: string;
  /** What is read of each row that fits: a select list over `e` and `join`, e.g. `e.id, e.line`. */
  readonly select: string;
  /** Tables joined to `e` for the rows that fit (no placeholders), e.g. `JOIN ac_example_contents c ON c.id = e.id`. */
  readonly join?: string;
}

export interface BytePage<T> {
  /** The rows, in the walk's order. */
  readonly rows: T[];
  /** Whether candidates follow the last row (left out by `maxRows` or by `maxBytes`). */
  readonly more: boolean;
}

/**
 * The one read of a page of whole rows bounded by bytes as well as rows, in one statement both
 * engines run: the candidates' keys and sizes are read first (no text), a running sum finds the
 * last one within `maxBytes` (the first always, so a walk moves on), and the text is read for
 * the candidates up to that key only, along the same index. The engine never reads, nor sends,
 * the text of a row past the budget: a page of 90,000-character lines costs what it returns, not
 * what `maxRows` would hold.
 */
export async function readBytePage<T>(db: SqlExecutor, query: BytePageQuery, maxRows: number, maxBytes: number): Promise<BytePage<T>> {
  const by = query.order.map((column) => `e.${column}`).join(', ');
  const walk = query.order.join(', ');
  // The sizes are a subquery of their own: inside the windowed SELECT, SQLite would read the
  // whole text to hand it to octet_length (its length-only column read applies to a plain SELECT).
  // The rows are read by range, not joined by key: PostgreSQL hashed such a join over a whole
  // table's scan.
  const rows = await db.all<T & { page_candidates: number }>(
    `WITH sizes AS (
       SELECT ${walk}, COUNT(*) OVER w AS n, SUM(size) OVER w AS through
       FROM (SELECT ${by}, ${query.size} AS size FROM ${query.table} e WHERE ${query.where} ORDER BY ${by} LIMIT ?) s
       WINDOW w AS (ORDER BY ${walk} ROWS UNBOUNDED PRECEDING)
     ), last AS (
       SELECT ${walk} FROM sizes WHERE n = (SELECT MAX(n) FROM sizes WHERE (through <= ? OR n = 1) AND n <= ?)
     )
     SELECT ${query.select}, (SELECT COUNT(*) FROM sizes) AS page_candidates
     FROM ${query.table} e ${query.join ?? ''}
     WHERE ${query.where} AND (${by}) <= (SELECT ${walk} FROM last)
     ORDER BY ${by}`,
    [...query.params, maxRows + 1, maxBytes, maxRows, ...query.params],
  );
  return { rows, more: rows.length > 0 && Number(rows[0].page_candidates) > rows.length };
}
