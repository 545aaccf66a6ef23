import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { toPositional } from '../../src/store/postgres/sql-text.js';
import type { SqlValue } from '../../src/store/sql/sql-driver.js';

/** Where a Trove keeps its data: the SQLite file of a data directory, or a PostgreSQL database. */
export interface StoreLocation {
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

/**
 * Runs one statement on a Trove's database from outside the process (as a disk fault, an operator
 * or another node would), on either backend. Portable SQL with `?` placeholders.
 */
export async function rawSql<T = Record<string, unknown>>(where: StoreLocation, sql: string, params: SqlValue[] = []): Promise<{ rows: T[]; changes: number }> {
  if (where.databaseUrl) {
    const client = new pg.Client({ connectionString: where.databaseUrl });
    await client.connect();
    try {
      const result = await client.query(toPositional(sql), params);
      // Counts come back as text (int8) from a plain client: read them as numbers, as the driver does.
      const rows = result.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && result.fields.find((f) => f.name === k)?.dataTypeID === 20 ? Number(v) : v])));
      return { rows: rows as T[], changes: result.rowCount ?? 0 };
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(where.dataDir, 'trove.db'));
  try {
    const statement = db.prepare(sql);
    if (statement.reader) return { rows: statement.all(...params) as T[], changes: 0 };
    return { rows: [], changes: statement.run(...params).changes };
  } finally {
    db.close();
  }
}
