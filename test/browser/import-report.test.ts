import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExchangeClient } from '../../src/client/exchange-client.js';
import { TroveApiClient } from '../../src/client/trove-api-client.js';
import { LEFT_OUT_REASONS } from '../../src/domain/rekognition/history/left-out.js';
import { tarEnd, tarEntry } from '../../src/lib/tar.js';
import { CHROMIUM_MISSING, consoleSession } from '../harness/console-browser.js';
import { putObject } from '../harness/console-fixtures.js';
import { newDataset } from '../harness/exchange.js';
import { historyClient } from '../harness/history.js';
import { png } from '../harness/images.js';
import { settled } from '../harness/rekognition.js';
import { TEST_CREDENTIALS } from '../harness/server.js';

const BUCKET = 'import-report';

/**
 * The console's ingest report of an import: what the server's conversion left out is listed
 * first, each item with its reason in words and its code, and the counts by reason head the page.
 */
describe.skipIf(CHROMIUM_MISSING !== undefined)('the console: what an import left out, in its ingest report (Chromium)', () => {
  const c = consoleSession(async (server) => {
    for (const key of ['street/a.png', 'street/b.png', 'street/c.png']) putObject(server.dataDir, BUCKET, key, png(640, 480));
    const arn = await newDataset(server.rekognition());
    // A YOLO tar sent as UploadDatasetImport: an image the server cannot size, a box of a class data.yaml lacks, a malformed row.
    const tar = Buffer.concat([
      tarEntry({ name: 'data.yaml', body: 'names: [car, bicycle]\n' }),
      tarEntry({ name: 'images.txt', body: ['a', 'b', 'c', 'gone'].map((name) => `s3://${BUCKET}/street/${name}.png`).join('\n') }),
      tarEntry({ name: 'labels/street/a.txt', body: '0 0.5 0.5 0.25 0.5\n7 0.1 0.1 0.1 0.1\n' }),
      tarEntry({ name: 'labels/street/b.txt', body: '1 0.3 0.3 0.2 0.2\n1 0.3 0.3\n' }),
      tarEntry({ name: 'labels/street/gone.txt', body: '0 0.5 0.5 0.2 0.2\n1 0.2 0.2 0.1 0.1\n' }),
      tarEntry({ name: 'labels/street/stray.txt', body: '0 0.5 0.5 0.2 0.2\n' }),
      tarEnd(),
    ]);
    const exchange = new ExchangeClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
    await exchange.uploadImport(arn, 'YOLO', {
      name: 'street.tar', bytes: tar.length, sha256: createHash('sha256').update(tar).digest('hex'), data: (async function* () { yield tar; })(),
    });
    const done = await settled(server.rekognition(), arn);
    if (done.Status !== 'UPDATE_COMPLETE') throw new Error(`the import failed: ${done.StatusMessage}`);
    return { arn };
  });

  it('lists each left-out item with its reason in words, before the lines, and the counts by reason', async () => {
    const { arn } = c.data;
    const { revision, items } = await historyClient(c.server.url).report(arn, 2);
    expect(revision.conversion).toEqual({
      images: 3, boxes: 2, imagesLeftOut: 2, boxesLeftOut: 5,
      leftOut: { UNKNOWN_CATEGORY: 1, INVALID_BOX: 1, IMAGE_SIZE_UNREADABLE: 1, BOXES_OF_LEFT_OUT_IMAGE: 3, LABEL_FILE_WITHOUT_IMAGE: 1 },
    });
    const page = await c.signedIn(`/rekognition/dataset/report?arn=${encodeURIComponent(arn)}&revision=2`);
    const rows = page.locator('.report-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-problem'), tr.getAttribute('data-reason')]))).toEqual(
      items.map((item) => [item.problem, item.problem === 'LEFT_OUT' ? item.reason : null]));
    expect(items.map((item) => item.problem === 'LEFT_OUT' && item.reason)).toEqual(['UNKNOWN_CATEGORY', 'INVALID_BOX', 'IMAGE_SIZE_UNREADABLE', 'LABEL_FILE_WITHOUT_IMAGE']);
    for (const [i, item] of items.entries()) {
      if (item.problem !== 'LEFT_OUT') continue;
      const row = rows.nth(i);
      const meaning = LEFT_OUT_REASONS[item.reason as keyof typeof LEFT_OUT_REASONS].meaning;
      expect(await row.locator('.report-kind').textContent()).toBe('Left out');
      expect(await row.locator('.error-words').textContent()).toBe(`${meaning[0].toUpperCase()}${meaning.slice(1)}.`);
      expect(await row.locator('.report-code').textContent()).toBe(item.reason);
      expect(await row.locator('p.small').textContent()).toBe(item.message);
    }
    expect(await page.locator('.report-page p').filter({ hasText: 'conversion' }).textContent()).toContain(
      'The import\'s conversion made 3 images with 2 boxes and left out 2 images and 5 boxes, listed first below.');
    // The counts by reason, every one (the boxes that went with a left-out image are counted, not listed).
    expect(await page.locator('.left-out-counts li').allTextContents()).toEqual([
      '1 UNKNOWN_CATEGORY', '1 INVALID_BOX', '1 IMAGE_SIZE_UNREADABLE', '3 BOXES_OF_LEFT_OUT_IMAGE', '1 LABEL_FILE_WITHOUT_IMAGE',
    ]);
    await c.shots(page, 'rekognition-import-report');
    await page.close();
  });
});
