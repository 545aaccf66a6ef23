import type { LabelStatsRow } from '../records.js';
import type { SqlExecutor } from './sql-driver.js';

export interface LabelDelta {
  entries: number;
  boundingBoxEntries: number;
}

/** Per-label counters at each dataset's committed revision (what ListDatasetLabels returns). */
export class RkLabelsRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** Adds signed deltas to the counters; labels no entry uses any more disappear (AWS: a label exists while an entry uses it). */
  async apply(datasetId: number, deltas: ReadonlyMap<string, LabelDelta>): Promise<void> {
    const rows = [...deltas].filter(([, d]) => d.entries !== 0 || d.boundingBoxEntries !== 0)
      .map(([label, d]) => [datasetId, label, d.entries, d.boundingBoxEntries]);
    await this.db.runBatch(
      `INSERT INTO rk_labels (dataset_id, label, entry_count, bounding_box_count) VALUES (?, ?, ?, ?)
       ON CONFLICT (dataset_id, label) DO UPDATE SET entry_count = rk_labels.entry_count + excluded.entry_count,
         bounding_box_count = rk_labels.bounding_box_count + excluded.bounding_box_count`,
      rows,
    );
    await this.db.run('DELETE FROM rk_labels WHERE dataset_id = ? AND entry_count <= 0', [datasetId]);
  }

  async count(datasetId: number): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM rk_labels WHERE dataset_id = ?', [datasetId]);
    return Number(row?.n ?? 0);
  }

  /** Labels in name order after `afterLabel`. */
  async page(datasetId: number, afterLabel: string, limit: number): Promise<LabelStatsRow[]> {
    const rows = await this.db.all<{ label: string; entry_count: number; bounding_box_count: number }>(
      'SELECT label, entry_count, bounding_box_count FROM rk_labels WHERE dataset_id = ? AND label > ? ORDER BY label LIMIT ?',
      [datasetId, afterLabel, limit],
    );
    return rows.map((row) => ({ label: row.label, entryCount: Number(row.entry_count), boundingBoxCount: Number(row.bounding_box_count) }));
  }

  async deleteAll(datasetId: number): Promise<void> {
    await this.db.run('DELETE FROM rk_labels WHERE dataset_id = ?', [datasetId]);
  }
}
