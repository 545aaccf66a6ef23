// The one check every read of an s3:// object goes through. Nothing above the object store holds
// the store itself: the domain and the jobs get an ObjectReader bound to whoever asked, and each
// of its reads first asks `decide` (the credential's allow-lists for s3:GetObject on the object's
// ARN, then the bucket's owner and grants). A refusal is decided before the store is touched, so
// it says nothing about whether the object exists.

import { AccessDenied } from '../auth/errors.js';
import { authorize } from '../auth/authorize.js';
import type { AllowLists } from '../auth/authorize.js';
import { LOCAL_CREDENTIAL } from '../auth/authenticate.js';
import type { Clock } from '../lib/clock.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { ObjectStoreError } from '../object-store/object-store.js';
import type { ObjectInfo, ObjectRange, ObjectRef, ObjectStore, ObjectStream } from '../object-store/object-store.js';
import type { BucketRecord } from '../store/sql/buckets-repository.js';
import type { CredentialRecord } from '../store/sql/credentials-repository.js';
import { canRead, canWrite } from './bucket-service.js';

/**
 * Who reads: the account and the access key that signed the request. Stored in the payload of
 * every job that reads objects, so the job reads as the caller, with the grants and allow-lists
 * in force when it runs (a requester without a key id is an account without allow-lists: jobs
 * accepted before object-store tenancy existed).
 */
export interface Requester {
  readonly account: string;
  readonly accessKeyId?: string;
}

/** The requester part of a caller, for a job payload. */
export function requesterOf(caller: Requester): Requester {
  return caller.accessKeyId === undefined ? { account: caller.account } : { account: caller.account, accessKeyId: caller.accessKeyId };
}

/** A read (or write) the requester may not make; `byAllowList`: its credential's allow-lists refuse it (IAM's AccessDenied). */
export class ObjectAccessDenied extends ObjectStoreError {
  constructor(ref: ObjectRef, readonly byAllowList: boolean, detail: string) {
    super('access-denied', ref, detail);
    this.name = 'ObjectAccessDenied';
  }
}

/** The AWS action a read or a write needs on the object's ARN. */
const ACTIONS = { read: 's3:GetObject', write: 's3:PutObject' } as const;
export type ObjectOperation = keyof typeof ACTIONS;

/** AWS: an object's ARN, what `--resource arn:aws:s3:::bucket/prefix*` patterns match. */
export function objectArn(ref: ObjectRef): string {
  return `arn:aws:s3:::${ref.bucket}/${ref.key}`;
}

/** What a requester's credential amounts to when it reads. */
type Permissions =
  | { kind: 'everything' }
  | { kind: 'account'; account: string; allowLists?: AllowLists }
  | { kind: 'nothing'; reason: string };

export interface ObjectAccessOptions {
  readonly objects: ObjectStore;
  readonly buckets: { find(name: string): Promise<BucketRecord | undefined> };
  readonly credentials: { find(accessKeyId: string): Promise<CredentialRecord | undefined>; count(): Promise<number> };
  /** True on a loopback bind: the local test/test pair, while no credential exists, reads every bucket. */
  readonly localPairAllowed: boolean;
  /** How long grants and credentials read from the store are trusted (other nodes' and the CLI's changes). */
  readonly cacheMs: number;
  readonly clock: Clock;
}

/** Hands out readers bound to a requester; holds the caches of grants and credentials. */
export class ObjectAccess {
  readonly #options: ObjectAccessOptions;
  readonly #buckets: TtlCache<BucketRecord | undefined>;
  readonly #credentials: TtlCache<CredentialRecord | undefined>;
  readonly #count: TtlCache<number>;

  constructor(options: ObjectAccessOptions) {
    this.#options = options;
    this.#buckets = new TtlCache(options.cacheMs, options.clock);
    this.#credentials = new TtlCache(options.cacheMs, options.clock);
    this.#count = new TtlCache(options.cacheMs, options.clock, 1);
  }

  /** A reader that reads as `requester`, and only what it may read. */
  reader(requester: Requester): ObjectReader {
    return new ObjectReader(this, this.#options.objects, requester);
  }

  /** Why `requester` may not read (or write) the object, or undefined when it may. Never touches the object store. */
  async decide(requester: Requester, ref: ObjectRef, operation: ObjectOperation): Promise<ObjectAccessDenied | undefined> {
    const permissions = await this.#permissions(requester);
    if (permissions.kind === 'everything') return undefined;
    if (permissions.kind === 'nothing') return new ObjectAccessDenied(ref, true, permissions.reason);
    if (permissions.allowLists) {
      try {
        authorize(permissions.allowLists, ACTIONS[operation], [objectArn(ref)]);
      } catch (error) {
        if (error instanceof AccessDenied) return new ObjectAccessDenied(ref, true, error.message);
        throw error;
      }
    }
    const bucket = await this.#buckets.get(ref.bucket, () => this.#options.buckets.find(ref.bucket));
    const allowed = operation === 'read' ? canRead(bucket, permissions.account) : canWrite(bucket, permissions.account);
    if (allowed) return undefined;
    return new ObjectAccessDenied(ref, false,
      `Access Denied: account ${permissions.account} may not ${operation} objects of the bucket ${ref.bucket} (it is not the bucket's owner and has no ${operation === 'read' ? '' : 'read-write '}grant on it).`);
  }

  /** Forgets cached grants and credentials (they were changed in this process). */
  invalidate(): void {
    this.#buckets.clear();
    this.#credentials.clear();
    this.#count.clear();
  }

  async #permissions(requester: Requester): Promise<Permissions> {
    const { accessKeyId, account } = requester;
    const credential = accessKeyId === undefined ? undefined : await this.#credentials.get(accessKeyId, () => this.#options.credentials.find(accessKeyId));
    if (credential) {
      if (!credential.enabled || credential.account !== account) {
        return { kind: 'nothing', reason: `The access key ${accessKeyId} that made the request is disabled or no longer belongs to account ${account}.` };
      }
      const allowLists = { accessKeyId: credential.accessKeyId, allowActions: credential.allowActions ?? undefined, allowResources: credential.allowResources ?? undefined };
      return { kind: 'account', account, allowLists };
    }
    // No credential at all: the local pair (or a job from before tenancy) on a machine nobody else can sign in to.
    const open = this.#options.localPairAllowed && (await this.#count.get('', () => this.#options.credentials.count())) === 0;
    if (open && (accessKeyId === undefined || accessKeyId === LOCAL_CREDENTIAL.accessKeyId)) return { kind: 'everything' };
    if (accessKeyId === undefined) return { kind: 'account', account };
    return { kind: 'nothing', reason: `The access key ${accessKeyId} that made the request no longer exists.` };
  }
}

/**
 * The object store as one requester may read it: every read is decided first (ObjectAccessDenied,
 * an `access-denied` ObjectStoreError, when it may not), then passed to the store.
 */
export class ObjectReader {
  constructor(private readonly access: ObjectAccess, private readonly objects: ObjectStore, readonly requester: Requester) {}

  /** Where objects come from, for logs (never for clients: it may name a server folder). */
  get description(): string {
    return this.objects.description;
  }

  /** Throws ObjectAccessDenied unless the requester may read the object; reads nothing. */
  async mayRead(ref: ObjectRef): Promise<void> {
    const denied = await this.access.decide(this.requester, ref, 'read');
    if (denied) throw denied;
  }

  /** Throws ObjectAccessDenied unless the requester may write the object (owner or read-write grant, and s3:PutObject). */
  async mayWrite(ref: ObjectRef): Promise<void> {
    const denied = await this.access.decide(this.requester, ref, 'write');
    if (denied) throw denied;
  }

  async head(ref: ObjectRef): Promise<ObjectInfo> {
    await this.mayRead(ref);
    return this.objects.head(ref);
  }

  async readRange(ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> {
    await this.mayRead(ref);
    return this.objects.readRange(ref, offset, length);
  }

  async openRead(ref: ObjectRef): Promise<ObjectStream> {
    await this.mayRead(ref);
    return this.objects.openRead(ref);
  }
}
