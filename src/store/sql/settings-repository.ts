import { randomBytes } from 'node:crypto';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';

/** Installation-wide values every node must agree on, such as signing keys. */
export class SettingsRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /**
   * The named secret, created at random on first use. Safe against two nodes racing:
   * the first insert wins and both read the winner back.
   */
  async secret(name: string, bytes = 32): Promise<Buffer> {
    await this.db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, randomBytes(bytes)]);
    const row = await this.db.get<{ value: Buffer }>('SELECT value FROM settings WHERE name = ?', [name]);
    return Buffer.from(row!.value);
  }

  /** The named value, or undefined. */
  async get(name: string): Promise<Buffer | undefined> {
    const row = await this.db.get<{ value: Buffer }>('SELECT value FROM settings WHERE name = ?', [name]);
    return row && Buffer.from(row.value);
  }

  /**
   * The named value, locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's write
   * transactions are serial anyway): writers that read it this way take turns.
   */
  async getForUpdate(name: string): Promise<Buffer | undefined> {
    const row = await this.db.get<{ value: Buffer }>(`SELECT value FROM settings WHERE name = ? ${this.dialect.forUpdate}`, [name]);
    return row && Buffer.from(row.value);
  }

  /** Writes the named value anew (a write that changes a row every time: the health probe). */
  async touch(name: string): Promise<void> {
    const value = Buffer.alloc(8);
    value.writeDoubleBE(Date.now());
    await this.put(name, value);
  }

  /** Stores the value, replacing any. */
  async put(name: string, value: Buffer): Promise<void> {
    await this.db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }

  /** Stores the value unless the name is taken; resolves to the value that is stored now. */
  async putIfAbsent(name: string, value: Buffer): Promise<Buffer> {
    await this.db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, value]);
    return (await this.get(name))!;
  }
}
