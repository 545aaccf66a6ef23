import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { isConnectionLoss } from '../store-unavailable-error.js';

// Resolved from the package root so the compiled driver (dist/store/postgres) reads the same SQL files.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/store/postgres/migrations/', import.meta.url));

/** Advisory lock key for migrations ('trov' in ASCII); any constant works if it never changes. */
const MIGRATION_LOCK = 0x74726f76;

/**
 * The session setting every Trove session needs (postgres-driver.ts, on connect: listing pages rely
 * on serial plans), as PostgreSQL stores a role's per-database default (`pg_db_role_setting`).
 */
const SERIAL_PLANS = 'max_parallel_workers_per_gather=0';

/** What applyMigrations did, and what an operator should know. */
export interface MigrationOutcome {
  readonly applied: string[];
  readonly warnings: string[];
}

/**
 * Applies the numbered migrations not yet recorded in `schema_migrations`, one transaction per
 * file, each holding a transaction-level advisory lock: several nodes starting at once queue up
 * here and the later ones find nothing left to do. A transaction-level lock (not a session one)
 * is also correct behind a transaction-pooling proxy such as PgBouncer, where consecutive
 * statements outside a transaction may run on different server connections. The last
 * transaction (nothing left to apply) also makes serial plans the role's default in this
 * database (defaultToSerialPlans), under the same lock.
 */
export async function applyMigrations(client: pg.ClientBase): Promise<MigrationOutcome> {
  const files = readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  const warnings: string[] = [];
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
      if (!file) {
        const warning = await defaultToSerialPlans(client);
        if (warning) warnings.push(warning);
      }
      await client.query('COMMIT');
      if (!file) return { applied, warnings };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/**
 * Makes `max_parallel_workers_per_gather = 0` the default of the login role in this database
 * (`ALTER ROLE SESSION_USER IN DATABASE ... SET`), when it is not already: every session opened
 * afterwards starts with it, whoever opens it. The driver's `SET` on each new connection reaches
 * only the server session that connection has; behind a transaction-pooling proxy (PgBouncer
 * `pool_mode = transaction`) a connection's later statements run on whichever server session is
 * free, which the proxy opened itself and never carried that `SET` (all of them, once its
 * `server_lifetime` has replaced the first ones).
 *
 * The login role (session_user), not the current one: PostgreSQL applies the defaults of the role
 * a session logs in as, and a login role may switch to another at once (`ALTER ROLE login SET
 * role = owner`, a common way to have tables owned by a role nobody logs in as); that role's
 * defaults would never apply. A role may set only its own defaults (unless CREATEROLE), so the
 * statement runs as the login role (`SET LOCAL ROLE NONE`) and switches back after it.
 *
 * A refusal is a warning, not a failed start (the same effect is then the operator's:
 * docs/postgres.md, "Behind PgBouncer"). Runs once per start, inside the migration lock: two nodes
 * starting at once do not write the shared catalog row together. Returns the warning, if any.
 */
async function defaultToSerialPlans(client: pg.ClientBase): Promise<string | undefined> {
  const { rows } = await client.query<{ set: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s
       WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND s.setrole = (SELECT oid FROM pg_roles WHERE rolname = session_user)
         AND $1 = ANY (s.setconfig)) AS set`,
    [SERIAL_PLANS],
  );
  if (rows[0]?.set) return undefined;
  await client.query('SAVEPOINT serial_plans');
  try {
    // format(%I): names quoted as identifiers (ALTER ROLE and SET ROLE take no parameter). Should
    // the ALTER fail, rolling back to the savepoint undoes the SET LOCAL ROLE NONE as well.
    await client.query(`DO $$
      DECLARE acting text := current_user;
      BEGIN
        SET LOCAL ROLE NONE;
        EXECUTE format('ALTER ROLE SESSION_USER IN DATABASE %I SET max_parallel_workers_per_gather = 0', current_database());
        EXECUTE format('SET LOCAL ROLE %I', acting);
      END $$`);
    await client.query('RELEASE SAVEPOINT serial_plans');
    return undefined;
  } catch (error) {
    if (isConnectionLoss(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT serial_plans');
    return `could not make max_parallel_workers_per_gather = 0 the login role's default in this database (${(error as Error).message}): `
      + 'behind a transaction-pooling proxy such as PgBouncer, listing pages may then come out of order; '
      + 'run ALTER ROLE <login role> IN DATABASE <database> SET max_parallel_workers_per_gather = 0 (docs/postgres.md, "Behind PgBouncer")';
  }
}
