import { readFileSync } from 'node:fs';
import { UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DROP_REASONS, LINE_ERRORS } from '../../src/domain/rekognition/manifest/error-codes.js';
import { CHROMIUM_MISSING, consoleSession } from '../harness/console-browser.js';
import { IMAGE_BUCKET, loadAgentCoreFixture, loadRekognitionFixture, putObject } from '../harness/console-fixtures.js';
import { ExchangeClient } from '../../src/client/exchange-client.js';
import { JobsClient } from '../../src/client/jobs-client.js';
import { TroveApiClient } from '../../src/client/trove-api-client.js';
import type { LineItemWire } from '../../src/client/dataset-history-client.js';
import { entriesAt, historyClient } from '../harness/history.js';
import { TEST_CREDENTIALS } from '../harness/server.js';
import { picture } from '../harness/pictures.js';
import { allEntries, classificationLine, detectionLine, settled } from '../harness/rekognition.js';

/** The history views of a Rekognition dataset in a real Chromium: timeline, ingest report, snapshots, diff, restore, permissions. */
describe.skipIf(CHROMIUM_MISSING !== undefined)('the console: Rekognition dataset history in Chromium', () => {
  const c = consoleSession(async (server) => ({
    ...(await loadRekognitionFixture(server.rekognition(), server.dataDir)),
    agentcore: await loadAgentCoreFixture(server.agentcore()),
  }));
  const arn = () => c.data.trainArn;
  const q = () => `arn=${encodeURIComponent(arn())}`;
  const ref = (name: string) => `s3://${IMAGE_BUCKET}/flowers/${name}`;
  const history = () => historyClient(c.server.url);
  const revisionItem = (page: Page, revision: number) => page.locator(`li.revision[data-revision="${revision}"]`);

  it('shows each revision with what it did, and a change\'s ingest report with exactly its bad lines, in words', async () => {
    const client = c.server.rekognition();
    const changes = [
      classificationLine(ref('rose-01.png'), 'tulip'), // 1: replaced
      '{"source-ref": "s3://console-images/flowers/broken.png", "bounding-box": ', // 2: not JSON (its source-ref still read)
      JSON.stringify({ 'no-source': 1 }), // 3: no source-ref
      '', // 4: blank, counted as a line number only
      classificationLine(ref('rose-01.png'), 'daisy'), // 5: the same image again
      // 6: one of its two boxes runs off the frame
      detectionLine(ref('meadow-01.png'), [{ label: 'bee', left: 20, top: 20, width: 60, height: 60 }, { label: 'bee', left: 280, top: 10, width: 90, height: 40 }], { width: 320, height: 240 }),
      '[1, 2]', // 7: not an object
      // Enough good lines that the four dropped stay within AWS's 20% (else the whole change fails).
      ...[1, 2, 3, 4, 5].flatMap((i) => [classificationLine(ref(`rose-0${i + 1}.png`), 'rose'), classificationLine(ref(`daisy-0${i}.png`), 'daisy')]),
      ...[2, 3, 4].map((i) => JSON.stringify({ 'source-ref': ref(`meadow-0${i}.png`) })),
      classificationLine(putObject(c.server.dataDir, IMAGE_BUCKET, 'flowers/rose-07.png', picture(320, 240, [{ left: 90, top: 70, width: 90, height: 90, hue: 5 }], 70)), 'rose'),
    ];
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn(), Changes: { GroundTruth: Buffer.from(changes.join('\n')) } }));
    await settled(client, arn());
    const { revisions } = await history().listRevisions(arn());
    const revision = revisions[0];
    expect(revision).toMatchObject({ revision: 3, operation: 'UpdateDatasetEntries', status: 'COMPLETE', counts: { linesReceived: 20, linesDropped: 4, entriesAdded: 1, entriesReplaced: 2, entriesWithErrors: 1 } });
    const counts = revision.counts;
    const items = (await history().report(arn(), 3)).items.filter((i): i is LineItemWire => i.problem !== 'LEFT_OUT');

    const page = await c.signedIn(`/rekognition/dataset?${q()}`);
    await page.click('.view-tabs a:has-text("History")');
    const item = revisionItem(page, 3);
    await item.waitFor();
    expect(await page.locator('li.revision').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-revision')))).toEqual(['3', '2', '1']);
    expect(await item.locator('h3').textContent()).toBe('Revision 3 · Entries updated');
    expect(await item.locator('.figure').allTextContents()).toEqual([
      '20 lines received', '1 added', '2 replaced', `${counts.entriesUnchanged} unchanged`, '1 with errors', '4 dropped', `${revision.entryCount} entries`,
    ]);
    expect(await item.locator('.revision-meta').textContent()).toContain('by test');
    expect(await revisionItem(page, 1).locator('h3').textContent()).toBe('Revision 1 · Dataset created');

    await item.locator('a:has-text("Ingest report")').click();
    const rows = page.locator('.report-table tbody tr');
    await rows.first().waitFor();
    expect(page.url()).toContain('/rekognition/dataset/report?');
    // Exactly the report's lines, in line order: what was dropped and why, the entry written with errors.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-line'), tr.getAttribute('data-problem')]))).toEqual(
      items.map((i) => [String(i.lineNumber), i.problem]));
    expect(items.map((i) => [i.lineNumber, i.problem])).toEqual([[2, 'DROPPED'], [3, 'DROPPED'], [5, 'DROPPED'], [6, 'ERRORS'], [7, 'DROPPED']]);
    const dropped = items.filter((i) => i.problem === 'DROPPED');
    expect(dropped.map((i) => i.reason)).toEqual(['INVALID_JSON', 'MISSING_SOURCE_REF', 'DUPLICATE_SOURCE_REF', 'NOT_AN_OBJECT']);
    for (const i of dropped) {
      const row = page.locator(`.report-table tr[data-line="${i.lineNumber}"]`);
      const words = DROP_REASONS[i.reason as keyof typeof DROP_REASONS].explanation;
      expect(await row.locator('.report-what').textContent()).toBe(`Dropped ${words} ${i.reason}`);
      expect(await row.locator('td').nth(1).textContent()).toBe(i.sourceRef ?? '(none)');
    }
    expect(await page.locator('.report-table tr[data-line="2"] td').nth(1).textContent()).toBe('s3://console-images/flowers/broken.png');
    const errors = page.locator('.report-table tr[data-line="6"]');
    expect(await errors.locator('.report-codes li').allTextContents()).toEqual([`${LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.explanation} ERROR_INVALID_BOUNDING_BOX`]);
    // The entry with errors opens in the dataset, with the error in its place.
    await errors.locator('a').click();
    await page.locator('dialog.entry-detail .error-item[data-code="ERROR_INVALID_BOUNDING_BOX"]').waitFor();
    expect(new URL(page.url()).searchParams.get('entry')).toBe(ref('meadow-01.png'));
    await page.close();
  });

  it('names a revision as a snapshot, and after an update shows what changed since, labels and boxes', async () => {
    const page = await c.signedIn(`/rekognition/dataset/history?${q()}`);
    const item = revisionItem(page, 3);
    await item.locator('button:has-text("Snapshot…")').click();
    const name = item.locator('input[id^="snapshot-name"]');
    await name.fill('123');
    expect(await item.locator('.snapshot-form .error-text').textContent()).toContain('a name can\'t be only digits');
    expect(await item.locator('button:has-text("Create snapshot")').isDisabled()).toBe(true);
    await name.fill('flowers-v1');
    await item.locator('button:has-text("Create snapshot")').click();
    await item.locator('.snapshot-tag:has-text("flowers-v1")').waitFor();
    const snapshot = page.locator('.snapshot[data-snapshot="flowers-v1"]');
    expect(await snapshot.locator('p').first().textContent()).toMatch(/^revision 3 · 22 entries · .* · by test$/);
    expect((await history().listSnapshots(arn())).snapshots).toMatchObject([{ name: 'flowers-v1', revision: 3, accessKeyId: 'test' }]);

    // An update: one image's boxes change (a rose box becomes a daisy box elsewhere), one image is new.
    const client = c.server.rekognition();
    const added = putObject(c.server.dataDir, IMAGE_BUCKET, 'flowers/new-01.png', picture(320, 240, [{ left: 20, top: 20, width: 60, height: 60, hue: 55 }], 99));
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn(), Changes: { GroundTruth: Buffer.from([
      detectionLine(ref('tulips-01.png'), [{ label: 'tulip', left: 40, top: 60, width: 90, height: 120 }, { label: 'daisy', left: 200, top: 100, width: 60, height: 60 }], { width: 320, height: 240 }),
      classificationLine(added, 'daisy'),
    ].join('\n')) } }));
    await settled(client, arn());

    await snapshot.locator('a:has-text("Compare with now")').click();
    await page.locator('.diff-heading').waitFor();
    await expect.poll(() => page.textContent('.diff-heading')).toBe('From snapshot flowers-v1 (revision 3) to now (revision 4)');
    expect(await page.locator('[role=tab]').allTextContents()).toEqual(['1 changed', '1 added', '0 removed']);
    const api = (await history().diff(arn(), 'flowers-v1')).changes;
    const changed = page.locator(`.rk-change[data-source-ref="${ref('tulips-01.png')}"]`);
    const expected = api.find((change) => change.change === 'CHANGED')!;
    expect(await changed.locator('.change-item').allTextContents()).toEqual([
      ...expected.labelsAdded.map((l) => `+ added label ${l}`),
      ...expected.labelsRemoved.map((l) => `− removed label ${l}`),
      ...expected.boxesAdded.map((b) => `+ added box ${b.label} at ${b.left}, ${b.top}, ${b.width} × ${b.height}`),
      ...expected.boxesRemoved.map((b) => `− removed box ${b.label} at ${b.left}, ${b.top}, ${b.width} × ${b.height}`),
    ]);
    expect(expected).toMatchObject({ labelsAdded: ['daisy'], labelsRemoved: ['rose'], boxesAdded: [{ label: 'daisy', left: 200 }], boxesRemoved: [{ label: 'rose', left: 190 }] });
    // Before and after, each with its own boxes drawn.
    expect(await changed.locator('.change-side').nth(0).locator('g.box').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')))).toEqual(['tulip', 'rose']);
    expect(await changed.locator('.change-side').nth(1).locator('g.box').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')))).toEqual(['tulip', 'daisy']);
    expect(await changed.locator('.field-changes tbody th').allTextContents()).toContain('bounding-box.annotations[1].left');
    await page.click('[role=tab]:has-text("added")');
    expect(await page.locator('.rk-change').evaluateAll((sections) => sections.map((s) => [s.getAttribute('data-source-ref'), s.getAttribute('data-change')]))).toEqual([[added, 'added']]);
    await page.close();
  });

  it('restores a snapshot after saying what restoring does, shows the dataset updating, then the grid holds the snapshot\'s entries', async () => {
    const page = await c.signedIn(`/rekognition/dataset/history?${q()}`);
    const snapshot = page.locator('.snapshot[data-snapshot="flowers-v1"]');
    await snapshot.locator('button:has-text("Restore…")').click();
    const dialog = page.locator('dialog.restore-dialog');
    expect(await dialog.locator('li').allTextContents()).toEqual([
      'Trove writes revision 5, whose entries are exactly those of snapshot flowers-v1 at revision 3 (22 entries): entries the snapshot had are written back as they were, entries it lacked are removed.',
      'Revision 4 (23 entries) stays in the history; its entries stay readable for a day, or for good if you snapshot it first. The snapshot stays too.',
      'The dataset is UPDATE_IN_PROGRESS until the restore is done, as during UpdateDatasetEntries: no other change is accepted meanwhile.',
    ]);
    c.server.trove.runner.pause();
    try {
      await dialog.locator('button:has-text("Restore flowers-v1")').click();
      await page.locator('.dataset-head .badge:has-text("UPDATE IN PROGRESS")').waitFor();
      expect(await page.locator('p.note[role=status]').textContent()).toBe('Restoring snapshot flowers-v1: revision 5 is being written (UPDATE_IN_PROGRESS).');
      expect(await snapshot.locator('button:has-text("Restore…")').isDisabled()).toBe(true);
    } finally {
      c.server.trove.runner.resume();
    }
    await page.locator('p.note:has-text("was restored as revision 5")').waitFor({ timeout: 20_000 });
    await revisionItem(page, 5).waitFor();
    expect(await revisionItem(page, 5).locator('h3').textContent()).toBe('Revision 5 · Snapshot restored');
    expect(await revisionItem(page, 5).locator('.figure').allTextContents()).toEqual(['1 replaced', '1 removed', '22 entries']);
    await page.click('p.note a:has-text("Show the entries")');
    const expected = (await entriesAt(history(), arn(), 'flowers-v1', 100)).map((line) => JSON.parse(line)['source-ref'] as string).sort();
    await expect.poll(() => page.textContent('.grid-status')).toBe(`${expected.length} entries`);
    await page.setViewportSize({ width: 1440, height: 2400 });
    await expect.poll(() => page.locator('.entry-card').count()).toBe(expected.length);
    expect((await page.locator('.entry-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-source-ref') ?? ''))).sort()).toEqual(expected);
    expect(await page.locator(`.entry-card[data-source-ref="${ref('tulips-01.png')}"] g.box`).evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')))).toEqual(['tulip', 'rose']);
    expect((await allEntries(c.server.rekognition(), { DatasetArn: arn() })).length).toBe(expected.length);
    await page.close();
  });

  it('takes the screenshots of the history views', async () => {
    const page = await c.signedIn(`/rekognition/dataset/history?${q()}`);
    await revisionItem(page, 5).waitFor();
    await c.shots(page, 'rekognition-history');
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset/report?${q()}&revision=3`);
    await page.locator('.report-table').waitFor();
    await c.shots(page, 'rekognition-report');
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset/diff?${q()}&from=flowers-v1&to=4`);
    await page.locator('.rk-change').first().waitFor();
    await c.shots(page, 'rekognition-diff', () => page.locator('.rk-change img').first().waitFor());
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset/history?${q()}`);
    await page.locator('.snapshot button:has-text("Restore…")').click();
    await c.shots(page, 'rekognition-restore');
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset?${q()}`);
    await page.locator('.entry-card img').first().waitFor();
    await page.locator('.view-tabs .export-menu summary').click();
    await c.shots(page, 'rekognition-export');
    await page.goto(`${c.server.url}/_trove/console/agentcore/dataset?id=${c.data.agentcore.datasetId}`);
    await page.locator('.examples-export .export-menu summary').click();
    await c.shots(page, 'agentcore-export');
    await page.close();
  });

  it('exports the current entries, a snapshot and an AgentCore version as files whose content is the API\'s export', async () => {
    const exchange = new ExchangeClient(new TroveApiClient({ endpoint: c.server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
    const viaApi = async (link: Promise<{ url: string }>) => (await exchange.download((await link).url)).text();
    const downloaded = async (page: Page, menu: ReturnType<Page['locator']>, format: string): Promise<[string, string]> => {
      await menu.locator('summary').click();
      const [download] = await Promise.all([page.waitForEvent('download'), menu.locator(`button[data-format="${format}"]`).click()]) as [Download, unknown];
      return [download.suggestedFilename(), readFileSync((await download.path())!, 'utf8')];
    };
    const page = await c.signedIn(`/rekognition/dataset/history?${q()}`);
    // The current entries, from the dataset's head: exactly the lines ListDatasetEntries returns.
    const [manifestName, manifest] = await downloaded(page, page.locator('.view-tabs .export-menu'), 'MANIFEST');
    expect(manifestName).toMatch(/\.manifest$/);
    expect(manifest.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(await allEntries(c.server.rekognition(), { DatasetArn: arn() }));
    // A snapshot as COCO: the snapshot's images, the same file the API's link serves (but for its time of making).
    const snapshot = page.locator('.snapshot[data-snapshot="flowers-v1"] .export-menu');
    const [cocoName, coco] = await downloaded(page, snapshot, 'COCO');
    expect(cocoName).toMatch(/\.coco\.json$/);
    const undated = (text: string) => ({ ...JSON.parse(text), info: { ...JSON.parse(text).info, date_created: undefined, year: undefined } });
    expect(undated(coco)).toEqual(undated(await viaApi(exchange.exportEntries(arn(), 'COCO', 'flowers-v1'))));
    expect(JSON.parse(coco).images.map((image: { coco_url: string }) => image.coco_url).sort())
      .toEqual((await entriesAt(history(), arn(), 'flowers-v1', 100)).map((line) => JSON.parse(line)['source-ref']).sort());
    // An AgentCore version as CSV.
    await page.goto(`${c.server.url}/_trove/console/agentcore/dataset?id=${c.data.agentcore.datasetId}&version=1`);
    const [csvName, csv] = await downloaded(page, page.locator('.examples-export .export-menu'), 'CSV');
    expect(csvName).toMatch(/\.csv$/);
    expect(csv).toBe(await viaApi(exchange.exportExamples(c.data.agentcore.datasetId, 'CSV', '1')));
    expect(csv).toContain('store-hours'); // version 1 still has it
    await page.close();
  });

  // Last: once a credential exists, the local pair no longer signs in on this server.
  it('shows a cancelled change\'s lines as not counted, not as 0 lines received', async () => {
    // The TEST dataset: the TRAIN dataset's revisions are the other tests' fixture.
    const client = c.server.rekognition();
    const jobs = new JobsClient(new TroveApiClient({ endpoint: c.server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
    c.server.trove.runner.pause();
    try {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: c.data.testArn, Changes: { GroundTruth: Buffer.from(classificationLine(ref('rose-01.png'), 'rose')) } }));
      const job = (await jobs.all()).find((j) => j.resources[0] === c.data.testArn)!;
      expect((await jobs.cancel(job.jobId)).state).toBe('CANCELLED');
    } finally {
      c.server.trove.runner.resume();
    }
    await settled(client, c.data.testArn);
    const [cancelled] = (await history().listRevisions(c.data.testArn, {})).revisions;
    expect(cancelled).toMatchObject({ status: 'FAILED', failure: { code: 'CANCELLED' } });
    const page = await c.signedIn(`/rekognition/dataset/history?arn=${encodeURIComponent(c.data.testArn)}`);
    const item = revisionItem(page, cancelled.revision);
    await item.waitFor();
    expect(await item.locator('.figure:not(.figure-total)').allTextContents()).toEqual(['lines not counted']);
    expect(await item.locator('.figure[data-count="linesReceived"]').getAttribute('title')).toMatch(/^The change was given up or cancelled/);
    expect(await item.locator('text=Nothing dropped, no errors').count()).toBe(0);
    await c.shots(page, 'rekognition-history-cancelled');
    await page.close();
  });

  it('shows a read-only key the controls it may not use as disabled, with the reason', async () => {
    const key = await c.server.createCredential({ account: '000000000000', allowActions: ['rekognition:Describe*', 'rekognition:List*', 'trove:List*', 'trove:Get*'] });
    const page = await c.signedInAs(key, `/rekognition/dataset/history?${q()}`);
    const reason = (action: string) => `Read-only: the access key ${key.accessKeyId} may not call ${action} (its allow-list of actions does not include it).`;
    await revisionItem(page, 5).waitFor();
    await expect.poll(() => revisionItem(page, 5).locator('button:has-text("Snapshot…")').isDisabled()).toBe(true);
    expect(await revisionItem(page, 5).locator('button:has-text("Snapshot…")').getAttribute('title')).toBe(reason('trove:CreateDatasetSnapshot'));
    const snapshot = page.locator('.snapshot[data-snapshot="flowers-v1"]');
    expect(await snapshot.locator('button:has-text("Restore…")').isDisabled()).toBe(true);
    expect(await snapshot.locator('button:has-text("Restore…")').getAttribute('title')).toBe(reason('trove:RestoreDatasetSnapshot'));
    expect(await snapshot.locator('button:has-text("Delete")').getAttribute('title')).toBe(reason('trove:DeleteDatasetSnapshot'));
    // Compare needs DiffDatasetRevisions: the link is shown as text with the reason; the report (Get*) stays a link.
    expect(await snapshot.locator('.action-refused').getAttribute('title')).toBe(reason('trove:DiffDatasetRevisions'));
    expect(await revisionItem(page, 3).locator('a:has-text("Ingest report")').count()).toBe(1);
    // The reasons are also written out once, above the history.
    expect(await page.locator('.read-only-reasons li').allTextContents()).toEqual([
      reason('trove:CreateDatasetSnapshot'), reason('trove:DeleteDatasetSnapshot'), reason('trove:RestoreDatasetSnapshot'), reason('trove:DiffDatasetRevisions'),
      reason('trove:CreateDatasetExport'), reason('trove:UploadDatasetImport'),
    ]);
    expect(await page.locator('.view-tabs .export-menu-refused').getAttribute('title')).toBe(reason('trove:CreateDatasetExport'));
    expect(await page.locator('.view-tabs .export-menu-refused').isDisabled()).toBe(true);
    expect(await page.locator('.view-tabs button:has-text("Import…")').isDisabled()).toBe(true);
    expect(await page.locator('.view-tabs button:has-text("Import…")').getAttribute('title')).toBe(reason('trove:UploadDatasetImport'));
    await page.close();
  });
});

if (CHROMIUM_MISSING !== undefined) {
  describe('the console: Rekognition dataset history in Chromium', () => {
    it.skip(`is not tested here: ${CHROMIUM_MISSING}`, () => undefined);
  });
}
