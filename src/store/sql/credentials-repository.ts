import type { SqlExecutor } from './sql-driver.js';

/** A stored credential: the secret only as ciphertext (auth/secret-box.ts decrypts it). */
export interface CredentialRecord {
  accessKeyId: string;
  account: string;
  secretCiphertext: Buffer;
  allowActions: string[] | null;
  allowResources: string[] | null;
  description: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

interface CredentialRow {
  access_key_id: string;
  account: string;
  secret_ciphertext: Buffer | Uint8Array;
  allow_actions: string | null;
  allow_resources: string | null;
  description: string | null;
  enabled: number | boolean;
  created_at: number | string;
  updated_at: number | string;
}

const COLUMNS = 'access_key_id, account, secret_ciphertext, allow_actions, allow_resources, description, enabled, created_at, updated_at';

/** Access keys, keyed by access key id (portable SQL: booleans 0/1, epoch-ms integers, BLOB ciphertext). */
export class CredentialsRepository {
  constructor(private readonly db: SqlExecutor) {}

  async insert(record: CredentialRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO credentials (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [record.accessKeyId, record.account, record.secretCiphertext, json(record.allowActions), json(record.allowResources),
        record.description, record.enabled ? 1 : 0, record.createdAt, record.updatedAt],
    );
  }

  async find(accessKeyId: string): Promise<CredentialRecord | undefined> {
    const row = await this.db.get<CredentialRow>(`SELECT ${COLUMNS} FROM credentials WHERE access_key_id = ?`, [accessKeyId]);
    return row && toRecord(row);
  }

  /** Every credential, oldest first (optionally of one account). */
  async list(account?: string): Promise<CredentialRecord[]> {
    const rows = account === undefined
      ? await this.db.all<CredentialRow>(`SELECT ${COLUMNS} FROM credentials ORDER BY created_at, access_key_id`)
      : await this.db.all<CredentialRow>(`SELECT ${COLUMNS} FROM credentials WHERE account = ? ORDER BY created_at, access_key_id`, [account]);
    return rows.map(toRecord);
  }

  /** How many credentials exist, enabled or not (none: the local test/test pair may be used). */
  async count(): Promise<number> {
    const row = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM credentials');
    return Number(row?.n ?? 0);
  }

  /** Enables or disables a credential; false when it does not exist. */
  async setEnabled(accessKeyId: string, enabled: boolean, now: number): Promise<boolean> {
    return (await this.db.run('UPDATE credentials SET enabled = ?, updated_at = ? WHERE access_key_id = ?', [enabled ? 1 : 0, now, accessKeyId])) > 0;
  }

  /** Replaces a credential's sealed secret (master key rotation); false when it does not exist. */
  async setCiphertext(accessKeyId: string, secretCiphertext: Buffer): Promise<boolean> {
    return (await this.db.run('UPDATE credentials SET secret_ciphertext = ? WHERE access_key_id = ?', [secretCiphertext, accessKeyId])) > 0;
  }

  /** Deletes a credential; false when it does not exist. */
  async delete(accessKeyId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM credentials WHERE access_key_id = ?', [accessKeyId])) > 0;
  }
}

function json(list: readonly string[] | null): string | null {
  return list === null ? null : JSON.stringify(list);
}

function toRecord(row: CredentialRow): CredentialRecord {
  return {
    accessKeyId: row.access_key_id,
    account: row.account,
    secretCiphertext: Buffer.from(row.secret_ciphertext),
    allowActions: row.allow_actions === null ? null : (JSON.parse(row.allow_actions) as string[]),
    allowResources: row.allow_resources === null ? null : (JSON.parse(row.allow_resources) as string[]),
    description: row.description,
    enabled: row.enabled === 1 || row.enabled === true,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
