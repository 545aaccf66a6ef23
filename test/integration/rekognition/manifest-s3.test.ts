import {
  CreateDatasetCommand, CreateProjectCommand, InvalidS3ObjectException, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { GIF, jpeg, png } from '../../harness/images.js';
import { classificationLines, datasetFromManifest, statusCode } from '../../harness/manifests.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// CreateDataset from a Ground Truth manifest in a real S3-compatible server (s3rver), through the
// official Rekognition SDK against a real Trove configured with --s3-endpoint.

const s3Config = (endpoint: string, credentials = S3RVER_CREDENTIALS, imageChecks = true) => ({
  objectStore: { mode: 's3' as const, s3: { endpoint, region: 'us-east-1', ...credentials } },
  imageChecks: { enabled: imageChecks },
});

describe.each(BACKENDS)('CreateDataset from a manifest in S3 (%s)', (backend) => {
  let s3: TestS3;
  let server: TestServer;
  let client: RekognitionClient;

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('manifests');
    await s3.createBucket('images');
    const goods: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) goods.push(s3.put('images', `good-${i}.png`, png(128, 96), 'image/png'));
    await Promise.all(goods);
    await s3.put('images', 'photo.jpg', jpeg(800, 600, { exifBytes: 30_000 }), 'image/jpeg');
    server = await startServer({ backend, ...s3Config(s3.endpoint) });
    client = server.rekognition({ maxAttempts: 1 });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('imports classification and bounding-box lines; the manifest may sit in another bucket', async () => {
    await s3.put('manifests', 'train/output.manifest', lines(
      ...classificationLines('images', 'good', 10),
      detectionLine('s3://images/photo.jpg', [{ label: 'face', left: 10, top: 10, width: 100, height: 80 }], { width: 800, height: 600 }),
    ));
    const { arn, description } = await datasetFromManifest(client, 'manifests', 'train/output.manifest');
    expect(description.Status).toBe('CREATE_COMPLETE');
    expect(description.StatusMessageCode).toBe('SUCCESS');
    expect(description.DatasetStats).toEqual({ LabeledEntries: 11, TotalEntries: 11, TotalLabels: 3, ErrorEntries: 0 });
    const labels = await client.send(new ListDatasetLabelsCommand({ DatasetArn: arn }));
    expect(labels.DatasetLabelDescriptions?.map((l) => l.LabelName)).toEqual(['cat', 'dog', 'face']);
  });

  it('answers InvalidS3ObjectException at once for a missing object or bucket', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'missing-manifest' }));
    for (const S3Object of [{ Bucket: 'manifests', Name: 'nope.manifest' }, { Bucket: 'no-such-bucket', Name: 'a.manifest' }]) {
      const error = await client.send(new CreateDatasetCommand({
        ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object } },
      })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidS3ObjectException);
      expect((error as Error).message).toMatch(/^Unable to get object metadata from S3/);
    }
    // Nothing was created: the project can still get its TRAIN dataset.
    await s3.put('manifests', 'one.manifest', lines(classificationLine('s3://images/good-0.png', 'cat')));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'one.manifest' } } },
    }));
    expect((await settled(client, DatasetArn!)).Status).toBe('CREATE_COMPLETE');
  });

  it('marks missing, mistyped, truncated, corrupt and out-of-bounds images on their entries', async () => {
    const full = png(640, 480, { padding: 6000 });
    const corrupt = png(640, 480);
    corrupt[18] ^= 0xff;
    await Promise.all([
      s3.put('images', 'cat.gif', GIF, 'image/gif'),
      s3.put('images', 'text.png', 'not an image at all', 'image/png'),
      s3.put('images', 'cut.png', full.subarray(0, full.length - 200), 'image/png'),
      s3.put('images', 'corrupt.png', corrupt, 'image/png'),
      s3.put('images', 'tiny.png', png(40, 40), 'image/png'),
      s3.put('images', 'tiny-boxed.png', png(40, 40), 'image/png'),
      s3.put('images', 'strip.png', png(4000, 100), 'image/png'),
      s3.put('images', 'sized.png', png(300, 200), 'image/png'),
    ]);
    const bad: Record<string, string> = {
      's3://images/missing.png': 'ERROR_INVALID_IMAGE',
      's3://images/cat.gif': 'ERROR_INVALID_IMAGE',
      's3://images/text.png': 'ERROR_INVALID_IMAGE',
      's3://images/cut.png': 'ERROR_INVALID_IMAGE',
      's3://images/corrupt.png': 'ERROR_INVALID_IMAGE',
      's3://images/tiny.png': 'ERROR_INVALID_IMAGE',
      's3://images/tiny-boxed.png': 'ERROR_INVALID_IMAGE_DIMENSION',
      's3://images/strip.png': 'ERROR_INVALID_IMAGE',
      's3://images/sized.png': 'ERROR_INVALID_IMAGE_DIMENSION',
    };
    const box = [{ label: 'face', left: 1, top: 1, width: 20, height: 20 }];
    await s3.put('manifests', 'mixed.manifest', lines(
      ...classificationLines('images', 'good', 40),
      ...Object.keys(bad).filter((ref) => !ref.includes('boxed') && !ref.includes('sized')).map((ref) => classificationLine(ref, 'cat')),
      detectionLine('s3://images/tiny-boxed.png', box, { width: 40, height: 40 }),
      detectionLine('s3://images/sized.png', box, { width: 640, height: 480 }), // the real image is 300x200
    ));
    const { arn, description } = await datasetFromManifest(client, 'manifests', 'mixed.manifest');
    // 9 of 49 lines in error is under 20%: the dataset is created, the errors are on the entries.
    expect(description.Status).toBe('CREATE_COMPLETE');
    expect(description.DatasetStats).toMatchObject({ TotalEntries: 49, ErrorEntries: 9 });
    const withErrors = await allEntries(client, { DatasetArn: arn, HasErrors: true });
    const found = Object.fromEntries(withErrors.map((e) => [e['source-ref'], (e['cl-errors'] as { code: string }[]).map((x) => x.code).join()]));
    expect(found).toEqual(bad);
    const missing = withErrors.find((e) => e['source-ref'] === 's3://images/missing.png')!;
    expect(missing['cl-errors']).toEqual([{
      code: 'ERROR_INVALID_IMAGE', message: 'The image is invalid. Check S3 path and/or image properties. The object does not exist or this account may not read it.',
    }]);
  });

  it('fails with ERROR_TOO_MANY_RECORDS_IN_ERROR when more than 20% of the images are bad', async () => {
    await s3.put('manifests', 'mostly-missing.manifest', lines(
      ...classificationLines('images', 'good', 7),
      ...classificationLines('images', 'absent', 3),
    ));
    const { description } = await datasetFromManifest(client, 'manifests', 'mostly-missing.manifest');
    expect(description.Status).toBe('CREATE_FAILED');
    expect(description.StatusMessageCode).toBe('CLIENT_ERROR');
    expect(statusCode(description)).toBe('ERROR_TOO_MANY_RECORDS_IN_ERROR');
    expect(description.StatusMessage).toContain('3 point at a missing or invalid image');
  });

  it('checks the images of UpdateDatasetEntries too', async () => {
    const { description, arn } = await datasetFromManifest(client, 'manifests', 'one.manifest');
    expect(description.Status).toBe('CREATE_COMPLETE');
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn: arn, Changes: { GroundTruth: lines(...classificationLines('images', 'good', 9), classificationLine('s3://images/cat.gif', 'dog')) },
    }));
    const updated = await settled(client, arn);
    expect(updated.Status).toBe('UPDATE_COMPLETE');
    expect(updated.DatasetStats).toMatchObject({ TotalEntries: 10, ErrorEntries: 1 });
  });

  it('does not check images in a bucket the store does not have', async () => {
    await s3.put('manifests', 'elsewhere.manifest', lines(...classificationLines('bucket-trove-cannot-see', 'img', 5)));
    const { description } = await datasetFromManifest(client, 'manifests', 'elsewhere.manifest');
    expect(description.Status).toBe('CREATE_COMPLETE');
    expect(description.DatasetStats).toMatchObject({ TotalEntries: 5, ErrorEntries: 0 });
  });
});

describe('object store settings', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('manifests');
    await s3.put('manifests', 'bad-images.manifest', lines(...classificationLines('manifests', 'absent', 5)));
  });
  afterAll(async () => s3?.close());

  it('a bucket Trove may not read: InvalidS3ObjectException', async () => {
    const server = await startServer(s3Config(s3.endpoint, { accessKeyId: 'STRANGER', secretAccessKey: 'nope' }));
    try {
      const client = server.rekognition({ maxAttempts: 1 });
      const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'denied' }));
      const error = await client.send(new CreateDatasetCommand({
        ProjectArn, DatasetType: 'TRAIN',
        DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'bad-images.manifest' } } },
      })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidS3ObjectException);
      expect((error as Error).message).toContain('access denied');
    } finally {
      await server.close();
    }
  });

  it('image checks can be switched off', async () => {
    const server = await startServer(s3Config(s3.endpoint, S3RVER_CREDENTIALS, false));
    try {
      const { description } = await datasetFromManifest(server.rekognition(), 'manifests', 'bad-images.manifest');
      expect(description.Status).toBe('CREATE_COMPLETE');
      expect(description.DatasetStats).toMatchObject({ TotalEntries: 5, ErrorEntries: 0 });
    } finally {
      await server.close();
    }
  });
});

describe.each(BACKENDS)('an object store that stops answering (%s)', (backend) => {
  it('fails the job attempt, retries, and ends in CREATE_FAILED with SERVICE_ERROR (no hang)', async () => {
    const s3 = await startS3();
    await s3.createBucket('manifests');
    await s3.put('manifests', 'a.manifest', lines(...classificationLines('images', 'a', 3)));
    const server = await startServer({ backend, ...s3Config(s3.endpoint), jobs: { maxAttempts: 2 } });
    try {
      const client = server.rekognition({ maxAttempts: 1 });
      const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'flaky' }));
      server.trove.runner.pause();
      const { DatasetArn } = await client.send(new CreateDatasetCommand({
        ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'a.manifest' } } },
      }));
      await s3.close();
      server.trove.runner.resume();
      const description = await settled(client, DatasetArn!);
      expect(description.Status).toBe('CREATE_FAILED');
      expect(description.StatusMessageCode).toBe('SERVICE_ERROR');
    } finally {
      await server.close();
    }
  });
});
