import type { SqlDialect, SqlExecutor } from './sql-driver.js';

/**
 * The quotas a transaction checks by counting rows before it inserts one, each with the scope it
 * counts in: Rekognition projects and AgentCore datasets per account and region, snapshots per
 * Rekognition dataset. (Quotas on a dataset's contents need no lock of their own: the status
 * guard lets one write of a dataset in at a time. The byte caps lock their store_locks row.)
 */
export type CountedQuota =
  | readonly ['rk-projects', account: string, region: string]
  | readonly ['ac-datasets', account: string, region: string]
  | readonly ['rk-snapshots', datasetId: number];

/**
 * Turns for the transactions that count before they insert. On PostgreSQL (READ COMMITTED,
 * several nodes) two transactions could otherwise both count one below a quota and both insert;
 * holding the quota's lock from before the count until the commit orders them, and the second
 * one's count, a statement started after the first committed, sees the first one's row. Only
 * creators in the same scope wait for each other (an account's projects never wait for another
 * account's). SQLite runs nothing: its transactions are serial already.
 */
export class QuotaLocksRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /**
   * Holds `quota`'s lock until the transaction ends (meaningless outside one: released at once).
   * Take it as the transaction's first statement, and no other quota lock after it: whoever waits
   * for it then holds no lock anybody else waits for, so it adds no deadlock to what the
   * transaction locks next. It writes nothing, so a read-only session does not refuse it: the
   * transaction's first write still is where one would (Store.transaction's rule).
   */
  async take(...quota: CountedQuota): Promise<void> {
    if (this.dialect.keyLock === '') return;
    // JSON: account and region cannot run into each other, whatever they hold.
    await this.db.run(this.dialect.keyLock, [JSON.stringify(quota)]);
  }
}
