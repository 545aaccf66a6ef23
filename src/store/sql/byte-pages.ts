import type { SqlExecutor, SqlParams } from './sql-driver.js';

/**
 * Bytes of stored text a paged read of whole rows returns at most, past its first row (config
 * `pageReadBytes`): Rekognition lines are up to 100,000 characters, so 1,000 of them were ~100 MB.
 */
export const DEFAULT_PAGE_READ_BYTES = 4 * 1024 * 1024;

/** One paged read of whole rows: which rows, in what order, how large each is, and what is read of those that fit. */
export interface BytePageQuery {
  /** The candidate rows, alias `e`, with their WHERE, e.g. `rk_entries e WHERE e.dataset_id = ? AND e.id > ?`. */
  readonly from: string;
  /** The placeholders' values of `from`. */
  readonly params: SqlParams;
  /** Columns of `e` the page walks in ascending order, together unique: `['id']`, `['deleted_rev', 'id']`. */
  readonly order: readonly string[];
  /**
   * A row's size in bytes, from `e`, which the engine computes without reading the text:
   * `octet_length(e.line)` (PostgreSQL takes it from the TOAST header, SQLite from the record
   * header, neither reads the value), or a stored size.
   */
  readonly size: string;
  /** What is read of each row that fits: a select list over `join`, e.g. `r.id, r.line`. */
  readonly select: string;
  /** The tables it reads, joined to the page `p` by the row's id `p.id`: `rk_entries r ON r.id = p.id`. */
  readonly join: string;
}

export interface BytePage<T> {
  /** The rows, in the walk's order. */
  readonly rows: T[];
  /** Whether candidates follow the last row (left out by `maxRows` or by `maxBytes`). */
  readonly more: boolean;
}

/**
 * The one read of a page of whole rows bounded by bytes as well as rows, in one statement both
 * engines run: the candidates' ids and sizes are read first (no text), a running sum cuts them
 * at `maxBytes` (always keeping the first row, so a walk moves on), and only the rows that fit
 * are joined back for their text. The engine never reads, nor sends, the text of a row past the
 * budget: a page of 90,000-character lines costs what it returns, not what `maxRows` would hold.
 */
export async function readBytePage<T>(db: SqlExecutor, query: BytePageQuery, maxRows: number, maxBytes: number): Promise<BytePage<T>> {
  const keys = ['id', ...query.order.filter((column) => column !== 'id')];
  const walk = query.order.map((column) => `s.${column}`).join(', ');
  // The sizes are a subquery of their own: inside the windowed SELECT, SQLite would read the
  // whole text to hand it to octet_length (its length-only column read applies to a plain SELECT).
  const rows = await db.all<T & { page_n: number; page_candidates: number }>(
    `SELECT ${query.select}, p.n AS page_n, p.candidates AS page_candidates FROM (
       SELECT s.id, ROW_NUMBER() OVER (ORDER BY ${walk}) AS n,
              SUM(s.size) OVER (ORDER BY ${walk} ROWS UNBOUNDED PRECEDING) AS through, COUNT(*) OVER () AS candidates
       FROM (SELECT ${keys.map((column) => `e.${column}`).join(', ')}, ${query.size} AS size FROM ${query.from}
             ORDER BY ${query.order.map((column) => `e.${column}`).join(', ')} LIMIT ?) s
     ) p JOIN ${query.join}
     WHERE (p.through <= ? OR p.n = 1) AND p.n <= ?`,
    [...query.params, maxRows + 1, maxBytes, maxRows],
  );
  // Ordered here, not by the statement: SQLite would sort the rows with their text in a temporary b-tree.
  rows.sort((a, b) => Number(a.page_n) - Number(b.page_n));
  return { rows, more: rows.length > 0 && Number(rows[0].page_candidates) > rows.length };
}
