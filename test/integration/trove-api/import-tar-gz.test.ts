import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetHistoryClient } from '../../../src/client/dataset-history-client.js';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import type { UploadFile } from '../../../src/client/exchange-client.js';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { tarEnd, tarEntry, tarHeader, tarPadding } from '../../../src/lib/tar.js';
import { BACKENDS } from '../../harness/backends.js';
import { carried, newDataset, putObject } from '../../harness/exchange.js';
import { png } from '../../harness/images.js';
import { allEntries, settled } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// A YOLO .tar.gz sent to UploadDatasetImport: read through gunzip, whose 16 KiB chunks are whole
// tar blocks (an empty label file's header ending at a chunk's end read as the archive's end, so
// an archive of many empty label files failed), and at most --import-max-unzipped-bytes of it
// (a gzip bomb fails the import, with its reason, instead of being read to its end).

const MAX_UNZIPPED = 4 * 1024 * 1024;

function file(name: string, bytes: Buffer): UploadFile {
  return { name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), data: (async function* () { yield bytes; })() };
}

describe.each(BACKENDS)('YOLO .tar.gz uploads (%s)', (backend) => {
  let server: TestServer;
  let exchange: ExchangeClient;
  let history: DatasetHistoryClient;

  beforeAll(async () => {
    server = await startServer({ backend, rekognition: { maxImportUnzippedBytes: MAX_UNZIPPED } });
    const api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    exchange = new ExchangeClient(api);
    history = new DatasetHistoryClient(api);
    putObject(server, 'tar-gz', 'img.png', png(640, 480));
  });
  afterAll(async () => server?.close());

  it('imports an archive of 200 images whose label files are mostly empty (images without boxes)', async () => {
    const tar = Buffer.concat([
      tarEntry({ name: 'data.yaml', body: 'names: [cat]\n' }),
      tarEntry({ name: 'images.txt', body: `${Array.from({ length: 200 }, (_, i) => `s3://tar-gz/${i}/img.png`).join('\n')}\n` }),
      ...Array.from({ length: 200 }, (_, i) => tarEntry({ name: `labels/${i}/img.txt`, body: i % 3 === 0 ? '0 0.5 0.5 0.25 0.25\n' : '' })),
      tarEnd(),
    ]);
    for (let i = 0; i < 200; i++) putObject(server, 'tar-gz', `${i}/img.png`, png(640, 480));
    const client = server.rekognition();
    const arn = await newDataset(client);
    await exchange.uploadImport(arn, 'YOLO', file('labels.tar.gz', gzipSync(tar)));
    expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    const entries = (await allEntries(client, { DatasetArn: arn })).map((entry) => carried(JSON.stringify(entry)));
    expect(entries).toHaveLength(200);
    expect(entries.filter((entry) => (entry.boxes as unknown[]).length === 1)).toHaveLength(67);
  }, 60_000);

  it('fails an archive that unpacks to more than --import-max-unzipped-bytes, with the reason in its revision', async () => {
    // 16 MiB of newlines in one label file: about 16 KB compressed.
    const size = 4 * MAX_UNZIPPED;
    const tar = Buffer.concat([
      tarEntry({ name: 'data.yaml', body: 'names: [cat]\n' }), tarEntry({ name: 'images.txt', body: 's3://tar-gz/img.png\n' }),
      tarHeader('labels/img.txt', size), Buffer.alloc(size, 0x0a), tarPadding(size), tarEnd(),
    ]);
    const bomb = gzipSync(tar, { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_UNZIPPED / 64);
    const client = server.rekognition();
    const arn = await newDataset(client);
    const accepted = await exchange.uploadImport(arn, 'YOLO', file('bomb.tar.gz', bomb));
    const failed = await settled(client, arn);
    const reason = `The YOLO source upload bomb.tar.gz cannot be imported: it is gzip-compressed and unpacks to more than ${MAX_UNZIPPED} bytes, `
      + 'the most this server reads of one (--import-max-unzipped-bytes).';
    expect([failed.Status, failed.StatusMessage]).toEqual(['UPDATE_FAILED', `ERROR_MANIFEST_SIZE_TOO_LARGE: ${reason}`]);
    const [revision] = (await history.listRevisions(arn, { maxResults: 1 })).revisions;
    expect(revision).toMatchObject({ revision: accepted.revision, status: 'FAILED', failure: { code: 'ERROR_MANIFEST_SIZE_TOO_LARGE', message: reason } });
  }, 60_000);
});
