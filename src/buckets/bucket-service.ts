// Object-store tenancy, as AWS has it with bucket ownership and s3:GetObject permissions: a bucket
// belongs to one account, which reads and writes its objects; other accounts read (or also write)
// it only where an operator granted them. A bucket nobody registered has no owner. Managed by
// `trove buckets`, stored in the store so every node on PostgreSQL agrees.

import type { Clock } from '../lib/clock.js';
import type { BucketRecord, GrantAccess } from '../store/sql/buckets-repository.js';
import type { Store } from '../store/store.js';

export type { BucketGrant, BucketRecord, GrantAccess } from '../store/sql/buckets-repository.js';

/** What an account may do with a bucket: own it, or read (and maybe write) it through a grant. */
export type BucketAccess = 'owner' | GrantAccess;

/** The account's access to the bucket, or undefined: none (no owner and no grant count as none). */
export function accessOf(bucket: BucketRecord | undefined, account: string): BucketAccess | undefined {
  if (!bucket) return undefined;
  if (bucket.owner === account) return 'owner';
  return bucket.grants.find((grant) => grant.account === account)?.access;
}

/** Reading objects: the owner and every grant. */
export function canRead(bucket: BucketRecord | undefined, account: string): boolean {
  return accessOf(bucket, account) !== undefined;
}

/** Writing objects: the owner and read-write grants only. */
export function canWrite(bucket: BucketRecord | undefined, account: string): boolean {
  const access = accessOf(bucket, account);
  return access === 'owner' || access === 'read-write';
}

/** Thrown for a request the operator can fix (bad name or account, unknown bucket or grant). */
export class BucketError extends Error {}

/** Legacy S3 bucket names (us-east-1 allowed upper case and underscores, up to 255 characters). */
const BUCKET_NAME = /^[A-Za-z0-9._-]{1,255}$/;
const ACCOUNT = /^\d{12}$/;

/** Registers buckets, assigns owners, grants and revokes access; used by `trove buckets` and tests. */
export class BucketService {
  readonly #listeners: Array<() => void> = [];

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  /** Runs `listener` after every change made through this service (in-process caches drop what they hold). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async list(): Promise<BucketRecord[]> {
    return this.store.buckets.list();
  }

  async find(name: string): Promise<BucketRecord | undefined> {
    return this.store.buckets.find(name);
  }

  /** Registers a bucket, optionally with its owner; refused when it is registered already. */
  async create(name: string, owner?: string): Promise<BucketRecord> {
    checkName(name);
    if (owner !== undefined) checkAccount(owner);
    if (!(await this.store.buckets.insert(name, owner ?? null, this.clock.now()))) {
      throw new BucketError(`The bucket ${name} is registered already; change its owner with \`trove buckets assign ${name} --owner <account>\`.`);
    }
    return this.#changed(name);
  }

  /** Makes `owner` the bucket's owner (null: no owner), registering the bucket if needed. */
  async assign(name: string, owner: string | null): Promise<BucketRecord> {
    checkName(name);
    if (owner !== null) checkAccount(owner);
    await this.store.transaction(async (tx) => {
      await tx.buckets.setOwner(name, owner, this.clock.now());
      // The owner has every right already; a grant beside it would only confuse a listing.
      if (owner !== null) await tx.buckets.revoke(name, owner, this.clock.now());
    });
    return this.#changed(name);
  }

  /** Lets `account` read (or read and write) the bucket, registering it (without owner) if needed. */
  async grant(name: string, account: string, access: GrantAccess = 'read'): Promise<BucketRecord> {
    checkName(name);
    checkAccount(account);
    await this.store.transaction(async (tx) => {
      const bucket = await tx.buckets.find(name);
      if (bucket?.owner === account) throw new BucketError(`Account ${account} owns ${name}: it may read and write it without a grant.`);
      if (!bucket) await tx.buckets.insert(name, null, this.clock.now());
      await tx.buckets.grant(name, account, access, this.clock.now());
    });
    return this.#changed(name);
  }

  async revoke(name: string, account: string): Promise<BucketRecord> {
    if (!(await this.store.buckets.revoke(name, account, this.clock.now()))) {
      throw new BucketError(`Account ${account} has no grant on the bucket ${name}.`);
    }
    return this.#changed(name);
  }

  /** Forgets the bucket's owner and grants; its objects are not touched (Trove never writes them). */
  async delete(name: string): Promise<void> {
    if (!(await this.store.buckets.delete(name))) throw new BucketError(`The bucket ${name} is not registered.`);
    for (const listener of this.#listeners) listener();
  }

  /** May `account` read objects of the bucket (the policy alone, without any credential's allow-lists)? */
  async canRead(account: string, bucket: string): Promise<boolean> {
    return canRead(await this.store.buckets.find(bucket), account);
  }

  /** May `account` write objects into the bucket (owner or read-write grant)? For features that upload. */
  async canWrite(account: string, bucket: string): Promise<boolean> {
    return canWrite(await this.store.buckets.find(bucket), account);
  }

  async #changed(name: string): Promise<BucketRecord> {
    for (const listener of this.#listeners) listener();
    return (await this.store.buckets.find(name))!;
  }
}

function checkName(name: string): void {
  if (!BUCKET_NAME.test(name) || name === '.' || name === '..') {
    throw new BucketError(`'${name}' is not a bucket name (letters, digits, '.', '_' and '-', 1 to 255 characters).`);
  }
}

function checkAccount(account: string): void {
  if (!ACCOUNT.test(account)) throw new BucketError(`The account must be 12 digits, like 123456789012 (got '${account}').`);
}
