// The one check every read of an s3:// object goes through. Nothing above the object store holds
// the store itself: the domain and the jobs get an ObjectReader bound to whoever asked, and each
// of its reads first asks `decide` (the credential's allow-lists for s3:GetObject on the object's
// ARN, then the bucket's owner and grants). A refusal is decided before the store is touched, so
// it says nothing about whether the object exists.

import { AccessDenied } from '../auth/errors.js';
import { authorize, authorizeAction } from '../auth/authorize.js';
import type { AllowLists } from '../auth/authorize.js';
import { LOCAL_CREDENTIAL } from '../auth/authenticate.js';
import type { Clock } from '../lib/clock.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { ObjectStoreError } from '../object-store/object-store.js';
import type { ObjectInfo, ObjectRange, ObjectRef, ObjectStore, ObjectStream, PutOptions } from '../object-store/object-store.js';
import type { BucketRecord } from '../store/sql/buckets-repository.js';
import type { CredentialRecord } from '../store/sql/credentials-repository.js';
import { accessOf, canRead, canWrite } from './bucket-service.js';

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

/** A bucket a requester may write objects into, and how it came to be writable. */
export interface WritableBucket {
  readonly name: string;
  /** `owner`, a `read-write` grant, or `local`: the local pair, while no credential exists, writes every bucket. */
  readonly access: 'owner' | 'read-write' | 'local';
  /**
   * Where the key's allow-lists let it write in this bucket, when they limit it to parts of it
   * (`arn:aws:s3:::photos/train/*` → `train/`); absent: anywhere.
   */
  readonly keyPrefixes?: readonly string[];
}

export interface ObjectAccessOptions {
  readonly objects: ObjectStore;
  readonly buckets: { find(name: string): Promise<BucketRecord | undefined>; list(): Promise<BucketRecord[]> };
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

  /**
   * The buckets `requester` may write into: its account's own and those it holds a read-write
   * grant on, narrowed by its key's allow-lists (s3:PutObject, and resource patterns that can
   * reach an object of the bucket). The local pair (no credential exists) gets every registered
   * bucket and every bucket the store has. A list for choosing; each write is still decided alone.
   */
  async writableBuckets(requester: Requester): Promise<{ buckets: WritableBucket[]; anyBucket: boolean }> {
    const permissions = await this.#permissions(requester);
    if (permissions.kind === 'nothing') return { buckets: [], anyBucket: false };
    const registered = await this.#options.buckets.list();
    if (permissions.kind === 'everything') {
      const names = new Set([...registered.map((b) => b.name), ...((await this.#options.objects.bucketNames?.()) ?? [])]);
      return { buckets: [...names].sort().map((name) => ({ name, access: 'local' })), anyBucket: true };
    }
    const { account, allowLists } = permissions;
    if (allowLists) {
      try {
        authorizeAction(allowLists, ACTIONS.write);
      } catch (error) {
        if (error instanceof AccessDenied) return { buckets: [], anyBucket: false };
        throw error;
      }
    }
    const buckets: WritableBucket[] = [];
    for (const bucket of registered) {
      if (!canWrite(bucket, account)) continue;
      const access = accessOf(bucket, account) === 'owner' ? 'owner' : 'read-write';
      const reach = allowLists?.allowResources ? keyPrefixesWithin(allowLists.allowResources, bucket.name) : [''];
      if (reach.length === 0) continue;
      buckets.push(reach.includes('') ? { name: bucket.name, access } : { name: bucket.name, access, keyPrefixes: reach });
    }
    return { buckets, anyBucket: false };
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

  /** Writes a whole object, when the requester may write it (`mayWrite`). */
  async put(ref: ObjectRef, bytes: Uint8Array, options: PutOptions): Promise<void> {
    await this.mayWrite(ref);
    return this.objects.put(ref, bytes, options);
  }
}

/**
 * The key prefixes of `bucket` that resource patterns can reach (keys must start with one): for
 * each pattern, its literal text before the first wildcard decides. `arn:aws:s3:::photos/train/*`
 * reaches `train/`, an exact ARN its one key; `arn:aws:s3:::photos/*`, `arn:aws:s3:::pho*` and
 * `*` reach the whole bucket (`''`). A hint: a pattern's later wildcards may narrow it further.
 */
export function keyPrefixesWithin(patterns: readonly string[], bucket: string): string[] {
  const base = `arn:aws:s3:::${bucket}/`;
  const prefixes = new Set<string>();
  for (const pattern of patterns) {
    const wild = pattern.search(/[*?]/);
    const literal = wild < 0 ? pattern : pattern.slice(0, wild);
    if (base.startsWith(literal) && wild >= 0) prefixes.add('');
    else if (literal.startsWith(base)) prefixes.add(literal.slice(base.length));
  }
  return prefixes.has('') ? [''] : [...prefixes].sort();
}
