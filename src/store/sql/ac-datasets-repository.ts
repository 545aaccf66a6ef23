import type { AcDatasetRecord, AcDatasetStatus, AcStatusChange, DraftStatus, GcCursor, NewAcDataset } from '../agentcore-records.js';
import { isLockNotAvailable, placeholders, RowLockBusyError } from './sql-driver.js';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';

interface DatasetRow {
  id: number;
  account: string;
  region: string;
  dataset_id: string;
  name: string;
  arn: string;
  schema_type: string;
  description: string | null;
  kms_key_arn: string | null;
  tags: string | null;
  status: AcDatasetStatus;
  draft_status: DraftStatus;
  failure_reason: string | null;
  revision: number;
  example_count: number;
  next_seq: number;
  last_version: number;
  collected_rev: number;
  created_at: number;
  updated_at: number;
}

const COLUMNS = `id, account, region, dataset_id, name, arn, schema_type, description, kms_key_arn, tags, status, draft_status,
  failure_reason, revision, example_count, next_seq, last_version, collected_rev, created_at, updated_at`;

/** AgentCore datasets: identity, status machine, the DRAFT's committed revision and counters. */
export class AcDatasetsRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /** Inserts a dataset; undefined when the name (any case) or the id is already taken in the account. */
  async insert(dataset: NewAcDataset): Promise<AcDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(
      `INSERT INTO ac_datasets (account, region, dataset_id, name, name_key, arn, schema_type, description, kms_key_arn, tags,
         status, draft_status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [dataset.account, dataset.region, dataset.datasetId, dataset.name, dataset.name.toLowerCase(), dataset.arn, dataset.schemaType,
        dataset.description, dataset.kmsKeyArn, dataset.tags ? JSON.stringify(dataset.tags) : null,
        dataset.status, dataset.draftStatus, dataset.createdAt, dataset.createdAt],
    );
    return row && toRecord(row);
  }

  async find(account: string, region: string, datasetId: string): Promise<AcDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(
      `SELECT ${COLUMNS} FROM ac_datasets WHERE account = ? AND region = ? AND dataset_id = ?`, [account, region, datasetId],
    );
    return row && toRecord(row);
  }

  /**
   * `find`, and inside a PostgreSQL transaction the row locked until it ends: a read-modify-write
   * of a column (the tags) then waits for another one's commit and reads what it wrote, instead
   * of writing over it (SQLite transactions are serial anyway).
   */
  async lock(account: string, region: string, datasetId: string): Promise<AcDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(
      `SELECT ${COLUMNS} FROM ac_datasets WHERE account = ? AND region = ? AND dataset_id = ? ${this.dialect.forUpdate}`, [account, region, datasetId],
    );
    return row && toRecord(row);
  }

  async findById(id: number): Promise<AcDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(`SELECT ${COLUMNS} FROM ac_datasets WHERE id = ?`, [id]);
    return row && toRecord(row);
  }

  async countInAccount(account: string, region: string): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ac_datasets WHERE account = ? AND region = ?', [account, region]);
    return Number(row?.n ?? 0);
  }

  /** Datasets of the account in creation order after internal id `afterId`. */
  async page(account: string, region: string, afterId: number, limit: number): Promise<AcDatasetRecord[]> {
    const rows = await this.db.all<DatasetRow>(
      `SELECT ${COLUMNS} FROM ac_datasets WHERE account = ? AND region = ? AND id > ? ORDER BY id LIMIT ?`,
      [account, region, afterId, limit],
    );
    return rows.map(toRecord);
  }

  /**
   * Moves the dataset to `change` only if its status is one of `expected`: the guard that keeps
   * two writes of one dataset from ever running at once. False when it was in another status.
   * With `maxLockWaitMs` (PostgreSQL; SQLite never waits on a row), a row another transaction
   * holds longer than that fails it with RowLockBusyError instead of waiting on.
   */
  async transition(id: number, expected: readonly AcDatasetStatus[], change: AcStatusChange, maxLockWaitMs?: number): Promise<boolean> {
    const bounded = maxLockWaitMs !== undefined ? this.dialect.lockWait : undefined;
    if (bounded) await this.db.run(bounded.limit(maxLockWaitMs!));
    let changed: number;
    try {
      changed = await this.db.run(
        `UPDATE ac_datasets SET status = ?, failure_reason = ?, updated_at = ?, draft_status = COALESCE(?, draft_status)
         WHERE id = ? AND status IN (${placeholders(expected.length)})`,
        [change.status, change.failureReason, change.updatedAt, change.draftStatus ?? null, id, ...expected],
      );
    } catch (error) {
      throw bounded && isLockNotAvailable(error) ? new RowLockBusyError(error) : error;
    }
    // Only this wait is bounded: the rest of the transaction (quota key locks) waits as before.
    if (bounded) await this.db.run(bounded.unlimit);
    return changed === 1;
  }

  async setStatus(id: number, change: AcStatusChange): Promise<void> {
    await this.db.run(
      'UPDATE ac_datasets SET status = ?, failure_reason = ?, updated_at = ?, draft_status = COALESCE(?, draft_status) WHERE id = ?',
      [change.status, change.failureReason, change.updatedAt, change.draftStatus ?? null, id],
    );
  }

  /** Publishes a DRAFT revision with its counters and the status, in one statement. */
  async commitRevision(id: number, commit: { revision: number; exampleCount: number; nextSeq: number }, change: AcStatusChange): Promise<void> {
    await this.db.run(
      `UPDATE ac_datasets SET revision = ?, example_count = ?, next_seq = ?, status = ?, failure_reason = ?, updated_at = ?,
         draft_status = COALESCE(?, draft_status)
       WHERE id = ?`,
      [commit.revision, commit.exampleCount, commit.nextSeq, change.status, change.failureReason, change.updatedAt, change.draftStatus ?? null, id],
    );
  }

  /** Sets the description if the status is one of `allowed` (UpdateDataset is synchronous); false otherwise. */
  async updateDescription(id: number, allowed: readonly AcDatasetStatus[], description: string, updatedAt: number): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE ac_datasets SET description = ?, updated_at = ? WHERE id = ? AND status IN (${placeholders(allowed.length)})`,
      [description, updatedAt, id, ...allowed],
    );
    return changed === 1;
  }

  /** Replaces the dataset's tags (TagResource, UntagResource); its updatedAt stays, as tagging is not an edit. */
  async setTags(id: number, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.db.run('UPDATE ac_datasets SET tags = ? WHERE id = ?', [Object.keys(tags).length > 0 ? JSON.stringify(tags) : null, id]);
  }

  /** The dataset with this name in the account, compared regardless of case. */
  async findByName(account: string, region: string, name: string): Promise<AcDatasetRecord | undefined> {
    const row = await this.db.get<DatasetRow>(
      `SELECT ${COLUMNS} FROM ac_datasets WHERE account = ? AND region = ? AND name_key = ?`, [account, region, name.toLowerCase()],
    );
    return row && toRecord(row);
  }

  /** Hands out the next version number (monotonic, never reused); call inside the accepting transaction. */
  async claimVersionNumber(id: number): Promise<number> {
    const row = await this.db.get<{ last_version: number }>(
      'UPDATE ac_datasets SET last_version = last_version + 1 WHERE id = ? RETURNING last_version', [id],
    );
    return Number(row!.last_version);
  }

  /**
   * Garbage collection removed row versions superseded at revisions up to `revision`: raises the
   * dataset's mark (collectedRev) to it, never lowers it. Call in the transaction that removes them.
   */
  async markCollected(id: number, revision: number): Promise<void> {
    await this.db.run('UPDATE ac_datasets SET collected_rev = ? WHERE id = ? AND collected_rev < ?', [revision, id, revision]);
  }

  /** Where garbage collection resumes in the dataset's superseded rows ((0, 0) before any). */
  async gcCursor(id: number): Promise<GcCursor> {
    const row = await this.db.get<{ gc_rev: number; gc_id: number }>('SELECT gc_rev, gc_id FROM ac_datasets WHERE id = ?', [id]);
    return { rev: Number(row?.gc_rev ?? 0), id: Number(row?.gc_id ?? 0) };
  }

  async setGcCursor(id: number, cursor: GcCursor): Promise<void> {
    await this.db.run('UPDATE ac_datasets SET gc_rev = ?, gc_id = ? WHERE id = ?', [cursor.rev, cursor.id, id]);
  }

  /**
   * A version that froze `revision` is going: rows only it kept (superseded after `revision`)
   * become collectable, so collection must examine them again. Moves the cursor back, never forward.
   */
  async rewindGcCursor(id: number, revision: number): Promise<void> {
    await this.db.run('UPDATE ac_datasets SET gc_rev = ?, gc_id = 0 WHERE id = ? AND gc_rev > ?', [revision, id, revision]);
  }

  async delete(id: number): Promise<void> {
    await this.db.run('DELETE FROM ac_datasets WHERE id = ?', [id]);
  }
}

function toRecord(row: DatasetRow): AcDatasetRecord {
  return {
    id: Number(row.id),
    account: row.account,
    region: row.region,
    datasetId: row.dataset_id,
    name: row.name,
    arn: row.arn,
    schemaType: row.schema_type,
    description: row.description,
    kmsKeyArn: row.kms_key_arn,
    tags: row.tags ? (JSON.parse(row.tags) as Record<string, string>) : null,
    status: row.status,
    draftStatus: row.draft_status,
    failureReason: row.failure_reason,
    revision: Number(row.revision),
    exampleCount: Number(row.example_count),
    nextSeq: Number(row.next_seq),
    lastVersion: Number(row.last_version),
    collectedRev: Number(row.collected_rev),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
