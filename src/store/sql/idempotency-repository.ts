import type { SqlExecutor } from './sql-driver.js';

/** What identifies one client token: the caller, the operation and the resource it acted on. */
export interface IdempotencyKey {
  account: string;
  region: string;
  operation: string;
  /** The resource the request names (e.g. a dataset id), or '' for creations. */
  resource: string;
  clientToken: string;
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: string;
  createdAt: number;
}

/** Client tokens of accepted writes, for any API (AWS `clientToken` / `ClientRequestToken`). */
export class IdempotencyRepository {
  constructor(private readonly db: SqlExecutor) {}

  async find(key: IdempotencyKey): Promise<StoredResponse | undefined> {
    const row = await this.db.get<{ request_hash: string; response_status: number; response_body: string; created_at: number }>(
      `SELECT request_hash, response_status, response_body, created_at FROM idempotency_keys
       WHERE account = ? AND region = ? AND operation = ? AND resource = ? AND client_token = ?`,
      [key.account, key.region, key.operation, key.resource, key.clientToken],
    );
    return row && { requestHash: row.request_hash, status: Number(row.response_status), body: row.response_body, createdAt: Number(row.created_at) };
  }

  /**
   * Records the token with the response sent for it, replacing a record older than
   * `expiredBefore`. False when a live record exists: a concurrent twin committed first
   * (possible only where transactions run concurrently, e.g. on PostgreSQL).
   */
  async put(key: IdempotencyKey, response: StoredResponse, expiredBefore: number): Promise<boolean> {
    const changed = await this.db.run(
      `INSERT INTO idempotency_keys (account, region, operation, resource, client_token, request_hash, response_status, response_body, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, operation, resource, client_token) DO UPDATE SET
         request_hash = excluded.request_hash, response_status = excluded.response_status,
         response_body = excluded.response_body, created_at = excluded.created_at
       WHERE idempotency_keys.created_at < ?`,
      [key.account, key.region, key.operation, key.resource, key.clientToken, response.requestHash, response.status, response.body,
        response.createdAt, expiredBefore],
    );
    return changed === 1;
  }

  /** Forgets tokens recorded before `time`; returns how many. */
  async purgeBefore(time: number): Promise<number> {
    return this.db.run('DELETE FROM idempotency_keys WHERE created_at < ?', [time]);
  }
}
