import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IssuedCredential } from '../../../src/auth/credential-service.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { keyFile, signIn } from '../../harness/master-keys.js';
import { createTestDatabase } from '../../harness/postgres.js';
import { runTrove as trove, spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';

const root = mkdtempSync(join(tmpdir(), 'trove-rotate-'));
const running = new Set<TroveProcess>();

afterAll(async () => {
  for (const process of running) await process.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

async function serve(args: string[], env: Record<string, string> = {}): Promise<TroveProcess> {
  const node = await spawnTrove(args, env);
  running.add(node);
  return node;
}

async function stop(node: TroveProcess): Promise<void> {
  expect(await node.stop('SIGTERM')).toBe(0);
  running.delete(node);
}

describe('bin/trove credentials rotate-master-key (embedded store, key in <data dir>/master.key)', () => {
  it('re-encrypts every secret; after a restart old credentials still sign in, and the old key is refused', async () => {
    const dir = join(root, 'embedded');
    const created = await trove(['credentials', 'create', '--account', '123456789012', '--json', '--data-dir', dir]);
    expect(created.code, created.stderr).toBe(0);
    const credential = JSON.parse(created.stdout) as IssuedCredential;
    const second = JSON.parse((await trove(['credentials', 'create', '--account', '210987654321', '--json', '--data-dir', dir])).stdout) as IssuedCredential;
    const oldKey = readFileSync(join(dir, 'master.key'), 'utf8').trim();

    // A key file others may read is refused, and nothing changes.
    const open = join(root, 'open.key');
    writeFileSync(open, `${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
    const refused = await trove(['credentials', 'rotate-master-key', '--new-key-file', open, '--data-dir', dir]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('readable by other users')]);

    const next = keyFile(root, 'embedded-new.key');
    const rotated = await trove(['credentials', 'rotate-master-key', '--new-key-file', next.file, '--data-dir', dir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^Re-encrypted 2 stored secrets with the master key sha256:[0-9a-f]{16} \(was sha256:[0-9a-f]{16}\)\.\n.*master\.key now holds the new key/);
    expect(Buffer.from(readFileSync(join(dir, 'master.key'), 'utf8').trim(), 'base64').toString('hex')).toBe(next.hex);

    const node = await serve(['--data-dir', dir]);
    try {
      await signIn(node.url, credential);
      await signIn(node.url, second);
    } finally {
      await stop(node);
    }

    const withOldKey = await trove(['serve', '--port', '0', '--data-dir', dir], { TROVE_MASTER_KEY: oldKey });
    expect(withOldKey.code).toBe(1);
    expect(withOldKey.stderr.trim().split('\n')).toHaveLength(1);
    expect(withOldKey.stderr).toMatch(/^trove serve: The master key from TROVE_MASTER_KEY \(sha256:[0-9a-f]{16}\) is not the key this store's credentials were encrypted with/);
  });
});

// Six bin/trove starts one after another (two nodes, rolled twice): a loaded machine took 20 s for one.
describe.runIf(POSTGRES_SELECTED)('master key rotation on several nodes (PostgreSQL): no request is refused during the roll', { timeout: 240_000 }, () => {
  it('rolls two nodes onto the new key with TROVE_MASTER_KEY_PREVIOUS, rotates, and rolls them again', async () => {
    const database = await createTestDatabase();
    try {
      const old = keyFile(root, 'cluster-old.key');
      const next = keyFile(root, 'cluster-new.key');
      const db = ['--database-url', database.url];
      const created = await trove(['credentials', 'create', '--account', '123456789012', '--json', ...db], { TROVE_MASTER_KEY: old.hex });
      expect(created.code, created.stderr).toBe(0);
      const credential = JSON.parse(created.stdout) as IssuedCredential;

      const start = (i: number, env: Record<string, string>) => serve([...db, '--data-dir', join(root, `node-${i}`)], env);
      // The load balancer: requests go to the nodes in rotation; a node leaves it before it stops.
      const nodes: (TroveProcess | undefined)[] = [await start(0, { TROVE_MASTER_KEY: old.hex }), await start(1, { TROVE_MASTER_KEY: old.hex })];
      const failures: string[] = [];
      let requests = 0;
      let done = false;
      let inFlight: TroveProcess | undefined;
      const traffic = (async () => {
        for (let i = 0; !done && i < 100_000; i++) {
          const node = nodes[i % nodes.length] ?? nodes.find((candidate) => candidate !== undefined);
          if (!node) continue;
          inFlight = node;
          try {
            await signIn(node.url, credential);
            requests++;
          } catch (error) {
            failures.push(`${(error as Error).name}: ${(error as Error).message}`);
          } finally {
            inFlight = undefined;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const roll = async (env: Record<string, string>) => {
        for (let i = 0; i < nodes.length; i++) {
          const node = nodes[i]!;
          // Out of the rotation, and drained (as a load balancer does) before it stops.
          nodes[i] = undefined;
          while (inFlight === node) await new Promise((resolve) => setTimeout(resolve, 5));
          await stop(node);
          nodes[i] = await start(i, env);
        }
      };
      try {
        // 1. Every node learns the new key and keeps the old one.
        await roll({ TROVE_MASTER_KEY: next.hex, TROVE_MASTER_KEY_PREVIOUS: old.hex });
        // 2. One transaction re-encrypts the secrets; then past the credential cache (5 s), so the nodes read them anew.
        const rotated = await trove(['credentials', 'rotate-master-key', '--new-key-file', next.file, ...db], { TROVE_MASTER_KEY: old.hex });
        expect(rotated.code, rotated.stderr).toBe(0);
        expect(rotated.stdout).toContain('Start every node with TROVE_MASTER_KEY set to the new key');
        const seen = requests;
        await new Promise((resolve) => setTimeout(resolve, 6_000));
        expect(requests).toBeGreaterThan(seen + 20);
        // 3. The old key goes.
        await roll({ TROVE_MASTER_KEY: next.hex });
        const atEnd = requests;
        while (requests < atEnd + 20) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        done = true;
        await traffic;
      }
      expect(failures).toEqual([]);
      expect(requests).toBeGreaterThan(100);

      // A node given only the old key now refuses to start, saying why.
      const stale = await spawnTrove([...db, '--data-dir', join(root, 'node-stale')], { TROVE_MASTER_KEY: old.hex }).then(
        (node) => {
          running.add(node);
          return 'started';
        },
        (error: Error) => error.message,
      );
      expect(stale).toMatch(/exited with 1 before listening:[\s\S]*is not the key this store's credentials were encrypted with/);
      for (const node of nodes) if (node) await stop(node);
    } finally {
      await database.drop();
    }
  }, 120_000);
});
