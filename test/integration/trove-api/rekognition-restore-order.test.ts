import {
  CreateDatasetCommand, CreateProjectCommand, DistributeDatasetEntriesCommand, ListDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { ListDatasetEntriesCommandInput, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetHistoryClient } from '../../../src/client/dataset-history-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { historyClient, update } from '../../harness/history.js';
import { classificationLine, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const ref = (name: string) => `s3://bucket/order/${name}.jpg`;
const line = (name: string, label: string) => classificationLine(ref(name), label);
/** An entry without labels (is_labeled 0): its own partial indexes on both backends. */
const unlabeled = (name: string) => JSON.stringify({ 'source-ref': ref(name) });

/** The listings compared: every filter walks its own ordered index (docs/architecture.md, "Listing order"). */
const FILTERS: Record<string, Omit<ListDatasetEntriesCommandInput, 'DatasetArn'>> = {
  all: {},
  cat: { ContainsLabels: ['cat'] },
  'cat or dog': { ContainsLabels: ['cat', 'dog'] },
  'source-ref "e1"': { SourceRefContains: 'e1' },
  'source-ref "/e"': { SourceRefContains: '/e' },
  'source-ref "e2" with dog': { SourceRefContains: 'e2', ContainsLabels: ['dog'] },
  unlabeled: { Labeled: false },
};

/** The source-refs of a ListDatasetEntries listing (the official SDK), in its order, 3 to a page. */
async function order(client: RekognitionClient, DatasetArn: string, filter: Omit<ListDatasetEntriesCommandInput, 'DatasetArn'>): Promise<string[]> {
  const refs: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListDatasetEntriesCommand({ ...filter, DatasetArn, MaxResults: 3, NextToken }));
    for (const entry of page.DatasetEntries ?? []) refs.push((JSON.parse(entry) as { 'source-ref': string })['source-ref']);
    NextToken = page.NextToken;
  } while (NextToken);
  return refs;
}

async function orders(client: RekognitionClient, arn: string): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const [name, filter] of Object.entries(FILTERS)) found[name] = await order(client, arn, filter);
  return found;
}

/**
 * RestoreDatasetSnapshot and the listing order (README Known gaps, "History (Rekognition)"):
 * a snapshot taken, then entries updated, added and removed (distributed to TEST), then the
 * snapshot restored. The restored dataset has the snapshot's entries on every backend; whether
 * it LISTS them in the snapshot's order is the known gap: the restore writes each entry it
 * puts back as a new row version, and the listing order is the row id (the order of each
 * entry's last write), so those entries list after all others. The last test states the order
 * the gap's fix must give and is marked `fails` until then (it passes, as a failing test, while
 * the gap is there, and fails once the order is right: then drop the marker).
 */
describe.each(BACKENDS)('RestoreDatasetSnapshot and the listing order (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let history: DatasetHistoryClient;
  let arn: string;
  let atSnapshot: Record<string, string[]>;
  let restored: Record<string, string[]>;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
    history = historyClient(server.url);
  });
  afterAll(async () => server?.close());

  it('restores the snapshot\'s entries under every filter; a token from before the restore keeps its revision', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `order-${backend}` }));
    arn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    const test = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }))).DatasetArn!;
    await settled(client, arn);
    await settled(client, test);
    const names = Array.from({ length: 40 }, (_, i) => `e${String(i).padStart(2, '0')}`);
    await update(client, arn, ...names.map((name, i) => (i % 7 === 3 ? unlabeled(name) : line(name, i % 2 ? 'cat' : 'dog'))));
    // Written again: these list last, so the snapshot's order is not the source-refs' order.
    await update(client, arn, line('e05', 'dog'), line('e12', 'cat'), line('e21', 'cat'), unlabeled('e30'));
    await history.createSnapshot(arn, 'target');
    atSnapshot = await orders(client, arn);
    expect(atSnapshot.all.slice(-4)).toEqual(['e05', 'e12', 'e21', 'e30'].map(ref));
    expect(atSnapshot.unlabeled).toContain(ref('e30'));

    // The change: entries updated (early, late, moved ones), one rewritten with its very line (it
    // moves to the end too, though no diff shows it), entries added, entries removed.
    await update(client, arn, line('e02', 'cat'), line('e08', 'dog'), line('e12', 'dog'), line('e17', 'dog'), unlabeled('e26'), line('e30', 'cat'),
      line('n1', 'cat'), line('e1-new', 'dog'), unlabeled('n3'));
    const updated = await order(client, arn, {});
    expect(updated.indexOf(ref('e08'))).toBeGreaterThan(updated.indexOf(ref('e21')));
    await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: arn }, { Arn: test }] }));
    await settled(client, arn);
    await settled(client, test);
    const changed = await orders(client, arn);
    expect(changed.all.length).toBeLessThan(atSnapshot.all.length + 3);

    // A token of the listing before the restore: pinned to its revision, the restore does not move its pages.
    const first = await client.send(new ListDatasetEntriesCommand({ DatasetArn: arn, MaxResults: 3 }));
    const { revision: restoreRevision } = await history.restore(arn, 'target');
    expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    const rest: string[] = [];
    let NextToken = first.NextToken;
    while (NextToken) {
      const page = await client.send(new ListDatasetEntriesCommand({ DatasetArn: arn, MaxResults: 3, NextToken }));
      for (const entry of page.DatasetEntries ?? []) rest.push((JSON.parse(entry) as { 'source-ref': string })['source-ref']);
      NextToken = page.NextToken;
    }
    expect([...first.DatasetEntries!.map((entry) => (JSON.parse(entry) as { 'source-ref': string })['source-ref']), ...rest]).toEqual(changed.all);

    restored = await orders(client, arn);
    for (const name of Object.keys(FILTERS)) {
      expect([name, [...restored[name]].sort()]).toEqual([name, [...atSnapshot[name]].sort()]);
    }
    // The Trove API's listing at the restore's revision: the same entries as the AWS listing, in its order.
    const entries = await history.all((token) => history.entriesAt(arn, String(restoreRevision), { maxResults: 4, nextToken: token }), (page) => page.entries);
    expect(entries.map((entry) => (JSON.parse(entry) as { 'source-ref': string })['source-ref'])).toEqual(restored.all);
  });

  // The known gap (see above): remove `.fails` with the fix.
  it.fails('lists the restored dataset in the snapshot\'s order under every filter, page by page', () => {
    // Without the first test's listings nothing is compared, and this test then fails as "passed".
    if (!restored) return;
    for (const name of Object.keys(FILTERS)) expect([name, restored[name]]).toEqual([name, atSnapshot[name]]);
  });
});
