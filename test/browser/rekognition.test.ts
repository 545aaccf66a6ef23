import { ListDatasetLabelsCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { ListDatasetEntriesCommandInput } from '@aws-sdk/client-rekognition';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LINE_ERRORS } from '../../src/domain/rekognition/manifest/error-codes.js';
import { CHROMIUM_MISSING, consoleSession, focusedIndex, loadedWidth } from '../harness/console-browser.js';
import { loadRekognitionFixture } from '../harness/console-fixtures.js';
import { allEntries, classificationLine, settled } from '../harness/rekognition.js';

/** The Rekognition views of the console in a real Chromium, against data loaded through the SDK. */
describe.skipIf(CHROMIUM_MISSING !== undefined)('the console: Rekognition datasets in Chromium', () => {
  const c = consoleSession((server) => loadRekognitionFixture(server.rekognition(), server.dataDir));
  const datasetPath = (query = '') => `/rekognition/dataset?arn=${encodeURIComponent(c.data.trainArn)}${query}`;

  /** The source-refs drawn in the grid once it says it has `count` entries. */
  async function gridRefs(page: Page, count: number): Promise<string[]> {
    await expect.poll(() => page.textContent('.grid-status')).toMatch(new RegExp(`^${count} entries`));
    await expect.poll(() => page.locator('.entry-card').count()).toBe(count);
    return (await page.locator('.entry-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-source-ref') ?? ''))).sort();
  }
  async function apiRefs(input: Omit<ListDatasetEntriesCommandInput, 'DatasetArn'>): Promise<string[]> {
    return (await allEntries(c.server.rekognition(), { DatasetArn: c.data.trainArn, ...input })).map((e) => e['source-ref'] as string).sort();
  }

  it('draws every image with its own boxes, named, and its image-level labels as tags', async () => {
    const page = await c.signedIn(datasetPath(), { width: 1440, height: 1600 });
    expect(await gridRefs(page, c.data.entries.size)).toEqual([...c.data.entries.keys()].sort());
    for (const [ref, expected] of c.data.entries) {
      const card = page.locator(`.entry-card[data-source-ref="${ref}"]`);
      expect(await card.locator('g.box').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-label'))), ref).toEqual(expected.boxes.map((b) => b.label));
      const rects = await card.locator('g.box rect').evaluateAll((rs) => rs.map((r) => ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a)))));
      expect(rects, ref).toEqual(expected.boxes.map((b) => [b.left, b.top, b.width, b.height]));
      expect(await card.locator('.tag:not(.tag-boxes):not(.tag-muted)').allTextContents(), ref).toEqual(expected.imageLabels);
    }
    // Images come through /_trove/images, presigned in the browser; alt text names the image and its labels.
    const tulips = page.locator(`.entry-card[data-source-ref$="tulips-01.png"] img`);
    await expect.poll(() => loadedWidth(tulips)).toBe(320);
    expect(await tulips.getAttribute('alt')).toBe('s3://console-images/flowers/tulips-01.png, labels: tulip, rose');
    expect(await tulips.getAttribute('src')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_trove\/images\?datasetArn=.*&X-Amz-Signature=[0-9a-f]{64}/);
    // The GIF entry cannot be shown, and says so.
    await page.locator('.entry-card[data-source-ref$="animated.gif"] .image-missing').waitFor();
    await page.close();
  });

  it('shows each error where it belongs: the failing box outlined, the message in words and AWS\'s code', async () => {
    const page = await c.signedIn(datasetPath(), { width: 1440, height: 1000 });
    const card = page.locator('.entry-card[data-source-ref$="tulips-02.png"]');
    await card.waitFor();
    expect(await card.locator('g.box').evaluateAll((boxes) => boxes.map((b) => b.classList.contains('box-error')))).toEqual([false, true]);
    expect(await card.locator('.entry-error').textContent()).toContain(LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.explanation);
    await c.shot(page, 'rekognition-grid');
    await card.click();
    const dialog = page.locator('dialog.entry-detail');
    await dialog.locator('.error-item').waitFor();
    expect(page.url()).toContain(`entry=${encodeURIComponent('s3://console-images/flowers/tulips-02.png')}`);
    const item = dialog.locator('.error-item');
    expect(await item.getAttribute('data-code')).toBe('ERROR_INVALID_BOUNDING_BOX');
    expect(await item.textContent()).toBe(
      `${LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.explanation}In box 2 (tulip) of “bounding-box”: ${LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.message} ERROR_INVALID_BOUNDING_BOX`,
    );
    await item.focus();
    expect(await dialog.locator('g.box-highlight').getAttribute('data-box')).toBe('bounding-box#1');
    await c.shot(page, 'rekognition-entry-errors');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(page.url()).not.toContain('entry=');

    // A line-level error (the image check) has no box: it is shown beside the image.
    await page.locator('.entry-card[data-source-ref$="sunflower-01.png"]').click();
    await dialog.locator('.error-item').waitFor();
    expect(await dialog.locator('.error-item').textContent()).toContain('In the whole line: The image dimension(s) do not conform');
    // Opening the entry's URL directly finds it through SourceRefContains.
    await page.reload();
    await dialog.locator('.error-item[data-code="ERROR_INVALID_IMAGE_DIMENSION"]').waitFor();
    await page.close();
  });

  it('applies each filter as ListDatasetEntries does', async () => {
    const page = await c.signedIn(datasetPath(), { width: 1440, height: 1600 });
    await gridRefs(page, c.data.entries.size);
    const label = (name: string) => page.locator('.label-bars label', { hasText: name }).locator('input');
    const labeled = page.getByLabel('Labeled', { exact: true });
    const errors = page.getByLabel('Errors', { exact: true });

    await label('daisy').check();
    expect(await gridRefs(page, 6)).toEqual(await apiRefs({ ContainsLabels: ['daisy'] }));
    await label('tulip').check();
    expect(await gridRefs(page, 8)).toEqual(await apiRefs({ ContainsLabels: ['daisy', 'tulip'] }));
    expect(page.url()).toContain('label=daisy&label=tulip');
    await page.click('button:has-text("Clear filters")');
    await gridRefs(page, c.data.entries.size);

    await labeled.selectOption( 'false');
    expect(await gridRefs(page, 4)).toEqual(await apiRefs({ Labeled: false }));
    await labeled.selectOption( 'true');
    expect(await gridRefs(page, 16)).toEqual(await apiRefs({ Labeled: true }));
    await labeled.selectOption( '');

    await errors.selectOption( 'true');
    expect(await gridRefs(page, 4)).toEqual(await apiRefs({ HasErrors: true }));
    await errors.selectOption( '');

    await page.fill('input[type=search]', 'tulip');
    expect(await gridRefs(page, 2)).toEqual(await apiRefs({ SourceRefContains: 'tulip' }));
    expect(page.url()).toContain('q=tulip');
    // Filters combine: tulip images with errors.
    await errors.selectOption( 'true');
    expect(await gridRefs(page, 1)).toEqual(await apiRefs({ SourceRefContains: 'tulip', HasErrors: true }));
    await page.fill('input[type=search]', 'no-such-image');
    await page.locator('text=No entries match these filters.').waitFor();
    await page.close();
  });

  it('charts entries and boxes per label from ListDatasetLabels', async () => {
    const page = await c.signedIn(datasetPath());
    await page.locator('.label-bars li').first().waitFor();
    const labels = (await c.server.rekognition().send(new ListDatasetLabelsCommand({ DatasetArn: c.data.trainArn }))).DatasetLabelDescriptions ?? [];
    const rows = await page.locator('.label-bars label').allTextContents();
    expect(rows).toEqual(labels.map((l) => {
      const entries = l.LabelStats!.EntryCount!;
      const boxes = l.LabelStats!.BoundingBoxCount ?? 0;
      return `${l.LabelName}${entries} image${entries === 1 ? '' : 's'}${boxes > 0 ? `, ${boxes} with boxes` : ''}`;
    }));
    await c.shot(page.locator('.label-panel'), 'rekognition-labels');
    await page.close();
  });

  it('moves between entries with the keyboard and opens one with Enter', async () => {
    const page = await c.signedIn(datasetPath());
    const first = page.locator('.entry-card[data-index="0"]');
    await first.waitFor();
    expect(await page.locator('.entry-card[tabindex="0"]').count()).toBe(1);
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const columns = await page.locator('.entry-card').evaluateAll((cards) => new Set(cards.map((c) => c.getBoundingClientRect().left)).size);
    expect(await focusedIndex(page)).toBe(String(1 + columns));
    await page.keyboard.press('End');
    await expect.poll(() => focusedIndex(page)).toBe(String(c.data.entries.size - 1));
    await page.keyboard.press('Enter');
    await page.locator('dialog.entry-detail').waitFor();
    await page.close();
  });

  it('draws only the rows on screen, and reads pages as they come into view', async () => {
    // 2,000 entries in the TEST dataset; their bucket is not in the store, so the images are placeholders.
    const client = c.server.rekognition();
    const refs = Array.from({ length: 2_000 }, (_, i) => `s3://elsewhere/many/${String(i).padStart(4, '0')}.png`);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: c.data.testArn, Changes: { GroundTruth: Buffer.from(refs.map((r) => classificationLine(r, 'rose')).join('\n')) } }));
    await settled(client, c.data.testArn);
    const page = await c.signedIn();
    let pages = 0;
    page.on('request', (request) => void (request.headers()['x-amz-target'] === 'RekognitionService.ListDatasetEntries' && pages++));
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset?arn=${encodeURIComponent(c.data.testArn)}`);
    await page.locator('.entry-card[data-index="0"]').waitFor();
    expect(await page.textContent('.grid-status')).toBe('About 2,000 entries');
    const drawn = () => page.locator('.grid-cell').count();
    expect(await drawn()).toBeLessThan(60);
    await expect.poll(() => pages).toBe(2); // the page in view and the next one, fetched ahead
    // End walks the pages' tokens to the last one; only the rows around it are drawn.
    await page.locator('.entry-card[data-index="0"]').focus();
    await page.keyboard.press('End');
    await expect.poll(() => focusedIndex(page)).toBe('1999');
    expect(await page.locator('.entry-card[data-index="1999"]').getAttribute('data-source-ref')).toBe(refs[1999]);
    expect(await page.textContent('.grid-status')).toBe('2,000 entries');
    expect(pages).toBe(20);
    expect(await drawn()).toBeLessThan(60);
    expect(await page.locator('.entry-card[data-index="0"]').count()).toBe(0);
    await page.close();
  });
});

if (CHROMIUM_MISSING !== undefined) {
  describe('the console: Rekognition datasets in Chromium', () => {
    it.skip(`is not tested here: ${CHROMIUM_MISSING}`, () => undefined);
  });
}
