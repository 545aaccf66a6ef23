import type { SqlExecutor } from './sql-driver.js';

/** Commit times of dataset revisions, kept until garbage collection no longer needs them. */
export class RevisionsRepository {
  constructor(private readonly db: SqlExecutor) {}

  async record(scope: string, datasetId: number, revision: number, committedAt: number): Promise<void> {
    await this.db.run(
      'INSERT INTO revisions (scope, dataset_id, revision, committed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [scope, datasetId, revision, committedAt],
    );
  }

  /** The newest revision of the dataset committed before `time`, or 0. */
  async newestCommittedBefore(scope: string, datasetId: number, time: number): Promise<number> {
    const row = await this.db.get<{ revision: number }>(
      'SELECT MAX(revision) AS revision FROM revisions WHERE scope = ? AND dataset_id = ? AND committed_at < ?',
      [scope, datasetId, time],
    );
    return Number(row?.revision ?? 0);
  }

  /** Datasets that have revisions committed before `time` (candidates for garbage collection). */
  async datasetsWithRevisionsBefore(scope: string, time: number, limit: number): Promise<number[]> {
    const rows = await this.db.all<{ dataset_id: number }>(
      'SELECT DISTINCT dataset_id FROM revisions WHERE scope = ? AND committed_at < ? LIMIT ?',
      [scope, time, limit],
    );
    return rows.map((row) => Number(row.dataset_id));
  }

  async forget(scope: string, datasetId: number, upToRevision: number): Promise<void> {
    await this.db.run('DELETE FROM revisions WHERE scope = ? AND dataset_id = ? AND revision <= ?', [scope, datasetId, upToRevision]);
  }
}
