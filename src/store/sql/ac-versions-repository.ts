import type { AcVersionRecord } from '../agentcore-records.js';
import type { SqlExecutor } from './sql-driver.js';

interface VersionRow { version: number; revision: number; example_count: number; created_at: number }

/** Published versions of AgentCore datasets: version number → the DRAFT revision it froze. */
export class AcVersionsRepository {
  constructor(private readonly db: SqlExecutor) {}

  async insert(datasetId: number, version: AcVersionRecord): Promise<void> {
    await this.db.run(
      'INSERT INTO ac_versions (dataset_id, version, revision, example_count, created_at) VALUES (?, ?, ?, ?, ?)',
      [datasetId, version.version, version.revision, version.exampleCount, version.createdAt],
    );
  }

  async find(datasetId: number, version: number): Promise<AcVersionRecord | undefined> {
    const row = await this.db.get<VersionRow>(
      'SELECT version, revision, example_count, created_at FROM ac_versions WHERE dataset_id = ? AND version = ?', [datasetId, version],
    );
    return row && toRecord(row);
  }

  async count(datasetId: number): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ac_versions WHERE dataset_id = ?', [datasetId]);
    return Number(row?.n ?? 0);
  }

  /** Versions newest first, below `beforeVersion`. */
  async pageNewestFirst(datasetId: number, beforeVersion: number, limit: number): Promise<AcVersionRecord[]> {
    const rows = await this.db.all<VersionRow>(
      `SELECT version, revision, example_count, created_at FROM ac_versions
       WHERE dataset_id = ? AND version < ? ORDER BY version DESC LIMIT ?`,
      [datasetId, beforeVersion, limit],
    );
    return rows.map(toRecord);
  }

  async delete(datasetId: number, version: number): Promise<void> {
    await this.db.run('DELETE FROM ac_versions WHERE dataset_id = ? AND version = ?', [datasetId, version]);
  }

  async deleteAll(datasetId: number): Promise<void> {
    await this.db.run('DELETE FROM ac_versions WHERE dataset_id = ?', [datasetId]);
  }
}

function toRecord(row: VersionRow): AcVersionRecord {
  return { version: Number(row.version), revision: Number(row.revision), exampleCount: Number(row.example_count), createdAt: Number(row.created_at) };
}
