import { execFile } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateProjectCommand, DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTrove } from '../../harness/process.js';
import { startServer } from '../../harness/server.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/**
 * The embedded store's data directory (SQLite only: PostgreSQL keeps no database files here).
 * Trove creates it private (0700, files 0600), and refuses a directory whose database is empty,
 * cut short or not Trove's, instead of starting on an empty store (which would, among other
 * things, re-enable the local test/test pair).
 */
describe('the data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'trove-data-dir-'));
  /** A complete Trove database (a project in it), closed, to copy from. */
  let good: string;
  /** What a fresh data directory looked like while its server ran: modes of the directory and its files. */
  let fresh: Record<string, string>;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    const dataDir = join(root, 'fresh', 'nested');
    const server = await startServer({ dataDir });
    try {
      await server.rekognition().send(new CreateProjectCommand({ ProjectName: 'kept' }));
      fresh = Object.fromEntries([['.', mode(dataDir)], ...readdirSync(dataDir).map((name) => [name, mode(join(dataDir, name))])]);
    } finally {
      await server.close();
    }
    good = join(dataDir, 'trove.db');
  });

  /** A data directory holding `trove.db` as `make` leaves it. */
  const dirWith = (name: string, make: (file: string) => void) => {
    const dir = join(root, name);
    mkdirSync(dir, { mode: 0o700 });
    make(join(dir, 'trove.db'));
    return dir;
  };

  it('creates a fresh directory 0700 and its database files 0600, whole', () => {
    // While the server ran: the directory and every file Trove made were its owner's alone, and
    // the database had been renamed into place (no temporary file left).
    expect(fresh).toEqual({
      '.': '700', 'trove.db': '600', 'trove.db-wal': '600', 'trove.db-shm': '600', 'master.key': '600', 'trove.pid': expect.any(String),
      buckets: expect.any(String),
    });
    expect(mode(good)).toBe('600');
    expect(statSync(good).size).toBeGreaterThan(0);
  });

  it('refuses an empty, truncated, foreign or non-SQLite database with one clear line, and leaves it as it is', async () => {
    const cases: [string, (file: string) => void, RegExp][] = [
      ['empty', (file) => writeFileSync(file, ''), /it is empty \(0 bytes\)/],
      ['truncated', (file) => {
        copyFileSync(good, file);
        truncateSync(file, Math.floor(statSync(good).size / 2));
      }, /it is truncated \(\d+ bytes of the \d+ its header records\)/],
      ['text', (file) => writeFileSync(file, 'name,value\n'.repeat(20)), /it is not a SQLite database/],
      ['foreign', (file) => {
        const db = new Database(file);
        db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)');
        db.close();
      }, /it is a SQLite database, but not a Trove one/],
    ];
    for (const [name, make, problem] of cases) {
      const dataDir = dirWith(name, make);
      const file = join(dataDir, 'trove.db');
      const size = statSync(file).size;
      const refusal = await startServer({ dataDir }).then(async (server) => {
        await server.close();
        return undefined;
      }, (error: Error) => error.message);
      expect([name, refusal]).toEqual([name, expect.stringMatching(problem)]);
      expect(refusal).toMatch(new RegExp(`^Refusing to open ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*restore it from a backup, or move it away to start with an empty store\\.$`));
      expect(refusal).not.toMatch(/\n/);
      // Nothing was written: not the database, nor a master key for a store that never opened.
      expect(statSync(file).size).toBe(size);
      expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
    }
  });

  it('opens a database killed mid-checkpoint: page 1 already counts pages the write-ahead log still holds', async () => {
    // What kill -9 leaves during a checkpoint: SQLite copies pages from the log in page order and
    // extends the file last, so the header counts more pages than the file has yet.
    const dataDir = dirWith('mid-checkpoint', (file) => {
      copyFileSync(good, file);
      copyFileSync(join(good, '..', 'master.key'), join(file, '..', 'master.key'));
      const db = new Database(file);
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE filler (b BLOB)');
      const insert = db.prepare('INSERT INTO filler VALUES (randomblob(65536))');
      for (let i = 0; i < 64; i += 1) insert.run();
      const image = db.serialize();
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      // Copied while the connection is open: closing it would checkpoint the log.
      copyFileSync(`${file}-wal`, `${file}-wal.kept`);
      copyFileSync(file, `${file}.kept`);
      db.close();
      renameSync(`${file}.kept`, file);
      renameSync(`${file}-wal.kept`, `${file}-wal`);
      rmSync(`${file}-shm`, { force: true });
      const fd = openSync(file, 'r+');
      writeSync(fd, image, 0, pageSize, 0);
      closeSync(fd);
      expect(statSync(file).size).toBeLessThan(image.length);
    });
    const server = await startServer({ dataDir });
    try {
      const { ProjectDescriptions } = await server.rekognition().send(new DescribeProjectsCommand({}));
      expect(ProjectDescriptions?.map((p) => p.ProjectArn?.split('/')[1])).toEqual(['kept']);
    } finally {
      await server.close();
    }
    const db = new Database(join(dataDir, 'trove.db'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM filler').get()).toEqual({ n: 64 });
    db.close();
  });

  it('refuses a write-ahead log without its database', async () => {
    const dataDir = dirWith('orphan-wal', (file) => writeFileSync(`${file}-wal`, Buffer.alloc(4096, 1)));
    await expect(startServer({ dataDir })).rejects.toThrow(/trove\.db: it is missing while trove\.db-wal, its write-ahead log, is there/);
  });

  it('opens a database copied whole, and tightens database files other users could read', async () => {
    const dataDir = dirWith('copied', (file) => {
      copyFileSync(good, file);
      chmodSync(file, 0o644);
      copyFileSync(join(good, '..', 'master.key'), join(file, '..', 'master.key'));
    });
    const server = await startServer({ dataDir });
    try {
      const { ProjectDescriptions } = await server.rekognition().send(new DescribeProjectsCommand({}));
      expect(ProjectDescriptions?.map((p) => p.ProjectArn?.split('/')[1])).toEqual(['kept']);
      expect(mode(join(dataDir, 'trove.db'))).toBe('600');
      expect(mode(join(dataDir, 'trove.db-wal'))).toBe('600');
    } finally {
      await server.close();
    }
  });

  it('bin/trove says so in one line and exits 1; the CLI commands refuse too; an open directory gets a warning', async () => {
    const empty = dirWith('cli-empty', (file) => writeFileSync(file, ''));
    for (const args of [['serve'], ['credentials', 'list']]) {
      const refused = await run(process.execPath, [BIN, ...args, '--data-dir', empty]).catch((e: { code: number; stderr: string }) => e);
      expect(refused).toMatchObject({ code: 1 });
      const stderr = (refused as { stderr: string }).stderr;
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`^trove ${args[0]}: Refusing to open .*trove\\.db: it is empty \\(0 bytes\\)`));
    }
    // An existing directory other users can list is left alone (it may be shared on purpose), with a warning.
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    const trove = await spawnTrove(['--data-dir', open]);
    try {
      expect(trove.output()).toMatch(/The data directory .*open is open to other users \(mode 755\)/);
      expect(mode(open)).toBe('755');
      expect(mode(join(open, 'trove.db'))).toBe('600');
    } finally {
      await trove.stop();
    }
  });
});
