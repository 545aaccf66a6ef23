import { gzipSync } from 'node:zlib';
import { UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterEach, describe, expect, it } from 'vitest';
import { tarEnd, tarEntry } from '../../src/lib/tar.js';
import { BACKENDS } from '../harness/backends.js';
import { CHROMIUM_MISSING, consoleSession } from '../harness/console-browser.js';
import { putObject } from '../harness/console-fixtures.js';
import { newDataset, startImport } from '../harness/exchange.js';
import { historyClient } from '../harness/history.js';
import { TroveApiClient } from '../../src/client/trove-api-client.js';
import { TEST_CREDENTIALS } from '../harness/server.js';
import { picture } from '../harness/pictures.js';
import { allEntries, settled } from '../harness/rekognition.js';

const BUCKET = 'console-import';
/** This server's --import-upload-max-bytes: small, so a file over it is cheap to make. */
const MAX_BYTES = 1024 * 1024;

/** A region's outline as COCO writes it (x, y, x, y, ...): what makes real COCO files large; Trove ignores it (no masks). */
function outline(left: number, top: number, points: number): number[] {
  return Array.from({ length: points }, (_, i) => [left + 55 + 55 * Math.cos((2 * Math.PI * i) / points), top + 50 + 50 * Math.sin((2 * Math.PI * i) / points)])
    .flat().map((v) => Math.round(v * 100) / 100);
}

/**
 * A COCO instances file naming its images by s3:// URI (as Trove's exports do), each box with its
 * segmentation outline, with a box of an unknown category and one of an unknown image.
 */
function cocoFile(names: readonly string[], outlinePoints = 0): Buffer {
  return Buffer.from(JSON.stringify({
    info: { description: 'garden survey' },
    images: names.map((name, i) => ({ id: i + 1, file_name: `${name}.png`, coco_url: `s3://${BUCKET}/garden/${name}.png`, width: 320, height: 240 })),
    categories: [{ id: 1, name: 'rose' }, { id: 2, name: 'tulip' }],
    annotations: [
      ...names.map((_, i) => ({ id: i + 1, image_id: i + 1, category_id: (i % 2) + 1, bbox: [60 + i * 10, 50, 110, 100], area: 11_000, iscrowd: 0,
        segmentation: outlinePoints > 0 ? [outline(60 + i * 10, 50, outlinePoints)] : [],
      })),
      { id: 90, image_id: 1, category_id: 9, bbox: [10, 10, 20, 20] },
      { id: 91, image_id: 99, category_id: 1, bbox: [10, 10, 20, 20] },
    ],
  }, null, 1));
}

const NAMES = ['bed-01', 'bed-02', 'bed-03', 'bed-04', 'bed-05', 'bed-06'];
/** A wait for the page to act on an answer from Trove (a round trip, a render), not for a job. */
const ROUND_TRIP = { timeout: 10_000 };
const activeText = (page: { evaluate<T>(expression: string): Promise<T> }) => page.evaluate<string | null>('document.activeElement?.textContent ?? null');

// The first backend only: the dialog's behaviour does not depend on the store, and the upload
// route itself is tested on both by test/integration (UploadDatasetImport).
describe.skipIf(CHROMIUM_MISSING !== undefined).each(BACKENDS.slice(0, 1))('the console imports a local file into a Rekognition dataset, in Chromium (%s)', (backend) => {
  const c = consoleSession(async (server) => {
    for (const [i, name] of NAMES.entries()) {
      putObject(server.dataDir, BUCKET, `garden/${name}.png`, picture(320, 240, [{ left: 60 + i * 10, top: 50, width: 110, height: 100, hue: i % 2 ? 45 : 340 }], i));
    }
    // Read by an import from s3://: a JSON object that is not COCO, so that import fails in its job.
    putObject(server.dataDir, BUCKET, 'not-coco.json', Buffer.from('{"info": {"description": "no images"}}'));
    return {
      arn: await newDataset(server.rekognition()), other: await newDataset(server.rekognition()), yolo: await newDataset(server.rekognition()),
      stopped: await newDataset(server.rekognition()), cut: await newDataset(server.rekognition()), next: await newDataset(server.rekognition()),
    };
  }, { backend, bodyLimits: { importUpload: MAX_BYTES } });
  // A test that paused the job runner and failed before resuming it must not leave the next one's imports queued.
  afterEach(() => c.server.trove.runner.resume());
  const datasetPage = (arn: string) => `/rekognition/dataset?arn=${encodeURIComponent(arn)}`;

  it('imports a COCO file chosen in the page: its progress, UPDATE_IN_PROGRESS, then its ingest report with what it left out, and the entries', async () => {
    const { arn } = c.data;
    const page = await c.signedIn(datasetPage(arn));
    await page.locator('.dataset-page').waitFor();
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    // The limit is said before anything is sent.
    await expect.poll(() => dialog.locator('p').first().textContent(), ROUND_TRIP).toContain('at most 1 MiB');
    // The images folder's error is tied to its field; the hidden file input's label shows keyboard focus.
    const folder = dialog.getByLabel('Images folder (optional)');
    await folder.fill('photos/');
    expect(await folder.getAttribute('aria-describedby')).toBe('import-images-error import-images-help');
    expect(await dialog.locator('#import-images-error').textContent()).toContain('s3://');
    await folder.fill('');
    await folder.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('import-file');
    expect(await dialog.locator('.drop-zone label.button').evaluate((label) => (label as unknown as { computedStyleMap(): { get(name: string): { toString(): string } } })
      .computedStyleMap().get('outline-style').toString())).toBe('solid');

    // About 400 KiB: more than the socket takes at once, so the bytes sent are seen going.
    const file = cocoFile(NAMES, 4_000);
    expect(file.length).toBeGreaterThan(300 * 1024);
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'garden.coco.json', mimeType: 'application/json', buffer: file }]);
    expect(await dialog.locator('input[value=COCO]').isChecked()).toBe(true);
    await expect.poll(() => dialog.locator('.import-picked').textContent()).toContain('garden.coco.json');
    await c.shots(page, 'rekognition-import');

    // Sent slowly (the browser's network throttled), so its progress shows; the job runner paused, so the import stays UPDATE_IN_PROGRESS on screen.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: Math.ceil(file.length / 4) });
    c.server.trove.runner.pause();
    await dialog.locator('button[type=submit]').click();
    const progress = dialog.locator('.import-progress');
    await progress.waitFor();
    await expect.poll(() => progress.locator('.import-bytes').textContent(), ROUND_TRIP).toMatch(/^Uploading [\d.]+ (bytes|KiB) of [\d.]+ KiB \(\d+%\)$/);
    // Announced once as a phase, the bytes on the bar (not read out at every step); focus on Stop, not lost to the page.
    expect(await dialog.locator('[role=status]').allTextContents()).toEqual(['Sending the file…']);
    expect(await progress.locator('progress').getAttribute('aria-valuetext')).toMatch(/^Uploading .* \(\d+%\)$/);
    expect(await activeText(page)).toBe('Stop');
    await c.shots(page, 'rekognition-import-uploading');
    const status = dialog.locator('.import-status');
    await status.waitFor({ timeout: 20_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await status.textContent()).toMatch(/^Importing garden\.coco\.json as revision 2: UPDATE IN PROGRESS/);
    // Stop gone, focus is on the line saying what happens, not lost to the page.
    await expect.poll(() => page.evaluate('document.activeElement?.className ?? null'), ROUND_TRIP).toBe('import-status');
    // The page's head follows it too.
    await expect.poll(() => page.locator('.dataset-head h1 .badge').textContent(), ROUND_TRIP).toBe('UPDATE IN PROGRESS');
    await c.shots(page, 'rekognition-import-importing');
    c.server.trove.runner.resume();

    // Done: the dataset's status, then the ingest report of the revision the upload answered (the history's own view).
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Imported\. UPDATE COMPLETE/);
    const report = dialog.locator('.import-report');
    const rows = report.locator('.report-table tbody tr');
    await rows.first().waitFor();
    expect(await activeText(page)).toBe('Close');
    const { revision, items } = await historyClient(c.server.url).report(arn, 2);
    expect(revision).toMatchObject({ source: 'COCO upload garden.coco.json', status: 'COMPLETE', conversion: { images: 6, boxes: 6, leftOut: { UNKNOWN_CATEGORY: 1, UNKNOWN_IMAGE: 1 } } });
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-problem'), tr.getAttribute('data-reason')]))).toEqual(
      items.map((item) => [item.problem, item.problem === 'LEFT_OUT' ? item.reason : null]));
    expect(items.filter((item) => item.problem === 'LEFT_OUT').map((item) => item.problem === 'LEFT_OUT' && item.reason)).toEqual(['UNKNOWN_CATEGORY', 'UNKNOWN_IMAGE']);
    expect(await report.locator('h2').textContent()).toContain('Ingest report of revision 2');
    expect(await report.textContent()).toContain('The import\'s conversion made 6 images with 6 boxes and left out 0 images and 2 boxes, listed first below.');
    await c.shots(page, 'rekognition-import-report-dialog');

    // Closed: the grid lists the imported entries.
    await dialog.locator('button:has-text("Close")').click();
    await expect.poll(() => page.locator('.entry-card').count(), { timeout: 10_000 }).toBe(NAMES.length);
    expect((await allEntries(c.server.rekognition(), { DatasetArn: arn })).length).toBe(NAMES.length);
    await c.shots(page, 'rekognition-import-done');
    await page.close();
  });

  it('refuses what cannot be imported, saying why: a file over the limit or not its format, or a busy dataset, before sending it; the server\'s ValidationException; a failed import', async () => {
    const { other: arn } = c.data;
    const page = await c.signedIn(datasetPage(arn));
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    const input = dialog.getByTestId('import-file');
    const submit = dialog.locator('button[type=submit]');
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/uploads?')) uploads.push(request.url());
    });

    const picked = dialog.locator('.import-picked');
    // Over this server's 1 MiB: said, and nothing sent.
    await input.setInputFiles([{ name: 'huge.json', mimeType: 'application/json', buffer: cocoFile(NAMES, 20_000) }]);
    await expect.poll(() => picked.textContent(), ROUND_TRIP).toMatch(/^huge\.json · [\d.]+ MiBThe file is [\d.]+ MiB: this server imports files of at most 1 MiB \(--import-upload-max-bytes\)/);
    expect(await picked.getAttribute('class')).toContain('problem');
    expect(await submit.isDisabled()).toBe(true);
    // Not a COCO file (not a JSON object), nor a tar.
    await input.setInputFiles([{ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('images: none\n') }]);
    await expect.poll(() => picked.textContent()).toContain('This is not a COCO file: a COCO instances file is a JSON object');
    expect(await submit.isDisabled()).toBe(true);
    await dialog.locator('input[value=YOLO]').check();
    expect(await picked.textContent()).toContain('This is not a tar archive (nor a gzipped one)');

    // A dataset busy with another change (the runner paused, so it stays busy): said, and nothing sent
    // (neither now nor for the refused files above: `uploads` has listened from the start).
    c.server.trove.runner.pause();
    await c.server.rekognition().send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: Buffer.from(JSON.stringify({ 'source-ref': `s3://${BUCKET}/garden/bed-01.png` })) } }));
    await input.setInputFiles([{ name: 'garden.json', mimeType: 'application/json', buffer: cocoFile(NAMES.slice(0, 2)) }]);
    await expect.poll(() => picked.textContent()).toContain('garden.json');
    await submit.click();
    const problem = dialog.locator('.problem[role=alert]');
    await expect.poll(() => problem.textContent(), ROUND_TRIP).toBe('The dataset is UPDATE_IN_PROGRESS: it takes one change at a time. Nothing was sent; import the file when that change has finished.');
    expect(uploads).toEqual([]);
    c.server.trove.runner.resume();
    expect((await settled(c.server.rekognition(), arn)).Status).toBe('UPDATE_COMPLETE');

    // The server's own refusal, in the console's words and then AWS's: an images folder whose bucket name is too short.
    expect(await dialog.locator('input[value=COCO]').isChecked()).toBe(true);
    expect(await picked.textContent()).toMatch(/^garden\.json · [\d.]+ KiB · COCO$/);
    await dialog.getByLabel('Images folder (optional)').fill('s3://x/');
    await submit.click();
    await expect.poll(() => problem.textContent(), ROUND_TRIP).toMatch(/^ValidationException: .*images/);
    expect(uploads.length).toBe(1);

    // A JSON object that is not COCO: accepted, and the import fails, as from s3://; its failed revision's report says what it held.
    await dialog.getByLabel('Images folder (optional)').fill('');
    await input.setInputFiles([{ name: 'not-coco.json', mimeType: 'application/json', buffer: Buffer.from('{"info": {"description": "no images"}}') }]);
    await expect.poll(() => picked.textContent()).toContain('not-coco.json');
    await submit.click();
    const status = dialog.locator('.import-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^The import failed: nothing of it was applied\. UPDATE FAILED/);
    expect((await settled(c.server.rekognition(), arn)).Status).toBe('UPDATE_FAILED');
    await expect.poll(() => dialog.locator('.import-report h2').textContent(), ROUND_TRIP).toMatch(/^Ingest report of revision 3 · .*FAILED/);
    // Why, once: as the failure of the import's revision.
    await expect.poll(() => dialog.locator('.error-text').allTextContents(), ROUND_TRIP).toEqual([
      'ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: The COCO source upload not-coco.json cannot be imported: The file is not a COCO instances file: it has no "images".',
    ]);
    await c.shots(page, 'rekognition-import-failed');
    await page.close();
  });

  it('imports a YOLO folder packed as a tar, found as YOLO by its bytes, the images sized through the object store', async () => {
    const { yolo: arn } = c.data;
    const tar = Buffer.concat([
      tarEntry({ name: 'data.yaml', body: 'names: [rose, tulip]\n' }),
      tarEntry({ name: 'images.txt', body: NAMES.slice(0, 3).map((name) => `s3://${BUCKET}/garden/${name}.png`).join('\n') }),
      ...NAMES.slice(0, 3).map((name, i) => tarEntry({ name: `labels/garden/${name}.txt`, body: `${i % 2} 0.5 0.5 0.25 0.25\n` })),
      tarEnd(),
    ]);
    const page = await c.signedIn(datasetPage(arn));
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'garden.tar.gz', mimeType: 'application/gzip', buffer: gzipSync(tar) }]);
    await expect.poll(() => dialog.locator('input[value=YOLO]').isChecked(), ROUND_TRIP).toBe(true);
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => dialog.locator('.import-status').textContent(), { timeout: 20_000 }).toMatch(/^Imported\. UPDATE COMPLETE/);
    await expect.poll(() => dialog.locator('.import-report').textContent(), ROUND_TRIP).toContain('The import\'s conversion made 3 images with 3 boxes and left nothing out.');
    const { revision } = await historyClient(c.server.url).report(arn, 2);
    expect(revision).toMatchObject({ source: 'YOLO upload garden.tar.gz', status: 'COMPLETE' });
    await dialog.locator('button:has-text("Close")').click();
    await expect.poll(() => page.locator('.entry-card').count(), { timeout: 10_000 }).toBe(3);
    expect((await allEntries(c.server.rekognition(), { DatasetArn: arn, ContainsLabels: ['tulip'] })).length).toBe(1);
    await page.close();
  });

  // The browser's upload progress trails what the network sent: a Stop the page saw before the last
  // byte was imported in CI. So the dialog never says "nothing was imported" without looking, and
  // what it says must be what the dataset shows.
  it('Stop while sending: the dialog looks, and says what the dataset shows (nothing imported, or the revision it made)', async () => {
    const { stopped: arn } = c.data;
    const page = await c.signedIn(datasetPage(arn));
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    const file = cocoFile(NAMES, 4_000);
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'stopped.coco.json', mimeType: 'application/json', buffer: file }]);
    await expect.poll(() => dialog.locator('.import-picked').textContent()).toContain('stopped.coco.json');
    // About 400 KiB at a tenth of it a second: Stop is pressed with most of it unsent.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: Math.ceil(file.length / 10) });
    await dialog.locator('button[type=submit]').click();
    const bytes = dialog.locator('.import-bytes');
    await expect.poll(() => bytes.textContent(), ROUND_TRIP).toMatch(/^Uploading [\d.]+ (bytes|KiB) of/);
    await dialog.locator('button:has-text("Stop")').click();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // allTextContents does not wait for an element that is not (yet) there.
    const said = async () => (await dialog.locator('.import-phase, .import-status').allTextContents()).join(' ');
    await expect.poll(said, { timeout: 30_000 }).toMatch(/it was not imported|Imported\. UPDATE COMPLETE/);
    const revisions = (await historyClient(c.server.url).listRevisions(arn)).revisions.map((r) => r.revision);
    const entries = await allEntries(c.server.rekognition(), { DatasetArn: arn });
    if (/it was not imported/.test(await said())) {
      // Nothing changed the dataset.
      expect((await settled(c.server.rekognition(), arn)).Status).toBe('CREATE_COMPLETE');
      expect(revisions).toEqual([1]);
      expect(entries).toEqual([]);
    } else {
      expect(revisions).toEqual([2, 1]);
      expect(entries.length).toBe(NAMES.length);
    }
    await page.close();
  });

  it('a connection lost after the whole file was sent: the dialog finds the revision the upload made and shows it, not "nothing was imported"', async () => {
    const { cut: arn } = c.data;
    const page = await c.signedIn(datasetPage(arn));
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'cut.coco.json', mimeType: 'application/json', buffer: cocoFile(NAMES.slice(0, 2)) }]);
    await expect.poll(() => dialog.locator('.import-picked').textContent()).toContain('cut.coco.json');
    // Trove gets the whole request and answers 202; the browser is told the connection closed instead
    // (through the route the browser reports no byte sent: the dialog cannot count on knowing how far it got).
    let answered = 0;
    await page.route('**/uploads?*', async (route) => {
      answered = (await route.fetch()).status();
      await route.abort('connectionclosed');
    });
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => dialog.locator('.import-status').textContent(), { timeout: 20_000 }).toMatch(/^Imported\. UPDATE COMPLETE/);
    expect(answered).toBe(202);
    await expect.poll(() => dialog.locator('.import-report h2').textContent(), ROUND_TRIP).toContain('Ingest report of revision 2');
    expect((await allEntries(c.server.rekognition(), { DatasetArn: arn })).length).toBe(2);
    await page.close();
  });

  it('says how its own revision ended, not the status of a change that started right after it', async () => {
    const { next: arn } = c.data;
    const page = await c.signedIn(datasetPage(arn));
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'first.coco.json', mimeType: 'application/json', buffer: cocoFile(NAMES.slice(0, 2)) }]);
    await expect.poll(() => dialog.locator('.import-picked').textContent()).toContain('first.coco.json');
    c.server.trove.runner.pause();
    await dialog.locator('button[type=submit]').click();
    const status = dialog.locator('.import-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Importing first\.coco\.json as revision 2/);
    // Ours runs; another import (of a file that is not COCO: it fails) is accepted the moment the dataset settles.
    const api = new TroveApiClient({ endpoint: c.server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    c.server.trove.runner.resume();
    for (;;) {
      try {
        await startImport(api, arn, 'COCO', `s3://${BUCKET}/not-coco.json`);
        break;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConflictException')) throw error;
      }
    }
    expect((await settled(c.server.rekognition(), arn)).Status).toBe('UPDATE_FAILED');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Imported\. UPDATE COMPLETE/);
    expect((await historyClient(c.server.url).listRevisions(arn)).revisions.map((r) => [r.revision, r.status])).toEqual([[3, 'FAILED'], [2, 'COMPLETE'], [1, 'COMPLETE']]);
    await page.close();
  });

  it('waits for the server\'s limit before Import is possible; a limit that cannot be read is said, and the server left to refuse', async () => {
    const { yolo: arn } = c.data;
    const page = await c.signedIn(datasetPage(arn));
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let fail = false;
    await page.route('**/_trove/console/config.json', async (route) => {
      await held;
      await (fail ? route.abort('connectionrefused') : route.continue());
    });
    await page.click('.view-tabs button:has-text("Import…")');
    const dialog = page.locator('dialog.import-dialog');
    const submit = dialog.locator('button[type=submit]');
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'small.json', mimeType: 'application/json', buffer: cocoFile(NAMES.slice(0, 1)) }]);
    await expect.poll(() => dialog.locator('.import-picked').textContent()).toContain('small.json');
    // config.json not answered yet: no limit known, so nothing may be sent.
    expect(await submit.isDisabled()).toBe(true);
    release();
    await expect.poll(() => submit.isEnabled(), ROUND_TRIP).toBe(true);
    expect(await dialog.locator('p').first().textContent()).toContain('at most 1 MiB');
    await dialog.locator('button:has-text("Cancel")').click();

    // config.json unreadable: said, and the file may still be sent (Trove checks its length itself).
    fail = true;
    await page.click('.view-tabs button:has-text("Import…")');
    await expect.poll(() => dialog.textContent(), ROUND_TRIP).toContain('This server\'s size limit could not be read');
    await dialog.getByTestId('import-file').setInputFiles([{ name: 'small.json', mimeType: 'application/json', buffer: cocoFile(NAMES.slice(0, 1)) }]);
    await expect.poll(() => submit.isEnabled(), ROUND_TRIP).toBe(true);
    await page.close();
  });

  // Last: once a credential exists, the local pair no longer signs in on this server.
  it('shows a key that may not import why Import… is unavailable, before it tries', async () => {
    const key = await c.server.createCredential({ account: '000000000000', allowActions: ['rekognition:*', 'trove:List*', 'trove:Get*', 's3:*'] });
    const page = await c.signedInAs(key, datasetPage(c.data.arn));
    const reason = `Read-only: the access key ${key.accessKeyId} may not call trove:UploadDatasetImport (its allow-list of actions does not include it).`;
    const button = page.locator('.view-tabs button:has-text("Import…")');
    await expect.poll(() => button.getAttribute('title'), ROUND_TRIP).toBe(reason);
    expect(await button.isDisabled()).toBe(true);
    // This key may edit entries, so the only read-only note is the import's.
    expect(await page.locator('.read-only').allTextContents()).toEqual([`Import: ${reason}`]);
    await page.close();

    // A key that may import but not list the revisions, which the dialog reads for the outcome.
    const noList = await c.server.createCredential({ account: '000000000000', allowActions: ['rekognition:*', 'trove:UploadDatasetImport', 'trove:Get*', 's3:*'] });
    const second = await c.signedInAs(noList, datasetPage(c.data.arn));
    await expect.poll(() => second.locator('.view-tabs button:has-text("Import…")').getAttribute('title'), ROUND_TRIP)
      .toBe(`Read-only: the access key ${noList.accessKeyId} may not call trove:ListDatasetRevisions (its allow-list of actions does not include it).`);
    await second.close();
  });
});

if (CHROMIUM_MISSING !== undefined) {
  describe('the console imports a local file into a Rekognition dataset, in Chromium', () => {
    it.skip(`is not tested here: ${CHROMIUM_MISSING}`, () => undefined);
  });
}
