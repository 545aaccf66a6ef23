import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';

/**
 * A database the SQLite driver creates has 16 KiB pages (a large commit writes a quarter of the
 * WAL frames it wrote with SQLite's default 4 KiB); one made with another page size keeps it and
 * works as before (SQLite cannot change the page size of a database in WAL mode).
 */
describe('SQLite page size', () => {
  let dir: string;
  const file = () => join(dir, 'trove.db');
  const pageSizeOf = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return Number(db.pragma('page_size', { simple: true }));
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trove-page-size-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new database with 16 KiB pages', async () => {
    const driver = new SqliteDriver({ filename: file(), synchronous: 'FULL' });
    try {
      await driver.run('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
      await driver.run('INSERT INTO blobs (data) VALUES (?)', [Buffer.alloc(100_000, 1)]);
    } finally {
      await driver.close();
    }
    expect(pageSizeOf(file())).toBe(16_384);
  });

  it('keeps the page size of an existing database, and reads and writes it as before', async () => {
    const old = new Database(file());
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); INSERT INTO notes (text) VALUES ('kept')");
    old.close();
    const driver = new SqliteDriver({ filename: file(), synchronous: 'FULL' });
    try {
      await driver.transaction(async (tx) => {
        await tx.runBatch('INSERT INTO notes (text) VALUES (?)', Array.from({ length: 2000 }, (_, i) => [`note ${i} `.repeat(50)]));
      });
      expect(await driver.get<{ n: number }>('SELECT COUNT(*) AS n FROM notes')).toEqual({ n: 2001 });
      expect(await driver.get<{ text: string }>('SELECT text FROM notes WHERE id = 1')).toEqual({ text: 'kept' });
    } finally {
      await driver.close();
    }
    expect(pageSizeOf(file())).toBe(4096);
    const db = new Database(file(), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
