import { chmodSync } from 'node:fs';
import { CreateDatasetCommand, GetDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateProjectCommand, DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { inline, predefinedBatch, settled } from '../../harness/agentcore.js';
import { spawnTrove } from '../../harness/process.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { httpsGet, OPENSSL, selfSignedCertificate, startTlsProxy } from '../../harness/tls.js';
import type { TestCertificate, TlsProxy } from '../../harness/tls.js';

// HTTPS served by Trove itself (--tls-cert/--tls-key), and Trove behind a TLS-terminating proxy
// (--trust-proxy, --public-url): either way GetDataset's downloadUrl is the https:// link the
// AgentCore CLI and SDK fetch, and it downloads.

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
let names = 0;

/** A dataset of three examples, ACTIVE, and its GetDataset answer. */
async function datasetWithLink(client: BedrockAgentCoreControlClient) {
  const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: `tls_${++names}`, schemaType: PREDEFINED, source: inline(predefinedBatch(3)) }));
  await settled(client, datasetId!);
  return client.send(new GetDatasetCommand({ datasetId }));
}

/** Adds headers to every request the client sends (unsigned: X-Forwarded-* are not x-amz-*). */
function forging(client: BedrockAgentCoreControlClient, headers: Record<string, string>): BedrockAgentCoreControlClient {
  client.middlewareStack.add((next) => async (args) => {
    Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
    return next(args);
  }, { step: 'build', name: 'forgeForwardedHeaders' });
  return client;
}

const lineCount = (text: string) => text.split('\n').filter((line) => line !== '').length;

describe.skipIf(!OPENSSL)('TLS (skipped without the openssl command, which makes the test certificates)', () => {
  let certificate: TestCertificate;
  beforeAll(() => {
    certificate = selfSignedCertificate();
  });
  afterAll(() => certificate?.dispose());

  describe.each(BACKENDS)('Trove serving HTTPS itself (%s)', (backend) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ backend, tls: { certFile: certificate.certFile, keyFile: certificate.keyFile } });
    });
    afterAll(async () => server?.close());

    it('serves both APIs to the official SDKs trusting its certificate, with https:// download links that download', async () => {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const requestHandler = { httpsAgent: certificate.agent };
      const rekognition = server.rekognition({ requestHandler });
      await rekognition.send(new CreateProjectCommand({ ProjectName: 'over-tls' }));
      expect((await rekognition.send(new DescribeProjectsCommand({}))).ProjectDescriptions?.map((p) => p.ProjectArn)).toHaveLength(1);
      // A client that does not trust the certificate gets no answer at all.
      await expect(server.rekognition({ maxAttempts: 1 }).send(new DescribeProjectsCommand({}))).rejects.toThrow(/self[- ]signed|certificate/i);

      const dataset = await datasetWithLink(server.agentcore({ requestHandler }));
      expect(dataset.downloadUrl).toMatch(new RegExp(`^${server.url}/_trove/downloads/`));
      const download = await httpsGet(dataset.downloadUrl!, certificate.agent);
      expect(download.status).toBe(200);
      expect(lineCount(download.text)).toBe(3);

      // Nobody's X-Forwarded-* counts without --trust-proxy: the link stays what the client reached.
      const forged = await datasetWithLink(forging(server.agentcore({ requestHandler }), { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' }));
      expect(forged.downloadUrl).toMatch(new RegExp(`^${server.url}/_trove/downloads/`));
    });
  });

  describe.each(BACKENDS)('Trove behind a TLS-terminating proxy (%s)', (backend) => {
    let server: TestServer;
    let proxy: TlsProxy;
    beforeAll(async () => {
      // The proxy connects from 127.0.0.2, the only peer whose X-Forwarded-* Trove believes.
      server = await startServer({ backend, trustProxy: ['127.0.0.2'] });
      proxy = await startTlsProxy({ target: server.url, cert: certificate.cert, key: certificate.key, localAddress: '127.0.0.2' });
    });
    afterAll(async () => {
      await proxy?.close();
      await server?.close();
    });

    it('hands out https:// links through the proxy, and ignores X-Forwarded-* sent straight from a client', async () => {
      const throughProxy = server.agentcore({ endpoint: proxy.url, requestHandler: { httpsAgent: certificate.agent } });
      const dataset = await datasetWithLink(throughProxy);
      expect(dataset.downloadUrl).toMatch(new RegExp(`^${proxy.url}/_trove/downloads/`));
      const download = await httpsGet(dataset.downloadUrl!, certificate.agent);
      expect(download.status).toBe(200);
      expect(lineCount(download.text)).toBe(3);

      // A client on 127.0.0.1 is not the proxy: its forged headers change nothing.
      const forged = await datasetWithLink(forging(server.agentcore(), { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }));
      expect(forged.downloadUrl).toMatch(new RegExp(`^${server.url}/_trove/downloads/`));
    });
  });

  describe.each(BACKENDS)('--public-url (%s)', (backend) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ backend, publicUrl: 'https://trove.example.test:8443' });
    });
    afterAll(async () => server?.close());

    it('is the origin of every link, whatever the request said', async () => {
      const dataset = await datasetWithLink(forging(server.agentcore(), { 'x-forwarded-host': 'evil.example' }));
      expect(dataset.downloadUrl).toMatch(/^https:\/\/trove\.example\.test:8443\/_trove\/downloads\/[^/]+\/dataset\.jsonl$/);
      // The path is the same one the server serves.
      const local = dataset.downloadUrl!.replace('https://trove.example.test:8443', server.url);
      expect(lineCount(await (await fetch(local)).text())).toBe(3);
    });
  });

  describe('bin/trove --tls-cert/--tls-key', () => {
    it('serves HTTPS, and refuses to start with a key file other users can read, in one line', async () => {
      const trove = await spawnTrove(['--tls-cert', certificate.certFile, '--tls-key', certificate.keyFile]);
      try {
        expect(trove.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(await httpsGet(`${trove.url}/_trove/health`, certificate.agent)).toMatchObject({ status: 200 });
      } finally {
        await trove.stop();
      }
      chmodSync(certificate.keyFile, 0o644);
      try {
        const refused = await spawnTrove(['--tls-cert', certificate.certFile, '--tls-key', certificate.keyFile]).catch((e: Error) => e.message);
        expect(refused).toMatch(/exited with 1 before listening:\ntrove serve: The TLS key file \S+ is readable by other users \(mode 644\); run `chmod 600 \S+`\.\n$/);
      } finally {
        chmodSync(certificate.keyFile, 0o600);
      }
      const alone = await spawnTrove(['--tls-cert', certificate.certFile]).catch((e: Error) => e.message);
      expect(alone).toMatch(/trove serve: --tls-cert and --tls-key \(TROVE_TLS_CERT, TROVE_TLS_KEY\) go together/);
    });
  });
});
