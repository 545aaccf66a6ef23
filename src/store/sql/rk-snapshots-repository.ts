import type { SnapshotRecord } from '../rk-history-records.js';
import type { SqlExecutor } from './sql-driver.js';

interface SnapshotRow { dataset_id: number; name: string; revision: number; created_at: number; access_key_id: string | null }

const COLUMNS = 'dataset_id, name, revision, created_at, access_key_id';

/** Named revisions of Rekognition datasets; garbage collection keeps the row versions each one sees. */
export class RkSnapshotsRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** False when the dataset already has a snapshot of that name. */
  async insert(snapshot: SnapshotRecord): Promise<boolean> {
    const changed = await this.db.run(
      `INSERT INTO rk_snapshots (${COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [snapshot.datasetId, snapshot.name, snapshot.revision, snapshot.createdAt, snapshot.accessKeyId],
    );
    return changed === 1;
  }

  async find(datasetId: number, name: string): Promise<SnapshotRecord | undefined> {
    const row = await this.db.get<SnapshotRow>(`SELECT ${COLUMNS} FROM rk_snapshots WHERE dataset_id = ? AND name = ?`, [datasetId, name]);
    return row && toRecord(row);
  }

  /** Snapshots in name order after `afterName`. */
  async page(datasetId: number, afterName: string, limit: number): Promise<SnapshotRecord[]> {
    const rows = await this.db.all<SnapshotRow>(
      `SELECT ${COLUMNS} FROM rk_snapshots WHERE dataset_id = ? AND name > ? ORDER BY name LIMIT ?`, [datasetId, afterName, limit],
    );
    return rows.map(toRecord);
  }

  /** The snapshots of these revisions, in name order. */
  async atRevisions(datasetId: number, revisions: readonly number[]): Promise<SnapshotRecord[]> {
    if (revisions.length === 0) return [];
    const rows = await this.db.all<SnapshotRow>(
      `SELECT ${COLUMNS} FROM rk_snapshots WHERE dataset_id = ? AND revision IN (${revisions.map(() => '?').join(', ')}) ORDER BY name`,
      [datasetId, ...revisions],
    );
    return rows.map(toRecord);
  }

  /** The distinct revisions snapshots keep, ascending: what garbage collection must spare. */
  async revisions(datasetId: number): Promise<number[]> {
    const rows = await this.db.all<{ revision: number }>(
      'SELECT DISTINCT revision FROM rk_snapshots WHERE dataset_id = ? ORDER BY revision', [datasetId],
    );
    return rows.map((row) => Number(row.revision));
  }

  async count(datasetId: number): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM rk_snapshots WHERE dataset_id = ?', [datasetId]);
    return Number(row?.n ?? 0);
  }

  async delete(datasetId: number, name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM rk_snapshots WHERE dataset_id = ? AND name = ?', [datasetId, name])) === 1;
  }

  async deleteAll(datasetId: number): Promise<void> {
    await this.db.run('DELETE FROM rk_snapshots WHERE dataset_id = ?', [datasetId]);
  }
}

function toRecord(row: SnapshotRow): SnapshotRecord {
  return {
    datasetId: Number(row.dataset_id), name: row.name, revision: Number(row.revision), createdAt: Number(row.created_at), accessKeyId: row.access_key_id,
  };
}
