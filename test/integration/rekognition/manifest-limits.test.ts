import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateDatasetCommand, CreateProjectCommand, InvalidS3ObjectException } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { png } from '../../harness/images.js';
import { classificationLines, datasetFromManifest, statusCode } from '../../harness/manifests.js';
import { allEntries, classificationLine, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// CreateDataset from manifests in the folder object store (--bucket-dir), with small limits so
// each terminal error is reached quickly. The same code reads S3 (manifest-s3.test.ts).

const MAX_LINES = 60;
const MAX_BYTES = 64 * 1024;

describe.each(BACKENDS)('manifest limits and terminal errors (folder store) (%s)', (backend) => {
  let buckets: string;
  let server: TestServer;
  let client: RekognitionClient;
  const put = (bucket: string, key: string, body: string | Buffer) => {
    const path = join(buckets, bucket, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  };

  beforeAll(async () => {
    buckets = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
    mkdirSync(join(buckets, 'manifests'));
    server = await startServer({ backend,
      objectStore: { mode: 'folder', bucketDir: buckets },
      rekognition: { maxManifestLines: MAX_LINES, maxManifestBytes: MAX_BYTES },
    });
    client = server.rekognition({ maxAttempts: 1 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(buckets, { recursive: true, force: true });
  });

  const failure = async (key: string) => {
    const { description } = await datasetFromManifest(client, 'manifests', key);
    expect(description.Status).toBe('CREATE_FAILED');
    expect(description.StatusMessageCode).toBe('CLIENT_ERROR');
    return description;
  };

  it('accepts a manifest at the row limit, blank lines and CRLF included', async () => {
    const rows = classificationLines('imgs', 'a', MAX_LINES - 2);
    put('manifests', 'at-limit.manifest', `\uFEFF${rows.join('\r\n')}\r\n\r\n\n`);
    const { description } = await datasetFromManifest(client, 'manifests', 'at-limit.manifest');
    expect(description.Status).toBe('CREATE_COMPLETE');
    expect(description.DatasetStats?.TotalEntries).toBe(MAX_LINES - 2);
  });

  it('ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM: blank lines count', async () => {
    const rows = classificationLines('imgs', 'a', MAX_LINES - 2);
    put('manifests', 'too-many-rows.manifest', `${rows.join('\n')}\n\n\n${classificationLine('s3://imgs/z.png', 'cat')}\n`);
    expect(statusCode(await failure('too-many-rows.manifest'))).toBe('ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM');
  });

  it('ERROR_MANIFEST_SIZE_TOO_LARGE', async () => {
    put('manifests', 'too-big.manifest', `${classificationLine('s3://imgs/a.png', 'cat')}\n`.padEnd(MAX_BYTES + 1, ' '));
    const description = await failure('too-big.manifest');
    expect(statusCode(description)).toBe('ERROR_MANIFEST_SIZE_TOO_LARGE');
    expect(description.StatusMessage).toContain(`the maximum is ${MAX_BYTES} bytes`);
  });

  it('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT for a compressed or binary file', async () => {
    put('manifests', 'zipped.manifest.gz', gzipSync(classificationLines('imgs', 'a', 5).join('\n')));
    expect(statusCode(await failure('zipped.manifest.gz'))).toBe('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT');
    put('manifests', 'image.manifest', png(64, 64));
    expect(statusCode(await failure('image.manifest'))).toBe('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT');
  });

  it('ERROR_EMPTY_MANIFEST', async () => {
    put('manifests', 'empty.manifest', '\n\n');
    expect(statusCode(await failure('empty.manifest'))).toBe('ERROR_EMPTY_MANIFEST');
  });

  it('ERROR_TOO_MANY_RECORDS_IN_ERROR: more than 20% of the lines dropped', async () => {
    const good = classificationLines('imgs', 'a', 8);
    put('manifests', 'ok-errors.manifest', [...good, '{not json', '{"source-ref":"https://x/y.png"}'].join('\n'));
    const { description } = await datasetFromManifest(client, 'manifests', 'ok-errors.manifest');
    expect(description.Status).toBe('CREATE_COMPLETE'); // exactly 20% is allowed
    expect(description.DatasetStats?.TotalEntries).toBe(8);
    put('manifests', 'bad-errors.manifest', [...good.slice(0, 7), '{not json', '{"source-ref":"https://x/y.png"}', '[]'].join('\n'));
    expect(statusCode(await failure('bad-errors.manifest'))).toBe('ERROR_TOO_MANY_RECORDS_IN_ERROR');
  });

  it('ERROR_MANIFEST_TOO_MANY_LABELS', async () => {
    const labels = Array.from({ length: 251 }, (_, i) => `label-${i}`);
    const big = await startServer({ backend, objectStore: { mode: 'folder', bucketDir: buckets } });
    try {
      put('manifests', 'labels.manifest', classificationLines('imgs', 'l', 251, labels).join('\n'));
      const { description } = await datasetFromManifest(big.rekognition({ maxAttempts: 1 }), 'manifests', 'labels.manifest');
      expect(description.Status).toBe('CREATE_FAILED');
      expect(statusCode(description)).toBe('ERROR_MANIFEST_TOO_MANY_LABELS');
    } finally {
      await big.close();
    }
  });

  it('ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS', async () => {
    put('manifests', 'two-buckets.manifest', [...classificationLines('imgs', 'a', 3), ...classificationLines('other', 'b', 1)].join('\n'));
    const description = await failure('two-buckets.manifest');
    expect(statusCode(description)).toBe('ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS');
    expect(description.StatusMessage).toContain('"imgs" and "other"');
  });

  it('drops a repeated source-ref even far apart in the manifest (the first line wins)', async () => {
    const many = await startServer({ backend, objectStore: { mode: 'folder', bucketDir: buckets } });
    try {
      const rows = classificationLines('imgs', 'r', 2500);
      rows.push(classificationLine('s3://imgs/r-3.png', 'zebra'), classificationLine('s3://imgs/r-1200.png', 'zebra'));
      put('manifests', 'repeats.manifest', rows.join('\n'));
      const c = many.rekognition({ maxAttempts: 1 });
      const { arn, description } = await datasetFromManifest(c, 'manifests', 'repeats.manifest');
      expect(description.Status).toBe('CREATE_COMPLETE');
      expect(description.DatasetStats).toMatchObject({ TotalEntries: 2500, TotalLabels: 2 });
      expect(await allEntries(c, { DatasetArn: arn, ContainsLabels: ['zebra'] })).toEqual([]);
    } finally {
      await many.close();
    }
  });

  it('a line too long to ever be valid is dropped without being held whole', async () => {
    const good = classificationLines('imgs', 'a', 9);
    const endless = `{"source-ref":"s3://imgs/long.png","pad":"${'x'.repeat(40_000)}`;
    const big = await startServer({ backend, objectStore: { mode: 'folder', bucketDir: buckets }, rekognition: { maxManifestBytes: 1 << 20 } });
    try {
      put('manifests', 'long-line.manifest', [...good.slice(0, 5), endless.repeat(3), ...good.slice(5)].join('\n'));
      const { description } = await datasetFromManifest(big.rekognition({ maxAttempts: 1 }), 'manifests', 'long-line.manifest');
      expect(description.Status).toBe('CREATE_COMPLETE');
      expect(description.DatasetStats?.TotalEntries).toBe(9);
    } finally {
      await big.close();
    }
  });

  it('a manifest deleted between the call and the job: ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT', async () => {
    put('manifests', 'vanishing.manifest', classificationLines('imgs', 'v', 3).join('\n'));
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'vanishing' }));
    server.trove.runner.pause();
    const { DatasetArn } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'vanishing.manifest' } } },
    }));
    rmSync(join(buckets, 'manifests', 'vanishing.manifest'));
    server.trove.runner.resume();
    const description = await settled(client, DatasetArn!);
    expect(description.Status).toBe('CREATE_FAILED');
    expect(description.StatusMessageCode).toBe('CLIENT_ERROR');
    expect(statusCode(description)).toBe('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT');
  });

  it('versions: only "null" exists in a folder; anything else is InvalidS3ObjectException', async () => {
    put('manifests', 'versioned.manifest', classificationLines('imgs', 'v', 3).join('\n'));
    const { description } = await datasetFromManifest(client, 'manifests', 'versioned.manifest', 'null');
    expect(description.Status).toBe('CREATE_COMPLETE');
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'versions' }));
    const error = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TEST',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'versioned.manifest', Version: 'v2' } } },
    })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidS3ObjectException);
  });
});
