import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { CredentialRecord } from '../store/sql/credentials-repository.js';
import type { Store } from '../store/store.js';
import { keyFingerprint, loadMasterKeys } from './master-key.js';
import type { MasterKey } from './master-key.js';
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

/** The setting that proves which master key a store's secrets are sealed with: a known text, sealed. */
export const KEY_CHECK = 'master-key-check';
const KEY_CHECK_TEXT = 'trove master key check';

/** True when `key` is the master key a store's key check (the KEY_CHECK setting) was sealed with. */
export function opensKeyCheck(check: Buffer, key: Buffer): boolean {
  return new SecretBox(key).open(check, KEY_CHECK) === KEY_CHECK_TEXT;
}
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** How the store's secrets relate to the configured keys, for start-up messages. */
export type StoreKeyState = 'current' | 'previous';

/**
 * Creates, lists, disables and deletes access keys; used by `trove credentials` and by the
 * authenticator (lookup). Secrets are sealed with the master key before they reach the store.
 * During a master key rotation it holds two keys, the current one and `TROVE_MASTER_KEY_PREVIOUS`,
 * and opens secrets sealed with either; new secrets are sealed with the key the store is under.
 */
export class CredentialService {
  readonly #listeners: Array<() => void> = [];
  /** Every key this service may open secrets with, the store's own first; replaced by useKeys. */
  #boxes: readonly SecretBox[];
  #storeKey: StoreKeyState;
  /** Asked once when a stored secret opens with none of the keys: may load new ones (useKeys) and resolves true then. */
  #onUnopened?: () => Promise<boolean>;

  private constructor(
    private readonly store: Store,
    keys: { boxes: readonly SecretBox[]; storeKey: StoreKeyState },
    private readonly clock: Clock,
  ) {
    this.#boxes = keys.boxes;
    this.#storeKey = keys.storeKey;
  }

  /** Which configured key the store's secrets were sealed with when the keys were (last) loaded. */
  get storeKey(): StoreKeyState {
    return this.#storeKey;
  }

  /**
   * Opens the service with the master key (and, during a rotation, the previous one), first
   * proving that one of them is the key this store's secrets were sealed with (a check value is
   * sealed on first use).
   */
  static async open(
    store: Store, masterKey: Buffer, clock: Clock, options: { keySource?: string; previousKey?: Buffer } = {},
  ): Promise<CredentialService> {
    const check = await store.settings.putIfAbsent(KEY_CHECK, new SecretBox(masterKey).seal(KEY_CHECK_TEXT, KEY_CHECK));
    return new CredentialService(store, keysFor(check, masterKey, options), clock);
  }

  /**
   * Replaces the keys of a running service (SIGHUP, or a rotated key file): refused, keeping the
   * keys it had, unless one of the new ones is the key the store's secrets are sealed with now,
   * because a node holding only keys that open nothing would refuse every credential.
   * Secrets already cached by the authenticator stay valid: rotation never changes a secret.
   */
  async useKeys(masterKey: Buffer, options: { keySource?: string; previousKey?: Buffer } = {}): Promise<StoreKeyState> {
    const check = await this.store.settings.get(KEY_CHECK);
    if (!check) throw new Error('The store has no master key check; it was not opened by this version of Trove.');
    const keys = keysFor(check, masterKey, options);
    this.#boxes = keys.boxes;
    this.#storeKey = keys.storeKey;
    return keys.storeKey;
  }

  /** Sets what to ask when a stored secret opens with none of the keys (e.g. re-read a rotated key file). */
  onUnopened(reload: () => Promise<boolean>): void {
    this.#onUnopened = reload;
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
    await this.store.transaction(async (tx) => {
      // Sealed with the key the store is under right now: the check value, locked, so a rotation
      // running at the same time either comes first (and this secret is sealed with its new key) or after.
      const box = this.#opener(await tx.settings.getForUpdate(KEY_CHECK), KEY_CHECK, KEY_CHECK_TEXT);
      if (!box) throw new CredentialError('The store was re-encrypted with another master key meanwhile; run the command again with the new key.');
      await tx.credentials.insert({
        accessKeyId,
        account: input.account,
        secretCiphertext: box.seal(secretAccessKey, accessKeyId),
        allowActions: input.allowActions && input.allowActions.length > 0 ? [...input.allowActions] : null,
        allowResources: input.allowResources && input.allowResources.length > 0 ? [...input.allowResources] : null,
        description: input.description ?? null,
        enabled: true,
        createdAt: now,
        updatedAt: now,
      });
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
    let secretAccessKey = this.#open(record.secretCiphertext, record.accessKeyId);
    // The store may have been re-encrypted with a new key (rotate-master-key ran elsewhere): load
    // it if the key's source now holds it, so the request is not refused, and try once more.
    if (secretAccessKey === undefined && (await this.#onUnopened?.())) secretAccessKey = this.#open(record.secretCiphertext, record.accessKeyId);
    // A row that does not decrypt (altered, or sealed for another id) is treated as unknown.
    if (secretAccessKey === undefined) return undefined;
    return { ...summary(record), secretAccessKey };
  }

  /**
   * Re-encrypts every stored secret, and the key check, with `newKey`, in one transaction: either
   * all of them move to the new key or none does. Secrets sealed with any key this service holds
   * (or already with the new one, when a rotation is repeated) are accepted; one that opens with
   * none of them stops the rotation before anything is written. Resolves to how many were sealed.
   */
  async rotateMasterKey(newKey: Buffer): Promise<number> {
    const next = new SecretBox(newKey);
    const known = [...this.#boxes, next];
    const count = await this.store.transaction(async (tx) => {
      if (!this.#opener(await tx.settings.getForUpdate(KEY_CHECK), KEY_CHECK, KEY_CHECK_TEXT, known)) {
        throw new CredentialError('The store was re-encrypted with another master key meanwhile; nothing was changed.');
      }
      const records = await tx.credentials.list();
      const sealed = records.map((record) => {
        const secret = this.#open(record.secretCiphertext, record.accessKeyId, known);
        if (secret === undefined) {
          throw new CredentialError(`The secret of ${record.accessKeyId} opens with none of the configured master keys; nothing was changed. `
            + `Delete that credential (\`trove credentials delete ${record.accessKeyId}\`) or configure the key it was sealed with.`);
        }
        return { accessKeyId: record.accessKeyId, ciphertext: next.seal(secret, record.accessKeyId) };
      });
      for (const { accessKeyId, ciphertext } of sealed) await tx.credentials.setCiphertext(accessKeyId, ciphertext);
      await tx.settings.put(KEY_CHECK, next.seal(KEY_CHECK_TEXT, KEY_CHECK));
      return sealed.length;
    });
    this.#changed();
    return count;
  }

  #open(sealed: Buffer, context: string, boxes: readonly SecretBox[] = this.#boxes): string | undefined {
    for (const box of boxes) {
      const plaintext = box.open(sealed, context);
      if (plaintext !== undefined) return plaintext;
    }
    return undefined;
  }

  /** The box `sealed` opens with, to `expected`. */
  #opener(sealed: Buffer | undefined, context: string, expected: string, boxes: readonly SecretBox[] = this.#boxes): SecretBox | undefined {
    return sealed && boxes.find((box) => box.open(sealed, context) === expected);
  }
}

/**
 * The credential service over the configured keys (TROVE_MASTER_KEY or `<data dir>/master.key`,
 * and TROVE_MASTER_KEY_PREVIOUS during a rotation): what `serve` and `trove credentials` open.
 */
export async function openWithConfiguredKeys(
  store: Store, keys: { masterKey?: string; previousMasterKey?: string; dataDir: string }, clock: Clock,
): Promise<{ credentials: CredentialService; current: MasterKey; previous?: MasterKey }> {
  const { current, previous } = loadMasterKeys(keys);
  const credentials = await CredentialService.open(store, current.key, clock, { keySource: current.source, previousKey: previous?.key });
  return { credentials, current, previous };
}

/**
 * The boxes for the configured keys, the one the store's key check opens with first; throws,
 * saying which keys were tried, when neither opens it.
 */
function keysFor(check: Buffer, masterKey: Buffer, options: { keySource?: string; previousKey?: Buffer }): { boxes: SecretBox[]; storeKey: StoreKeyState } {
  const current = new SecretBox(masterKey);
  const previous = options.previousKey && new SecretBox(options.previousKey);
  if (current.open(check, KEY_CHECK) === KEY_CHECK_TEXT) return { boxes: previous ? [current, previous] : [current], storeKey: 'current' };
  if (previous && previous.open(check, KEY_CHECK) === KEY_CHECK_TEXT) return { boxes: [previous, current], storeKey: 'previous' };
  throw new Error(`The master key from ${options.keySource ?? 'the configuration'} (${keyFingerprint(masterKey)})`
    + `${options.previousKey ? ` and TROVE_MASTER_KEY_PREVIOUS (${keyFingerprint(options.previousKey)}) are` : ' is'} not the key this store's credentials were encrypted with. `
    + 'Set TROVE_MASTER_KEY to the original key (or restore the original master.key in the data directory); after '
    + '`trove credentials rotate-master-key`, that is the new key.');
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
