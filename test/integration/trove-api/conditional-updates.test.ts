import { createHash } from 'node:crypto';
import { CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, ListDatasetEntriesCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLine, settled } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { troveApiRejection as rejection } from '../../harness/trove-api.js';

const PATH = '/_trove/api/rekognition/update-entries-if-unchanged';
const sha256 = (line: string) => createHash('sha256').update(line, 'utf8').digest('hex');
const ref = (name: string) => `s3://cond-images/${name}.png`;

// UpdateDatasetEntriesIfUnchanged (docs/trove-api.md): UpdateDatasetEntries whose acceptance
// checks, in the same transaction, that the entries are still the versions the client read.
describe.each(BACKENDS)('UpdateDatasetEntriesIfUnchanged (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let trove: TroveApiClient;
  let projects = 0;

  beforeAll(async () => {
    // No image checks: the entries point at images nobody stored; the versions are what matters here.
    server = await startServer({ backend, imageChecks: { enabled: false } });
    client = server.rekognition();
    trove = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  });
  afterAll(async () => server?.close());

  async function dataset(...entries: string[]): Promise<string> {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `cond-${++projects}` }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    if (entries.length > 0) {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: Buffer.from(entries.join('\n')) } }));
      await settled(client, DatasetArn!);
    }
    return DatasetArn!;
  }
  /** The entry's line exactly as ListDatasetEntries lists it. */
  async function listed(datasetArn: string, sourceRef: string): Promise<string | undefined> {
    const out = await client.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, SourceRefContains: sourceRef }));
    return out.DatasetEntries?.find((line) => (JSON.parse(line) as Record<string, unknown>)['source-ref'] === sourceRef);
  }
  const conditional = (datasetArn: string, lines: string[], expected: unknown[], api = trove) =>
    api.call('POST', PATH, { body: { datasetArn, changes: { groundTruth: Buffer.from(lines.join('\n')).toString('base64') }, expected } });

  it('applies the change like UpdateDatasetEntries when the entries are the versions read', async () => {
    const arn = await dataset(classificationLine(ref('a'), 'rose'));
    const before = (await listed(arn, ref('a')))!;
    expect(await conditional(arn, [classificationLine(ref('a'), 'tulip'), classificationLine(ref('new'), 'daisy')], [
      { sourceRef: ref('a'), version: sha256(before) }, { sourceRef: ref('new'), absent: true },
    ])).toEqual({});
    // The same statuses as UpdateDatasetEntries: in progress at once, then complete.
    expect((await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toMatch(/^UPDATE_(IN_PROGRESS|COMPLETE)$/);
    expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    expect(JSON.parse((await listed(arn, ref('a')))!)).toMatchObject({ 'tulip-metadata': { 'class-name': 'tulip' } });
    expect(await listed(arn, ref('new'))).toBeDefined();
  });

  it('accepts nothing when an entry changed since it was read, and sends its current line back', async () => {
    const arn = await dataset(classificationLine(ref('a'), 'rose'), classificationLine(ref('b'), 'rose'));
    const seen = (await listed(arn, ref('a')))!;
    const untouched = (await listed(arn, ref('b')))!;
    // Someone else (another tab, a script) changes entry a.
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: Buffer.from(classificationLine(ref('a'), 'daisy')) } }));
    const updated = await settled(client, arn);
    const now = (await listed(arn, ref('a')))!;

    const failure = await rejection(conditional(arn, [classificationLine(ref('a'), 'tulip'), classificationLine(ref('b'), 'tulip')], [
      { sourceRef: ref('a'), version: sha256(seen) }, { sourceRef: ref('b'), version: sha256(untouched) },
    ]));
    expect([failure.status, failure.code]).toEqual([409, 'ConditionalCheckFailedException']);
    expect(failure.body).toMatchObject({
      conflictCount: 1,
      conflicts: [{ sourceRef: ref('a'), expected: { version: sha256(seen) }, current: { version: sha256(now), line: now } }],
    });
    // Nothing was accepted: no status change, both entries as they were.
    const after = (await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription!;
    expect([after.Status, after.LastUpdatedTimestamp]).toEqual([updated.Status, updated.LastUpdatedTimestamp]);
    expect([await listed(arn, ref('a')), await listed(arn, ref('b'))]).toEqual([now, untouched]);

    // An image expected to be new but added meanwhile, and an entry that no longer exists, conflict too.
    const failure2 = await rejection(conditional(arn, [classificationLine(ref('a'), 'x'), classificationLine(ref('gone'), 'x')], [
      { sourceRef: ref('a'), absent: true }, { sourceRef: ref('gone'), version: sha256(seen) },
    ]));
    expect(failure2.body).toMatchObject({
      conflictCount: 2,
      conflicts: [
        { sourceRef: ref('a'), expected: { absent: true }, current: { version: sha256(now) } },
        { sourceRef: ref('gone'), expected: { version: sha256(seen) }, current: null },
      ],
    });
  });

  it('lets exactly one of many concurrent writers of the same version through', async () => {
    const arn = await dataset(classificationLine(ref('a'), 'rose'));
    const seen = sha256((await listed(arn, ref('a')))!);
    const writers = Array.from({ length: 6 }, (_, i) => `label${i}`);
    const outcomes = await Promise.all(writers.map((label) =>
      conditional(arn, [classificationLine(ref('a'), label)], [{ sourceRef: ref('a'), version: seen }]).then(() => 'applied', (error: Error) => error.name)));
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    // The others were refused: the dataset was busy with the winner's change, or the entry had changed.
    expect(outcomes.filter((o) => o !== 'applied').every((o) => o === 'ConflictException' || o === 'ConditionalCheckFailedException')).toBe(true);
    await settled(client, arn);
    // Those that found it busy try again with the version they read: now the entry has changed.
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome !== 'ConflictException') continue;
      const retry = await rejection(conditional(arn, [classificationLine(ref('a'), writers[i])], [{ sourceRef: ref('a'), version: seen }]));
      expect(retry.code).toBe('ConditionalCheckFailedException');
    }
    const winner = writers[outcomes.indexOf('applied')];
    expect(JSON.parse((await listed(arn, ref('a')))!)).toHaveProperty(`${winner}-metadata`);
  });

  it('never applies a conditional change on top of a plain change that came first', async () => {
    const arn = await dataset(classificationLine(ref('a'), 'rose'));
    for (let round = 0; round < 4; round++) {
      const seen = sha256((await listed(arn, ref('a')))!);
      // A script keeps retrying its plain UpdateDatasetEntries until the dataset takes it; the conditional writer tries once.
      const plain = (async () => {
        for (;;) {
          try {
            return await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: Buffer.from(classificationLine(ref('a'), `plain${round}`)) } }));
          } catch (error) {
            if ((error as Error).name !== 'ResourceInUseException') throw error;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, round * 15));
      const applied = await conditional(arn, [classificationLine(ref('a'), `cond${round}`)], [{ sourceRef: ref('a'), version: seen }]).then(() => true, () => false);
      await plain;
      await settled(client, arn);
      const final = JSON.parse((await listed(arn, ref('a')))!) as Record<string, unknown>;
      // Applied means it went first: the script's change, accepted after it, is what remains.
      if (applied) expect(final).toHaveProperty(`plain${round}-metadata`);
    }
  });

  it('refuses malformed expectations before anything is read', async () => {
    const arn = await dataset(classificationLine(ref('a'), 'rose'));
    const both = await rejection(conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), version: '0'.repeat(64), absent: true }]));
    expect([both.status, both.code]).toEqual([400, 'ValidationException']);
    const twice = await rejection(conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), absent: true }, { sourceRef: ref('a'), absent: true }]));
    expect(twice.body).toMatchObject({ fieldList: [{ name: 'expected[1].sourceRef' }] });
    const badVersion = await rejection(conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), version: 'ABC' }]));
    expect(badVersion.code).toBe('ValidationException');
    const missing = await rejection(conditional(arn.replace(/\/\d+$/, '/1'), [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), absent: true }]));
    expect([missing.status, missing.code]).toEqual([404, 'ResourceNotFoundException']);
  });

  it('needs rekognition:UpdateDatasetEntries and rekognition:ListDatasetEntries on the dataset as well as its own action', async () => {
    const arn = await dataset(classificationLine(ref('a'), 'rose'));
    const version = sha256((await listed(arn, ref('a')))!);
    const as = async (allowActions: string[]) => {
      const key = await server.createCredential({ account: '000000000000', allowActions });
      return new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
    };
    const troveOnly = await rejection(conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), version }], await as(['trove:*', 'rekognition:List*'])));
    expect([troveOnly.status, troveOnly.code]).toEqual([403, 'AccessDeniedException']);
    expect(troveOnly.message).toContain('rekognition:UpdateDatasetEntries');
    const awsOnly = await rejection(conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), version }], await as(['rekognition:*'])));
    expect(awsOnly.message).toContain('trove:UpdateDatasetEntriesIfUnchanged');
    // A conflict answers the current lines: a write-only key must not read entries through it.
    const writeOnly = await rejection(conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), version: '0'.repeat(64) }],
      await as(['rekognition:UpdateDatasetEntries', 'trove:UpdateDatasetEntriesIfUnchanged'])));
    expect([writeOnly.status, writeOnly.code]).toEqual([403, 'AccessDeniedException']);
    expect(writeOnly.message).toContain('rekognition:ListDatasetEntries');
    expect(await conditional(arn, [classificationLine(ref('a'), 'x')], [{ sourceRef: ref('a'), version }],
      await as(['rekognition:UpdateDatasetEntries', 'rekognition:ListDatasetEntries', 'trove:UpdateDatasetEntriesIfUnchanged']))).toEqual({});
  });
});
