import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { putObject } from '../../harness/console-fixtures.js';
import { noisyPng, png } from '../../harness/images.js';
import { motionPhoto, mp4Like, mpfFile, noise, realJpeg } from '../../harness/phone-jpegs.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// Phone photos with data after the JPEG's end marker (a Motion Photo's video, a multi-picture
// file's second image, padding) and PNGs with data after their IEND chunk (padding, appended
// metadata, a second file) are whole images: UpdateDatasetEntries through the official SDK adds
// them without an error, from the folder store and from S3, while a JPEG or PNG cut in half is
// still ERROR_INVALID_IMAGE with the truncation message.

const primary = realJpeg(320, 240);
const pngImage = noisyPng(100 * 1024);
const IMAGES: Record<string, Buffer> = {
  'motion.jpg': motionPhoto(primary, 300 * 1024),
  'motion-container.jpg': motionPhoto(primary, 300 * 1024, 'container'),
  'mp4-50k.jpg': Buffer.concat([primary, mp4Like(50 * 1024)]),
  'mpf.jpg': Buffer.concat([mpfFile(primary, realJpeg(400, 300, true)), noise(5000, 3)]),
  'zeros.jpg': Buffer.concat([primary, Buffer.alloc(20 * 1024)]),
  'half.jpg': primary.subarray(0, Math.floor(primary.length / 2)),
  'padded.png': Buffer.concat([pngImage, Buffer.alloc(4 * 1024)]),
  'metadata.png': Buffer.concat([pngImage, noise(50 * 1024, 9)]),
  'polyglot.png': Buffer.concat([pngImage, png(100, 100, { padding: 20_000 })]),
  'half.png': pngImage.subarray(0, Math.floor(pngImage.length / 2)),
};
const truncated = (format: 'JPEG' | 'PNG') => [{
  code: 'ERROR_INVALID_IMAGE',
  message: `The image is invalid. Check S3 path and/or image properties. The ${format} file is truncated (its end marker is missing).`,
}];

async function updateAndErrors(client: RekognitionClient, name: string) {
  const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: name }));
  const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
  await settled(client, DatasetArn!);
  const refs = Object.keys(IMAGES).map((key) => `s3://phone/${key}`);
  await client.send(new UpdateDatasetEntriesCommand({
    DatasetArn, Changes: { GroundTruth: lines(...refs.map((ref) => classificationLine(ref, 'cat'))) },
  }));
  const description = await settled(client, DatasetArn!);
  const errors = Object.fromEntries((await allEntries(client, { DatasetArn, HasErrors: true })).map((e) => [e['source-ref'], e['cl-errors']]));
  return { description, errors };
}

describe.each(BACKENDS)('JPEGs and PNGs with trailers through UpdateDatasetEntries (%s)', (backend) => {
  let server: TestServer;
  let s3Server: TestServer;
  let s3: TestS3;
  beforeAll(async () => {
    server = await startServer({ backend });
    for (const [key, bytes] of Object.entries(IMAGES)) putObject(server.dataDir, 'phone', key, bytes);
    s3 = await startS3();
    await s3.createBucket('phone');
    await Promise.all(Object.entries(IMAGES).map(([key, bytes]) => s3.put('phone', key, bytes, key.endsWith('.png') ? 'image/png' : 'image/jpeg')));
    s3Server = await startServer({
      backend,
      objectStore: { mode: 's3' as const, s3: { endpoint: s3.endpoint, region: 'us-east-1', ...S3RVER_CREDENTIALS } },
      imageChecks: { enabled: true },
    });
  });
  afterAll(async () => {
    await server?.close();
    await s3Server?.close();
    await s3?.close();
  });

  for (const store of ['folder', 's3'] as const) {
    it(`${store} store: only the JPEG and the PNG cut in half are reported`, async () => {
      const { description, errors } = await updateAndErrors((store === 'folder' ? server : s3Server).rekognition({ maxAttempts: 1 }), `phone-${store}`);
      expect(description.Status).toBe('UPDATE_COMPLETE');
      expect(description.DatasetStats).toMatchObject({ TotalEntries: 10, ErrorEntries: 2 });
      expect(errors).toEqual({ 's3://phone/half.jpg': truncated('JPEG'), 's3://phone/half.png': truncated('PNG') });
    });
  }
});
