import type { ProjectRecord, ProjectStatus } from '../records.js';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';

interface ProjectRow {
  id: number;
  account: string;
  region: string;
  name: string;
  arn: string;
  feature: string;
  auto_update: string | null;
  status: ProjectStatus;
  tags: string | null;
  created_at: number;
}

const COLUMNS = 'id, account, region, name, arn, feature, auto_update, status, tags, created_at';

/** Rekognition projects, keyed by (account, region, name). */
export class RkProjectsRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /** Inserts a project; returns undefined when the name is already taken in that account and region. */
  async insert(project: Omit<ProjectRecord, 'id'>): Promise<ProjectRecord | undefined> {
    const row = await this.db.get<ProjectRow>(
      `INSERT INTO rk_projects (account, region, name, arn, feature, auto_update, status, tags, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [project.account, project.region, project.name, project.arn, project.feature, project.autoUpdate, project.status,
        project.tags ? JSON.stringify(project.tags) : null, project.createdAt],
    );
    return row && toRecord(row);
  }

  /** How many projects an account has in a region (for the projects-per-account quota). */
  async countByAccount(account: string, region: string): Promise<number> {
    const row = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM rk_projects WHERE account = ? AND region = ?', [account, region]);
    return Number(row?.n ?? 0);
  }

  async findByArn(arn: string): Promise<ProjectRecord | undefined> {
    const row = await this.db.get<ProjectRow>(`SELECT ${COLUMNS} FROM rk_projects WHERE arn = ?`, [arn]);
    return row && toRecord(row);
  }

  async findById(id: number): Promise<ProjectRecord | undefined> {
    const row = await this.db.get<ProjectRow>(`SELECT ${COLUMNS} FROM rk_projects WHERE id = ?`, [id]);
    return row && toRecord(row);
  }

  /**
   * Reads a project and, inside a PostgreSQL transaction, locks it: creating a dataset and
   * deleting its project then queue up instead of racing (SQLite transactions are serial anyway).
   */
  async lock(id: number): Promise<ProjectRecord | undefined> {
    const row = await this.db.get<ProjectRow>(`SELECT ${COLUMNS} FROM rk_projects WHERE id = ? ${this.dialect.forUpdate}`, [id]);
    return row && toRecord(row);
  }

  /** One page of an account's projects in creation order, after project id `afterId`. */
  async list(query: {
    account: string; region: string; afterId: number; limit: number; names?: readonly string[]; features: readonly string[];
  }): Promise<ProjectRecord[]> {
    const params: (string | number)[] = [query.account, query.region, query.afterId];
    let sql = `SELECT ${COLUMNS} FROM rk_projects WHERE account = ? AND region = ? AND id > ?`;
    sql += ` AND feature IN (${query.features.map(() => '?').join(', ')})`;
    params.push(...query.features);
    if (query.names) {
      sql += ` AND name IN (${query.names.map(() => '?').join(', ')})`;
      params.push(...query.names);
    }
    sql += ' ORDER BY id LIMIT ?';
    params.push(query.limit);
    return (await this.db.all<ProjectRow>(sql, params)).map(toRecord);
  }

  async setStatus(id: number, status: ProjectStatus): Promise<void> {
    await this.db.run('UPDATE rk_projects SET status = ? WHERE id = ?', [status, id]);
  }

  async delete(id: number): Promise<void> {
    await this.db.run('DELETE FROM rk_projects WHERE id = ?', [id]);
  }
}

function toRecord(row: ProjectRow): ProjectRecord {
  return {
    id: Number(row.id),
    account: row.account,
    region: row.region,
    name: row.name,
    arn: row.arn,
    feature: row.feature,
    autoUpdate: row.auto_update,
    status: row.status,
    tags: row.tags ? (JSON.parse(row.tags) as Record<string, string>) : null,
    createdAt: Number(row.created_at),
  };
}
