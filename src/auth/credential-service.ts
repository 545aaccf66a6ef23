import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { CredentialRecord } from '../store/sql/credentials-repository.js';
import type { Store } from '../store/store.js';
import { actionPatternProblem, resourcePatternProblem } from './permissions.js';
import { SecretBox } from './secret-box.js';

export interface NewCredential {
  /** The 12-digit account every request signed with it acts in. */
  readonly account: string;
  readonly allowActions?: readonly string[];
  readonly allowResources?: readonly string[];
  readonly description?: string;
}

/** A credential as created: the only time its secret is ever shown. */
export interface IssuedCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly account: string;
}

/** A credential as listed: never with its secret. */
export interface CredentialSummary {
  readonly accessKeyId: string;
  readonly account: string;
  readonly enabled: boolean;
  readonly allowActions: readonly string[] | null;
  readonly allowResources: readonly string[] | null;
  readonly description: string | null;
  readonly createdAt: number;
}

/** What the authenticator needs to verify a signature and build the principal. */
export interface CredentialSecret extends CredentialSummary {
  readonly secretAccessKey: string;
}

/** Thrown for a request the caller can fix (bad account, bad pattern, unknown key). */
export class CredentialError extends Error {}

const KEY_CHECK = 'master-key-check';
const KEY_CHECK_TEXT = 'trove master key check';
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Creates, lists, disables and deletes access keys; used by `trove credentials` and by the
 * authenticator (lookup). Secrets are sealed with the master key before they reach the store.
 */
export class CredentialService {
  readonly #listeners: Array<() => void> = [];

  private constructor(private readonly store: Store, private readonly box: SecretBox, private readonly clock: Clock) {}

  /**
   * Opens the service with the master key, first proving the key is the one this store's
   * secrets were sealed with (a check value is sealed on first use).
   */
  static async open(store: Store, masterKey: Buffer, clock: Clock, options: { keySource?: string } = {}): Promise<CredentialService> {
    const box = new SecretBox(masterKey);
    const check = await store.settings.putIfAbsent(KEY_CHECK, box.seal(KEY_CHECK_TEXT, KEY_CHECK));
    if (box.open(check, KEY_CHECK) !== KEY_CHECK_TEXT) {
      throw new Error(`The master key from ${options.keySource ?? 'the configuration'} is not the key this store's credentials were encrypted with. `
        + 'Set TROVE_MASTER_KEY to the original key (or restore the original master.key in the data directory).');
    }
    return new CredentialService(store, box, clock);
  }

  /** Runs `listener` after every change made through this service (in-process caches drop what they hold). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async create(input: NewCredential): Promise<IssuedCredential> {
    if (!/^\d{12}$/.test(input.account)) throw new CredentialError(`The account must be 12 digits, like 123456789012 (got '${input.account}').`);
    const problems = [
      ...(input.allowActions ?? []).map(actionPatternProblem),
      ...(input.allowResources ?? []).map(resourcePatternProblem),
    ].filter((problem) => problem !== undefined);
    if (problems.length > 0) throw new CredentialError(problems.join('\n'));
    const accessKeyId = `TROV${randomFrom(KEY_ID_ALPHABET, 16)}`;
    // AWS secret access keys are 40 characters of base64.
    const secretAccessKey = randomBytes(30).toString('base64');
    const now = this.clock.now();
    await this.store.credentials.insert({
      accessKeyId,
      account: input.account,
      secretCiphertext: this.box.seal(secretAccessKey, accessKeyId),
      allowActions: input.allowActions && input.allowActions.length > 0 ? [...input.allowActions] : null,
      allowResources: input.allowResources && input.allowResources.length > 0 ? [...input.allowResources] : null,
      description: input.description ?? null,
      enabled: true,
      createdAt: now,
      updatedAt: now,
    });
    this.#changed();
    return { accessKeyId, secretAccessKey, account: input.account };
  }

  async list(account?: string): Promise<CredentialSummary[]> {
    return (await this.store.credentials.list(account)).map(summary);
  }

  async count(): Promise<number> {
    return this.store.credentials.count();
  }

  async setEnabled(accessKeyId: string, enabled: boolean): Promise<void> {
    if (!(await this.store.credentials.setEnabled(accessKeyId, enabled, this.clock.now()))) throw unknown(accessKeyId);
    this.#changed();
  }

  async delete(accessKeyId: string): Promise<void> {
    if (!(await this.store.credentials.delete(accessKeyId))) throw unknown(accessKeyId);
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** The credential with its decrypted secret, or undefined when the key is unknown. */
  async lookup(accessKeyId: string): Promise<CredentialSecret | undefined> {
    const record = await this.store.credentials.find(accessKeyId);
    if (!record) return undefined;
    const secretAccessKey = this.box.open(record.secretCiphertext, record.accessKeyId);
    // A row that does not decrypt (altered, or sealed for another id) is treated as unknown.
    if (secretAccessKey === undefined) return undefined;
    return { ...summary(record), secretAccessKey };
  }
}

function summary(record: CredentialRecord): CredentialSummary {
  return {
    accessKeyId: record.accessKeyId,
    account: record.account,
    enabled: record.enabled,
    allowActions: record.allowActions,
    allowResources: record.allowResources,
    description: record.description,
    createdAt: record.createdAt,
  };
}

function unknown(accessKeyId: string): CredentialError {
  return new CredentialError(`No credential has the access key id ${accessKeyId}.`);
}

/** Unbiased random characters (rejection sampling). */
function randomFrom(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}
