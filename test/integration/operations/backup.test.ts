import { copyFileSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatasetCommand, CreateProjectCommand, DescribeProjectsCommand, RekognitionClient, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrove as trove, spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

async function allProjectNames(client: RekognitionClient): Promise<Set<string>> {
  const names = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await client.send(new DescribeProjectsCommand({ NextToken }));
    for (const project of page.ProjectDescriptions ?? []) names.add(project.ProjectArn!.split('/')[1]);
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

// The embedded store only: PostgreSQL is backed up with its own tools (docs/postgres.md, "Backups").
describe('bin/trove backup and restore (embedded store)', () => {
  const root = mkdtempSync(join(tmpdir(), 'trove-backup-'));
  const source = join(root, 'source');
  const backup = join(root, 'trove-backup.db');
  const restored = join(root, 'restored');
  const running: TroveProcess[] = [];
  const client = (url: string) => new RekognitionClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

  afterAll(async () => {
    for (const process of running) await process.stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  let projectsBefore: string[] = [];
  let entriesBefore: string[] = [];
  let datasetArn: string;

  beforeAll(async () => {
    const server = await spawnTrove(['--data-dir', source]);
    running.push(server);
    const rekognition = client(server.url);
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'entries' }));
    datasetArn = (await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    await settled(rekognition, datasetArn);

    // Writers through the SDK, each recording a change only once Trove acknowledged it.
    const projects: string[] = [];
    const entries: string[] = [];
    let stop = false;
    const projectWriter = async (writer: number) => {
      for (let i = 0; !stop && i < 5000; i++) {
        await rekognition.send(new CreateProjectCommand({ ProjectName: `w${writer}-${i}` }));
        projects.push(`w${writer}-${i}`);
      }
    };
    const entryWriter = async () => {
      for (let i = 0; !stop && i < 1000; i++) {
        const ref = `s3://elsewhere/img-${i}.png`;
        await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: datasetArn, Changes: { GroundTruth: lines(classificationLine(ref, 'cat')) } }));
        entries.push(ref);
        await settled(rekognition, datasetArn);
      }
    };
    const writers = Promise.all([projectWriter(1), projectWriter(2), entryWriter()]);
    try {
      while (projects.length < 30 || entries.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      // Everything acknowledged before the backup starts must be in it.
      projectsBefore = [...projects];
      entriesBefore = [...entries];
      const made = await trove(['backup', '--to', backup, '--data-dir', source]);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toMatch(/^Backed up .* to .*trove-backup\.db \([\d.]+ MB\): \d+ Rekognition projects/);
      expect(made.stdout).toMatch(/the master key sha256:[0-9a-f]{16} \(.*master\.key\)/);
      expect(made.stdout).toContain(join(source, 'buckets'));
      // The writers went on while the backup ran, and after it.
      const atEnd = projects.length;
      while (projects.length < atEnd + 5) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      stop = true;
      await writers;
    }
    expect(projects.length).toBeGreaterThan(projectsBefore.length);
    await server.stop('SIGTERM');
  }, 120_000);

  it('makes a private, self-contained file that passes its integrity check', () => {
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    const db = new Database(backup, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    } finally {
      db.close();
    }
  });

  it('restores into a fresh directory, and Trove serves every change acknowledged before the backup started', async () => {
    const done = await trove(['restore', '--from', backup, '--data-dir', restored, '--master-key-file', join(source, 'master.key')]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^Restored .* into .*restored: \d+ Rekognition projects/);
    const db = new Database(join(restored, 'trove.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(statSync(join(restored, 'master.key')).mode & 0o777).toBe(0o600);

    const server = await spawnTrove(['--data-dir', restored]);
    running.push(server);
    const rekognition = client(server.url);
    const names = await allProjectNames(rekognition);
    expect(projectsBefore.filter((name) => !names.has(name))).toEqual([]);
    // A change acknowledged but not yet applied at the backup is a stored job: it runs now.
    await settled(rekognition, datasetArn);
    const refs = new Set((await allEntries(rekognition, { DatasetArn: datasetArn })).map((entry) => entry['source-ref']));
    expect(entriesBefore.filter((ref) => !refs.has(ref))).toEqual([]);
    await server.stop('SIGTERM');
  }, 60_000);

  it('refuses a directory in use or not empty, and replaces its store with --force', async () => {
    const key = ['--master-key-file', join(source, 'master.key')];
    const notEmpty = await trove(['restore', '--from', backup, '--data-dir', restored, ...key]);
    expect([notEmpty.code, notEmpty.stderr]).toEqual([1, expect.stringContaining('is not empty')]);
    const server = await spawnTrove(['--data-dir', restored]);
    running.push(server);
    const inUse = await trove(['restore', '--from', backup, '--data-dir', restored, '--force', ...key]);
    await server.stop('SIGTERM');
    expect([inUse.code, inUse.stderr]).toEqual([1, expect.stringContaining('Another Trove process')]);
    // --force on a stopped one replaces its store (and keeps its key).
    expect((await trove(['restore', '--from', backup, '--data-dir', restored, '--force'])).code).toBe(0);
  }, 120_000);

  it('refuses a damaged file, someone else\'s database, the wrong or a missing master key, and PostgreSQL', async () => {
    const key = ['--master-key-file', join(source, 'master.key')];
    const damaged = join(root, 'damaged.db');
    copyFileSync(backup, damaged);
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 16_384);
    closeSync(fd);
    const broken = await trove(['restore', '--from', damaged, '--data-dir', join(root, 'r1'), ...key]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/failed SQLite's integrity check|is not a readable SQLite database/);

    const foreign = join(root, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE notes (text TEXT)');
    other.close();
    const notTrove = await trove(['restore', '--from', foreign, '--data-dir', join(root, 'r2')]);
    expect([notTrove.code, notTrove.stderr]).toEqual([1, expect.stringContaining('is a SQLite database, but not a Trove store')]);
    writeFileSync(join(root, 'text.db'), 'hello, not a database at all '.repeat(200));
    expect((await trove(['restore', '--from', join(root, 'text.db'), '--data-dir', join(root, 'r3')])).stderr).toContain('not a readable SQLite database');

    mkdirSync(join(root, 'keys'), { mode: 0o700 });
    writeFileSync(join(root, 'keys', 'other.key'), `${'7'.repeat(64)}\n`, { mode: 0o600 });
    const wrongKey = await trove(['restore', '--from', backup, '--data-dir', join(root, 'r4'), '--master-key-file', join(root, 'keys', 'other.key')]);
    expect([wrongKey.code, wrongKey.stderr]).toEqual([1, expect.stringMatching(/is not the key the backup's credentials were encrypted with \(sha256:[0-9a-f]{16}\); nothing was restored/)]);
    const noKey = await trove(['restore', '--from', backup, '--data-dir', join(root, 'r5')]);
    expect([noKey.code, noKey.stderr]).toEqual([1, expect.stringContaining('give it with --master-key-file FILE')]);
    for (const dir of ['r1', 'r2', 'r3', 'r4', 'r5']) expect(() => statSync(join(root, dir, 'trove.db'))).toThrow();

    const postgres = await trove(['backup', '--to', join(root, 'pg.db'), '--database-url', 'postgres://trove@127.0.0.1:1/trove']);
    expect([postgres.code, postgres.stderr]).toEqual([1, expect.stringContaining('pg_dump')]);
  }, 120_000);
});
