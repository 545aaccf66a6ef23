import type { SqlValue } from './sql-driver.js';

/**
 * PostgreSQL: the entries of a dataset after `afterId`, as the bounds where a walk of a
 * (dataset_id, id) index `ORDER BY e.dataset_id, e.id` (the listing order: one dataset) starts
 * and stops. Row comparisons keep the primary key, which would read each row, out of such a walk;
 * both ends are one: with `dataset_id = ?` beside a lower row bound, PostgreSQL starts the scan at
 * the dataset's first entry and reads every entry up to the bound (a walk after the last of
 * 250,000 entries: 3,475 buffers, for no row).
 */
export function afterInDataset(datasetId: number, afterId: number): { sql: string; params: SqlValue[] } {
  return { sql: '(e.dataset_id, e.id) > (?, ?) AND (e.dataset_id, e.id) <= (?, 9223372036854775807)', params: [datasetId, afterId, datasetId] };
}

/**
 * The dataset's highest entry row id as a scalar subquery (NULL: no row), read from the dataset's
 * end of a (dataset_id, id) index: `MAX(id) WHERE dataset_id = ?` is read by PostgreSQL backwards
 * along the primary key, through every later dataset's rows first (425 buffers past 25,000).
 */
export function newestInDataset(datasetId: number): { sql: string; params: SqlValue[] } {
  const inDataset = afterInDataset(datasetId, 0);
  return { sql: `(SELECT e.id FROM rk_entries e WHERE ${inDataset.sql} ORDER BY e.dataset_id DESC, e.id DESC LIMIT 1)`, params: inDataset.params };
}
