import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterKeyFile, replaceKeyFile } from '../../../src/auth/master-key.js';
import { BACKENDS } from '../../harness/backends.js';
import { signIn } from '../../harness/master-keys.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// What SIGHUP runs (Trove.reload, which `trove serve` calls and adds nothing to): a master key
// file the store refuses is said in exactly one log line, and the key held before stays in use.
// test/integration/operations/reload.test.ts sends the real signal to bin/trove.
describe.each(BACKENDS)('Trove.reload with a refused master key file (%s)', (backend) => {
  let server: TestServer;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    // The key in <data dir>/master.key, not TROVE_MASTER_KEY (set by the harness for PostgreSQL): only a file changes.
    server = await startServer({ backend, logger, auth: { masterKey: '' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('logs the refusal once and keeps the key it had', async () => {
    const credential = await server.createCredential({ account: '123456789012' });
    replaceKeyFile(masterKeyFile(server.dataDir), Buffer.alloc(32, 9));
    const before = lines.length;
    await server.trove.reload();
    const errors = lines.slice(before).filter((line) => (line.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ reason: 'reload requested (SIGHUP)', msg: 'master key NOT reloaded: still using the keys loaded before' });
    expect(errors[0]!.err).toMatch(/is not the key this store's credentials were encrypted with/);
    await signIn(server.url, credential);
  });
});
