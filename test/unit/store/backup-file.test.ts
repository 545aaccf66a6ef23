import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDatabase } from '../../../src/store/sqlite/backup.js';

// `trove backup` (and `trove restore`) copy every tenant's data into a new file. Made with the
// umask's mode (0644) and tightened to 0600 only once sealed, the copy could be opened by any
// local user meanwhile, and read through that descriptor afterwards.
describe('copyDatabase', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the copy into a file that is private from its first byte, and never over an existing one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trove-backup-file-'));
    const source = join(dir, 'source.db');
    const db = new Database(source);
    db.exec("CREATE TABLE secrets (value TEXT); INSERT INTO secrets VALUES ('tenant data')");
    db.close();
    const previous = process.umask(0o022);
    try {
      const target = join(dir, 'copy.partial');
      await copyDatabase(source, target);
      expect(statSync(target).mode & 0o777).toBe(0o600);
      const copy = new Database(target, { readonly: true });
      expect(copy.prepare('SELECT value FROM secrets').pluck().get()).toBe('tenant data');
      copy.close();
      await expect(copyDatabase(source, target)).rejects.toThrow(/EEXIST/);
    } finally {
      process.umask(previous);
    }
  });
});
