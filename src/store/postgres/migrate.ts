import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

// Resolved from the package root so the compiled driver (dist/store/postgres) reads the same SQL files.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/store/postgres/migrations/', import.meta.url));

/** Session-level advisory lock key for migrations ('trov' in ASCII); any constant works if it never changes. */
const MIGRATION_LOCK = 0x74726f76;

/**
 * Applies the numbered migrations not yet recorded in `schema_migrations`, each in its own
 * transaction, while holding an advisory lock: several nodes starting at once queue up here,
 * and the later ones find nothing left to do.
 */
export async function applyMigrations(client: pg.ClientBase): Promise<string[]> {
  const applied: string[] = [];
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql')).sort()) {
      const version = Number.parseInt(file, 10);
      if (done.has(version)) continue;
      const sql = readFileSync(MIGRATIONS_DIR + file, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [version, file, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
  return applied;
}
