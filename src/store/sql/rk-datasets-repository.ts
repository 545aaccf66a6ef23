import type { RkDatasetRecord, RkDatasetStats, RkDatasetStatus, StatusMessageCode } from '../records.js';
import type { SqlExecutor } from './sql-driver.js';

interface DatasetRow {
  id: number;
  project_id: number;
  arn: string;
  dataset_type: 'TRAIN' | 'TEST';
  status: RkDatasetStatus;
  status_message: string;
  status_message_code: StatusMessageCode;
  tags: string | null;
  created_at: number;
  updated_at: number;
  revision: number;
  total_entries: number;
  labeled_entries: number;
  error_entries: number;
  total_labels: number;
}

const COLUMNS = `id, project_id, arn, dataset_type, status, status_message, status_message_code, tags, created_at,
  updated_at, revision, total_entries, labeled_entries, error_entries, total_labels`;

export interface StatusChange {
  status: RkDatasetStatus;
  statusMessage: string;
  statusMessageCode: StatusMessageCode;
  updatedAt: number;
}

/** Rekognition datasets with their status and the counters behind DatasetStats. */
export class RkDatasetsRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** Inserts a dataset; undefined when the project already has one of that type. */
  async insert(dataset: {
    projectId: number; arn: string; datasetType: 'TRAIN' | 'TEST'; tags: Record<string, string> | null; createdAt: number;
  } & Omit<StatusChange, 'updatedAt'>): Promise<RkDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(
      `INSERT INTO rk_datasets (project_id, arn, dataset_type, status, status_message, status_message_code, tags, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [dataset.projectId, dataset.arn, dataset.datasetType, dataset.status, dataset.statusMessage, dataset.statusMessageCode,
        dataset.tags ? JSON.stringify(dataset.tags) : null, dataset.createdAt, dataset.createdAt],
    );
    return row && toRecord(row);
  }

  async findByArn(arn: string): Promise<RkDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(`SELECT ${COLUMNS} FROM rk_datasets WHERE arn = ?`, [arn]);
    return row && toRecord(row);
  }

  async findById(id: number): Promise<RkDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(`SELECT ${COLUMNS} FROM rk_datasets WHERE id = ?`, [id]);
    return row && toRecord(row);
  }

  async listByProjects(projectIds: readonly number[]): Promise<RkDatasetRecord[]> {
    if (projectIds.length === 0) return [];
    const rows = await this.db.all<DatasetRow>(
      `SELECT ${COLUMNS} FROM rk_datasets WHERE project_id IN (${projectIds.map(() => '?').join(', ')}) ORDER BY id`,
      projectIds,
    );
    return rows.map(toRecord);
  }

  async countByProject(projectId: number): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM rk_datasets WHERE project_id = ?', [projectId]);
    return Number(row?.n ?? 0);
  }

  async setStatus(id: number, change: StatusChange): Promise<void> {
    await this.db.run(
      'UPDATE rk_datasets SET status = ?, status_message = ?, status_message_code = ?, updated_at = ? WHERE id = ?',
      [change.status, change.statusMessage, change.statusMessageCode, change.updatedAt, id],
    );
  }

  /**
   * Moves the dataset to `change.status` only if it is still in one of `expected`: the guard that
   * makes two concurrent updates of one dataset impossible. False when it was in another status.
   */
  async transition(id: number, expected: readonly RkDatasetStatus[], change: StatusChange): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE rk_datasets SET status = ?, status_message = ?, status_message_code = ?, updated_at = ?
       WHERE id = ? AND status IN (${expected.map(() => '?').join(', ')})`,
      [change.status, change.statusMessage, change.statusMessageCode, change.updatedAt, id, ...expected],
    );
    return changed === 1;
  }

  /** Publishes a revision: new counters and status in the same statement. */
  async commitRevision(id: number, revision: number, stats: RkDatasetStats, change: StatusChange): Promise<void> {
    await this.db.run(
      `UPDATE rk_datasets SET revision = ?, total_entries = ?, labeled_entries = ?, error_entries = ?, total_labels = ?,
         status = ?, status_message = ?, status_message_code = ?, updated_at = ?
       WHERE id = ?`,
      [revision, stats.totalEntries, stats.labeledEntries, stats.errorEntries, stats.totalLabels,
        change.status, change.statusMessage, change.statusMessageCode, change.updatedAt, id],
    );
  }

  async delete(id: number): Promise<void> {
    await this.db.run('DELETE FROM rk_datasets WHERE id = ?', [id]);
  }
}

function toRecord(row: DatasetRow): RkDatasetRecord {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    arn: row.arn,
    datasetType: row.dataset_type,
    status: row.status,
    statusMessage: row.status_message,
    statusMessageCode: row.status_message_code,
    tags: row.tags ? (JSON.parse(row.tags) as Record<string, string>) : null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    revision: Number(row.revision),
    totalEntries: Number(row.total_entries),
    labeledEntries: Number(row.labeled_entries),
    errorEntries: Number(row.error_entries),
    totalLabels: Number(row.total_labels),
  };
}
