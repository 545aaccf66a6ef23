import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialService } from '../../../src/auth/credential-service.js';
import { masterKeyFile, replaceKeyFile } from '../../../src/auth/master-key.js';
import { MasterKeyReloader } from '../../../src/auth/master-key-reload.js';
import { createStore } from '../../../src/store/create-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A reloader of a service opened on a fresh SQLite store with the key in `<dir>/master.key`, and the lines it logs. */
async function reloaderOnKeyFile() {
  const dir = mkdtempSync(join(tmpdir(), 'trove-reload-'));
  dirs.push(dir);
  const key = Buffer.alloc(32, 1);
  replaceKeyFile(masterKeyFile(dir), key);
  const store = await createStore({ dataDir: dir, sqliteSynchronous: 'NORMAL' });
  const credentials = await CredentialService.open(store, key, { now: () => 1000 });
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { dir, store, credentials, lines, reloader: new MasterKeyReloader(credentials, { dataDir: dir }, logger) };
}

describe('master key reloader: the one place a failed reload is logged', () => {
  it('logs an unexpected failure (the store unreadable) in one line, resolves false, and still runs the reload queued after it', async () => {
    const { store, lines, reloader } = await reloaderOnKeyFile();
    await store.close();
    // Two SIGHUPs in a row: the second waits in the queue for the first, which fails.
    const outcomes = await Promise.all([reloader.reload('first'), reloader.reload('second')]);
    expect(outcomes).toEqual([false, false]);
    expect(lines.map((line) => [line.reason, line.msg])).toEqual([
      ['first', 'master key NOT reloaded: still using the keys loaded before'],
      ['second', 'master key NOT reloaded: still using the keys loaded before'],
    ]);
    expect(lines[0]!.err).toMatch(/./);
  });

  it('logs a refused key file in one line, and takes a good one on the next reload', async () => {
    const { dir, store, credentials, lines, reloader } = await reloaderOnKeyFile();
    try {
      replaceKeyFile(masterKeyFile(dir), Buffer.alloc(32, 3));
      expect(await reloader.reload('refused')).toBe(false);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ reason: 'refused', msg: 'master key NOT reloaded: still using the keys loaded before' });
      expect(lines[0]!.err).toMatch(/is not the key this store's credentials were encrypted with/);
      replaceKeyFile(masterKeyFile(dir), Buffer.alloc(32, 1));
      expect(await reloader.reload('taken')).toBe(true);
      expect(lines.map((line) => line.msg)).toEqual(['master key NOT reloaded: still using the keys loaded before', 'master key reloaded']);
      expect(credentials.storeKey).toBe('current');
    } finally {
      await store.close();
    }
  });
});
