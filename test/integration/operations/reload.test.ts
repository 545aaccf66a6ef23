import { X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedCredential } from '../../../src/auth/credential-service.js';
import { BACKENDS } from '../../harness/backends.js';
import type { Backend } from '../../harness/backends.js';
import { keyFile, signIn } from '../../harness/master-keys.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { runTrove as trove, spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { eventually } from '../../harness/server.js';
import { OPENSSL, selfSignedCertificate } from '../../harness/tls.js';
import type { TestCertificate } from '../../harness/tls.js';

// `kill -HUP <pid>` makes a running bin/trove re-read its TLS certificate and key and its master key
// (renewed certificates, rotated keys) without a restart, without dropping a connection or refusing
// a request; a file it cannot use is refused with a log line and the old one stays in use.

const root = mkdtempSync(join(tmpdir(), 'trove-reload-'));
const running = new Set<TroveProcess>();

afterAll(async () => {
  for (const node of running) await node.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

async function serve(args: string[], env: Record<string, string> = {}): Promise<TroveProcess> {
  const node = await spawnTrove(['--log-level', 'info', ...args], env);
  running.add(node);
  return node;
}

async function stop(node: TroveProcess): Promise<void> {
  expect(await node.stop('SIGTERM')).toBe(0);
  running.delete(node);
}

/** Sends SIGHUP and resolves to the first log line after it that matches `outcome` (how a part of the reload ended). */
async function hangUp(node: TroveProcess, outcome: RegExp): Promise<string> {
  const before = node.output().length;
  node.child.kill('SIGHUP');
  return eventually(async () => node.output().slice(before).split('\n').find((line) => outcome.test(line)), 10_000, `${outcome}`);
}

const backendArgs = (backend: Backend, database: TestDatabase | undefined) => (backend === 'postgres' ? ['--database-url', database!.url] : []);

describe.skipIf(!OPENSSL)('SIGHUP reloads the TLS certificate (skipped without openssl)', () => {
  let first: TestCertificate;
  let renewed: TestCertificate;
  beforeAll(() => {
    first = selfSignedCertificate();
    renewed = selfSignedCertificate();
  });
  afterAll(() => {
    first?.dispose();
    renewed?.dispose();
  });

  /** A GET of /_trove/health through `agent`: the certificate the server presented, and whether the connection was one already open. */
  function probe(url: string, agent: Agent): Promise<{ status: number; fingerprint: string; reusedSocket: boolean }> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest(`${url}/_trove/health`, { agent }, (response) => {
        const fingerprint = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, fingerprint, reusedSocket: request.reusedSocket }));
      });
      request.on('error', reject).end();
    });
  }

  const fingerprintOf = (certificate: TestCertificate) => new X509Certificate(certificate.cert).fingerprint256;

  it.each(BACKENDS)('a new connection sees the renewed certificate, an open keep-alive connection stays, a broken file is refused (%s)', async (backend) => {
    const database = backend === 'postgres' ? await createTestDatabase() : undefined;
    // The files the server was started with, replaced in place as certbot's deploy hook would.
    const dir = join(root, `tls-${backend}`);
    mkdirSync(dir, { recursive: true });
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    copyFileSync(first.certFile, certFile);
    copyFileSync(first.keyFile, keyFile);
    chmodSync(keyFile, 0o600);
    const trusting = { ca: [first.cert, renewed.cert] };
    const keepAlive = new Agent({ ...trusting, keepAlive: true, maxSockets: 1 });
    const fresh = () => new Agent({ ...trusting, keepAlive: false });
    const node = await serve(['--data-dir', join(dir, 'data'), '--tls-cert', certFile, '--tls-key', keyFile, ...backendArgs(backend, database)]);
    try {
      const opened = await probe(node.url, keepAlive);
      expect(opened).toMatchObject({ status: 200, fingerprint: fingerprintOf(first), reusedSocket: false });

      copyFileSync(renewed.certFile, certFile);
      copyFileSync(renewed.keyFile, keyFile);
      expect(await hangUp(node, /TLS certificate (NOT )?reloaded/)).toMatch(/"msg":"TLS certificate reloaded"/);
      expect((await probe(node.url, fresh())).fingerprint).toBe(fingerprintOf(renewed));
      // The connection opened before the reload was not dropped: it is reused, with the session it negotiated.
      expect(await probe(node.url, keepAlive)).toEqual({ status: 200, fingerprint: fingerprintOf(first), reusedSocket: true });

      // A certificate file that is not PEM: refused, said so, the renewed certificate stays.
      writeFileSync(certFile, 'not a certificate\n');
      expect(await hangUp(node, /TLS certificate (NOT )?reloaded/)).toMatch(/cannot be used together.*TLS certificate NOT reloaded: still serving the one loaded before/);
      // A key file others may read: refused likewise (the certificate itself is fine again).
      copyFileSync(first.certFile, certFile);
      copyFileSync(first.keyFile, keyFile);
      chmodSync(keyFile, 0o644);
      expect(await hangUp(node, /TLS certificate (NOT )?reloaded/)).toMatch(/readable by other users.*TLS certificate NOT reloaded/);
      expect(await probe(node.url, fresh())).toMatchObject({ status: 200, fingerprint: fingerprintOf(renewed) });
      expect(node.child.exitCode).toBeNull();
      await stop(node);
    } finally {
      keepAlive.destroy();
      await database?.drop();
    }
  }, 60_000);
});

/** Puts a key into a node's `<data dir>/master.key` all at once (written aside, renamed), as an operator should. */
function installKey(dataDir: string, key: { hex: string }): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, 'master.key.new'), `${key.hex}\n`, { mode: 0o600 });
  renameSync(join(dataDir, 'master.key.new'), join(dataDir, 'master.key'));
}

/** Longer than the credential cache (5 s): the next signed request reads its secret from the store again. */
const pastCredentialCache = () => new Promise((resolve) => setTimeout(resolve, 6_000));

describe.each(BACKENDS)('SIGHUP reloads the master key (%s)', (backend) => {
  it('after rotate-master-key and SIGHUP existing credentials sign in, new ones survive a restart with only the new key; a wrong key is refused', async () => {
    const database = backend === 'postgres' ? await createTestDatabase() : undefined;
    try {
      const db = backendArgs(backend, database);
      // Two nodes on PostgreSQL (each with its own master.key), one on SQLite.
      const dirs = (backend === 'postgres' ? [0, 1] : [0]).map((i) => join(root, `key-${backend}-${i}`));
      const old = keyFile(root, `old-${backend}.key`);
      const next = keyFile(root, `new-${backend}.key`);
      for (const dir of dirs) installKey(dir, old);
      const created = await trove(['credentials', 'create', '--account', '123456789012', '--json', '--data-dir', dirs[0]!, ...db]);
      expect(created.code, created.stderr).toBe(0);
      const credential = JSON.parse(created.stdout) as IssuedCredential;
      const nodes: TroveProcess[] = [];
      for (const dir of dirs) nodes.push(await serve(['--data-dir', dir, ...db]));

      // Signed traffic to every node the whole time: not one request may be refused.
      const failures: string[] = [];
      let requests = 0;
      let done = false;
      const traffic = (async () => {
        for (let i = 0; !done; i++) {
          try {
            await signIn(nodes[i % nodes.length]!.url, credential);
            requests++;
          } catch (error) {
            failures.push(`${(error as Error).name}: ${(error as Error).message}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      let late: IssuedCredential;
      try {
        // A key that does not open the stored secrets: refused, said so, the node keeps its key.
        installKey(dirs[0]!, keyFile(root, `wrong-${backend}.key`));
        expect(await hangUp(nodes[0]!, /master key (NOT )?reloaded/)).toMatch(/is not the key this store's credentials were encrypted with.*master key NOT reloaded: still using the keys loaded before/);
        installKey(dirs[0]!, old);

        // SQLite: the rotation beside the running server replaces its master.key. PostgreSQL (docs/security.md):
        // every node's master.key gets the new key first (the running nodes keep the old one in memory), a SIGHUP
        // then is refused (the store is not under that key yet), and the rotation runs once with the old key.
        if (backend === 'postgres') {
          for (const dir of dirs) installKey(dir, next);
          expect(await hangUp(nodes[1]!, /master key (NOT )?reloaded/)).toMatch(/master key NOT reloaded/);
        }
        const rotated = backend === 'postgres'
          ? await trove(['credentials', 'rotate-master-key', '--new-key-file', next.file, '--data-dir', join(root, 'cli'), ...db], { TROVE_MASTER_KEY: old.hex })
          : await trove(['credentials', 'rotate-master-key', '--new-key-file', next.file, '--data-dir', dirs[0]!]);
        expect(rotated.code, rotated.stderr).toBe(0);
        for (const node of nodes) expect(await hangUp(node, /master key (NOT )?reloaded/)).toMatch(/"msg":"master key reloaded"/);
        await pastCredentialCache();

        const made = await trove(['credentials', 'create', '--account', '210987654321', '--json', '--data-dir', dirs[0]!, ...db]);
        expect(made.code, made.stderr).toBe(0);
        late = JSON.parse(made.stdout) as IssuedCredential;
        for (const node of nodes) await signIn(node.url, late);
      } finally {
        done = true;
        await traffic;
      }
      expect(failures).toEqual([]);
      expect(requests).toBeGreaterThan(50);

      // Restarted with only the new key (in master.key), both credentials still sign in.
      for (const node of nodes) await stop(node);
      const restarted = await serve(['--data-dir', dirs[0]!, ...db]);
      await signIn(restarted.url, credential);
      await signIn(restarted.url, late);
      await stop(restarted);
    } finally {
      await database?.drop();
    }
  }, 120_000);

  it('without a SIGHUP, a node re-reads a rotated master.key the first time a secret does not open with its key', async () => {
    const database = backend === 'postgres' ? await createTestDatabase() : undefined;
    try {
      const db = backendArgs(backend, database);
      const dir = join(root, `lazy-${backend}`);
      mkdirSync(dir, { mode: 0o700 });
      const created = await trove(['credentials', 'create', '--account', '123456789012', '--json', '--data-dir', dir, ...db]);
      expect(created.code, created.stderr).toBe(0);
      const credential = JSON.parse(created.stdout) as IssuedCredential;
      const node = await serve(['--data-dir', dir, ...db]);
      await signIn(node.url, credential);
      const rotated = await trove(['credentials', 'rotate-master-key', '--new-key-file', keyFile(root, `lazy-${backend}.key`).file, '--data-dir', dir, ...db]);
      expect(rotated.code, rotated.stderr).toBe(0);
      await pastCredentialCache();
      await signIn(node.url, credential);
      // The log line that says why (the pipe may deliver it a moment after the answer).
      const reloaded = /"reason":"the store holds secrets the keys in memory do not open, and the key file changed"[^\n]*master key reloaded/;
      await eventually(async () => reloaded.exec(node.output())?.[0], 5_000, `${reloaded}`);
      await stop(node);
    } finally {
      await database?.drop();
    }
  }, 60_000);
});
