import { CreateDatasetCommand, CreateProjectCommand, ListDatasetEntriesCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryVersion, ExpectationCheck } from '../../../src/domain/rekognition/entry-versions.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLine, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// The conditional write's check (UpdateDatasetEntriesIfUnchanged) reads and hashes lines before
// the accepting transaction and, inside it, only the rows' revisions. These tests place changes
// exactly between the two steps, which a race through the API hits only by chance.
describe.each(BACKENDS)('the entry version check around the accepting transaction (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let projects = 0;
  beforeAll(async () => {
    server = await startServer({ backend, imageChecks: { enabled: false } });
    client = server.rekognition();
  });
  afterAll(async () => server?.close());

  const REF = 's3://versions/a.png';
  async function dataset(): Promise<{ id: number; revision: number; arn: string; line: string }> {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `versions-${++projects}` }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: Buffer.from(classificationLine(REF, 'rose')) } }));
    await settled(client, DatasetArn!);
    const record = (await server.trove.store.rkDatasets.findByArn(DatasetArn!))!;
    const line = (await client.send(new ListDatasetEntriesCommand({ DatasetArn }))).DatasetEntries![0];
    return { id: record.id, revision: record.revision, arn: DatasetArn!, line };
  }

  it('finds a change committed after the lines were read, by the row\'s revision alone', async () => {
    const d = await dataset();
    const check = new ExpectationCheck(d.id, [{ sourceRef: REF, version: entryVersion(d.line) }]);
    await check.prepare(server.trove.store, d.revision);
    // Someone else's change is applied between the read and the accepting transaction.
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: d.arn, Changes: { GroundTruth: Buffer.from(classificationLine(REF, 'tulip')) } }));
    await settled(client, d.arn);
    const now = (await client.send(new ListDatasetEntriesCommand({ DatasetArn: d.arn }))).DatasetEntries![0];
    const conflicts = await server.trove.store.transaction((tx) => check.check(tx));
    expect(conflicts).toEqual([{ sourceRef: REF, expected: { sourceRef: REF, version: entryVersion(d.line) }, current: { version: entryVersion(now), line: now } }]);
    // Unchanged since the read: no conflict, and nothing read again.
    const fresh = new ExpectationCheck(d.id, [{ sourceRef: REF, version: entryVersion(now) }]);
    await fresh.prepare(server.trove.store, d.revision + 1);
    expect(await server.trove.store.transaction((tx) => fresh.check(tx))).toEqual([]);
  });

  it('does not judge a line a change is still writing: it may yet be discarded', async () => {
    const d = await dataset();
    // A change in the middle of being applied: its row is written at the next, unpublished revision.
    const outcome = validateLine(classificationLine(REF, 'daisy'));
    if (outcome.kind !== 'entry') throw new Error('invalid line');
    const { entry } = outcome;
    const row = { sourceRef: REF, line: entry.line, labels: entry.labels.map((l) => [l.name, l.boxes] as const), isLabeled: entry.isLabeled, hasErrors: entry.hasErrors };
    const next = d.revision + 1;
    await server.trove.store.transaction(async (tx) => {
      const [live] = await tx.rkEntries.findLive(d.id, [REF]);
      await tx.rkEntries.supersede([live.id], next);
      await tx.rkEntries.insert(d.id, next, [row]);
    });
    const check = new ExpectationCheck(d.id, [{ sourceRef: REF, version: entryVersion(d.line) }]);
    await check.prepare(server.trove.store, d.revision);
    // That attempt fails: its rows are discarded and the committed one is live again.
    await server.trove.store.transaction((tx) => tx.rkEntries.discardStep(d.id, next));
    expect(await server.trove.store.transaction((tx) => check.check(tx))).toEqual([]);
    // Its retry writes another line at the same revision (image checks may answer otherwise the
    // second time): the row's revision is the one seen while it was written, its line is not.
    const again = new ExpectationCheck(d.id, [{ sourceRef: REF, version: entryVersion(d.line) }]);
    await server.trove.store.transaction(async (tx) => {
      const [live] = await tx.rkEntries.findLive(d.id, [REF]);
      await tx.rkEntries.supersede([live.id], next);
      await tx.rkEntries.insert(d.id, next, [row]);
    });
    await again.prepare(server.trove.store, d.revision);
    await server.trove.store.transaction(async (tx) => {
      await tx.rkEntries.discardStep(d.id, next);
      const [live] = await tx.rkEntries.findLive(d.id, [REF]);
      await tx.rkEntries.supersede([live.id], next);
      await tx.rkEntries.insert(d.id, next, [{ ...row, line: d.line }]);
    });
    expect(await server.trove.store.transaction((tx) => again.check(tx))).toEqual([]);
  });
});
