import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { isConnectionLoss } from '../store-unavailable-error.js';

// Resolved from the package root so the compiled driver (dist/store/postgres) reads the same SQL files.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/store/postgres/migrations/', import.meta.url));

/** Advisory lock key for migrations ('trov' in ASCII); any constant works if it never changes. */
const MIGRATION_LOCK = 0x74726f76;

/**
 * Applies the numbered migrations not yet recorded in `schema_migrations`, one transaction per
 * file, each holding a transaction-level advisory lock: several nodes starting at once queue up
 * here and the later ones find nothing left to do. A transaction-level lock (not a session one)
 * is also correct behind a transaction-pooling proxy such as PgBouncer, where consecutive
 * statements outside a transaction may run on different server connections.
 */
export async function applyMigrations(client: pg.ClientBase): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      const file = files.find((name) => !done.has(Number.parseInt(name, 10)));
      if (file) {
        try {
          await client.query(readFileSync(MIGRATIONS_DIR + file, 'utf8'));
        } catch (error) {
          if (isConnectionLoss(error)) throw error;
          throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
        }
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [Number.parseInt(file, 10), file, Date.now()]);
        applied.push(file);
      }
      await client.query('COMMIT');
      if (!file) return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
