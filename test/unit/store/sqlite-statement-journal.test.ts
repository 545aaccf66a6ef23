import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcExamplesRepository } from '../../../src/store/sql/ac-examples-repository.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';

/** SQLite's temp files (statement journals among them) are named etilqs_*; unlinked at once, they stay open. */
function openTempFiles(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  }).filter((target) => target.includes('etilqs_'));
}

/**
 * Superseding a batch changes pages of three indexes and the table in one statement. With a
 * statement journal SQLite copied each of those pages first (to undo that statement alone, which
 * Trove never does: any error rolls back the whole transaction), and past 64 KiB the copy went to a
 * new temp file, in every accepting transaction of UpdateDatasetExamples (SqlDialect.noStatementRollback).
 * SQLite only; Linux only (/proc).
 */
describe.skipIf(process.platform !== 'linux')('SQLite statement journal of superseding examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-stmt-journal-'));
  let driver: SqliteDriver;
  beforeAll(async () => {
    driver = new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'NORMAL' });
    await driver.migrate();
  });
  afterAll(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('supersedes 1,000 examples without a statement journal, and every superseded row is found', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `example-${String(i).padStart(4, '0')}`);
    const content = JSON.stringify({ input: 'x'.repeat(1000) });
    await driver.transaction((tx) => new AcExamplesRepository(tx, driver.dialect).insert(1, 1, ids.map((exampleId, i) => ({ exampleId, seq: i + 1, content }))));
    for (let revision = 2; revision <= 4; revision++) {
      const during = await driver.transaction(async (tx) => {
        const examples = new AcExamplesRepository(tx, driver.dialect);
        const seqs = await examples.supersedeLive(1, ids, revision);
        expect(seqs.size).toBe(ids.length);
        expect(seqs.get('example-0999')).toBe(1000);
        const open = openTempFiles();
        await examples.insert(1, revision, ids.map((exampleId) => ({ exampleId, seq: seqs.get(exampleId)!, content })));
        return open;
      });
      expect(during).toEqual([]);
    }
    // The live version of each example is the newest one, at its old position.
    const live = await driver.all<{ n: number; newest: number }>(
      'SELECT count(*) AS n, min(created_rev) AS newest FROM ac_examples WHERE dataset_id = 1 AND deleted_rev IS NULL');
    expect(live).toEqual([{ n: 1000, newest: 4 }]);
  });
});
