import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryRow } from '../../../src/store/records.js';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { RkEntriesRepository } from '../../../src/store/sql/rk-entries-repository.js';
import type { SqlDialect, SqlExecutor } from '../../../src/store/sql/sql-driver.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import { BACKENDS } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';

const row = (sourceRef: string): EntryRow => ({ sourceRef, line: JSON.stringify({ 'source-ref': sourceRef }), labels: [], isLabeled: false, hasErrors: false });

interface Engine extends SqlExecutor {
  readonly dialect: SqlDialect;
  migrate(): Promise<unknown>;
  close(): Promise<void>;
}

/** The console's image route may serve an object only when the dataset has that source-ref at its committed revision. */
describe.each(BACKENDS)('RkEntriesRepository.hasSourceRef (%s)', (backend) => {
  let engine: Engine;
  let cleanUp: () => Promise<void>;
  let entries: RkEntriesRepository;
  beforeAll(async () => {
    if (backend === 'postgres') {
      const database = await createTestDatabase();
      engine = new PostgresDriver({ url: database.url, poolSize: 2 });
      cleanUp = () => database.drop();
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'trove-has-ref-'));
      engine = new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'NORMAL' });
      cleanUp = async () => rmSync(dir, { recursive: true, force: true });
    }
    await engine.migrate();
    entries = new RkEntriesRepository(engine, engine.dialect);
    await entries.insert(1, 1, [row('s3://b/kept.png'), row('s3://b/replaced.png')]);
    // Revision 2 is being written (not committed): one entry replaced, one added.
    const [replaced] = await entries.findLive(1, ['s3://b/replaced.png']);
    await entries.supersede([replaced.id], 2);
    await entries.insert(1, 2, [row('s3://b/replaced.png'), row('s3://b/new.png')]);
  });
  afterAll(async () => {
    await engine?.close();
    await cleanUp?.();
  });

  it('sees the entries of the committed revision, including one a change in progress replaces', async () => {
    expect(await entries.hasSourceRef(1, 1, 's3://b/kept.png')).toBe(true);
    expect(await entries.hasSourceRef(1, 1, 's3://b/replaced.png')).toBe(true);
  });

  it('does not see an entry that only a change in progress adds, another dataset\'s entries, or unknown refs', async () => {
    expect(await entries.hasSourceRef(1, 1, 's3://b/new.png')).toBe(false);
    expect(await entries.hasSourceRef(1, 2, 's3://b/new.png')).toBe(true);
    expect(await entries.hasSourceRef(2, 2, 's3://b/kept.png')).toBe(false);
    expect(await entries.hasSourceRef(1, 2, 's3://b/other.png')).toBe(false);
  });
});
