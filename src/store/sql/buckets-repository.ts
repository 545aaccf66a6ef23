import type { SqlExecutor } from './sql-driver.js';

/** How far a grant reaches: reading objects, or also writing them. */
export type GrantAccess = 'read' | 'read-write';

export interface BucketGrant {
  readonly account: string;
  readonly access: GrantAccess;
}

/** A registered bucket: its owner (null: none) and the grants to other accounts, by account. */
export interface BucketRecord {
  readonly name: string;
  readonly owner: string | null;
  readonly grants: readonly BucketGrant[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface BucketRow { name: string; owner: string | null; created_at: number | string; updated_at: number | string }
interface GrantRow { bucket: string; account: string; access: string }

/** Bucket owners and grants (object-store tenancy), keyed by bucket name; portable SQL. */
export class BucketsRepository {
  constructor(private readonly db: SqlExecutor) {}

  async find(name: string): Promise<BucketRecord | undefined> {
    const row = await this.db.get<BucketRow>('SELECT name, owner, created_at, updated_at FROM buckets WHERE name = ?', [name]);
    if (!row) return undefined;
    const grants = await this.db.all<GrantRow>('SELECT bucket, account, access FROM bucket_grants WHERE bucket = ? ORDER BY account', [name]);
    return toRecord(row, grants);
  }

  /** Every registered bucket in name order, with its grants. */
  async list(): Promise<BucketRecord[]> {
    const rows = await this.db.all<BucketRow>('SELECT name, owner, created_at, updated_at FROM buckets ORDER BY name');
    const grants = await this.db.all<GrantRow>('SELECT bucket, account, access FROM bucket_grants ORDER BY bucket, account');
    const byBucket = new Map<string, GrantRow[]>();
    for (const grant of grants) byBucket.set(grant.bucket, [...(byBucket.get(grant.bucket) ?? []), grant]);
    return rows.map((row) => toRecord(row, byBucket.get(row.name) ?? []));
  }

  /** Registers a bucket; false when it is registered already. */
  async insert(name: string, owner: string | null, now: number): Promise<boolean> {
    return (await this.db.run(
      'INSERT INTO buckets (name, owner, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING', [name, owner, now, now],
    )) > 0;
  }

  /** Sets the owner (null: none), registering the bucket if needed. */
  async setOwner(name: string, owner: string | null, now: number): Promise<void> {
    await this.db.run(
      'INSERT INTO buckets (name, owner, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, updated_at = excluded.updated_at',
      [name, owner, now, now],
    );
  }

  /** Grants (or changes the grant of) an account on a registered bucket. */
  async grant(name: string, account: string, access: GrantAccess, now: number): Promise<void> {
    await this.db.run(
      'INSERT INTO bucket_grants (bucket, account, access, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (bucket, account) DO UPDATE SET access = excluded.access',
      [name, account, access, now],
    );
    await this.db.run('UPDATE buckets SET updated_at = ? WHERE name = ?', [now, name]);
  }

  /** Removes an account's grant; false when it had none. */
  async revoke(name: string, account: string, now: number): Promise<boolean> {
    const removed = (await this.db.run('DELETE FROM bucket_grants WHERE bucket = ? AND account = ?', [name, account])) > 0;
    if (removed) await this.db.run('UPDATE buckets SET updated_at = ? WHERE name = ?', [now, name]);
    return removed;
  }

  /** Forgets a bucket's owner and grants (its objects are not touched); false when it was not registered. */
  async delete(name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM buckets WHERE name = ?', [name])) > 0;
  }
}

function toRecord(row: BucketRow, grants: readonly GrantRow[]): BucketRecord {
  return {
    name: row.name,
    owner: row.owner,
    grants: grants.map((grant) => ({ account: grant.account, access: grant.access === 'read-write' ? 'read-write' : 'read' })),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
