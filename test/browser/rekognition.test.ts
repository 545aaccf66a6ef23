import { CreateDatasetCommand, CreateProjectCommand, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
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
  /**
   * Clicks a card until its entry's dialog is open. On a loaded machine the grid can still move
   * (thumbnails and summaries arriving) between Playwright's stability check and the click, which
   * then opens a neighbour (once in a full run at load average 7); a user would click again too.
   */
  async function openCard(page: Page, sourceRef: string): Promise<void> {
    const opened = (url: URL) => url.searchParams.get('entry') === sourceRef;
    for (let attempt = 1; ; attempt++) {
      await page.locator(`.entry-card[data-source-ref="${sourceRef}"]`).click();
      const ok = await page.waitForURL(opened, { timeout: 5_000 }).then(() => true, () => false);
      if (ok || attempt === 3) return;
      await page.keyboard.press('Escape');
    }
  }

  async function gridRefs(page: Page, count: number): Promise<string[]> {
    await expect.poll(() => page.textContent('.grid-status')).toMatch(new RegExp(`^${count} entr(y|ies)`));
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
    await openCard(page, 's3://console-images/flowers/tulips-02.png');
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
    expect(await gridRefs(page, 17)).toEqual(await apiRefs({ Labeled: true }));
    await labeled.selectOption( '');

    await errors.selectOption( 'true');
    expect(await gridRefs(page, 4)).toEqual(await apiRefs({ HasErrors: true }));
    await errors.selectOption( '');

    await page.fill('#filter-source-ref', 'tulip');
    expect(await gridRefs(page, 2)).toEqual(await apiRefs({ SourceRefContains: 'tulip' }));
    expect(page.url()).toContain('q=tulip');
    // Filters combine: tulip images with errors.
    await errors.selectOption( 'true');
    expect(await gridRefs(page, 1)).toEqual(await apiRefs({ SourceRefContains: 'tulip', HasErrors: true }));
    await page.fill('#filter-source-ref', 'no-such-image');
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

  it('draws only the rows on screen, and jumps far with one located page token instead of walking the pages', async () => {
    // 3,000 entries in the TEST dataset; their bucket is not in the store, so the images are placeholders.
    const client = c.server.rekognition();
    const refs = Array.from({ length: 3_000 }, (_, i) => `s3://elsewhere/many/${String(i).padStart(4, '0')}.png`);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: c.data.testArn, Changes: { GroundTruth: Buffer.from(refs.map((r, i) => classificationLine(r, i % 3 ? 'rose' : 'tulip')).join('\n')) } }));
    await settled(client, c.data.testArn);
    const page = await c.signedIn();
    let pages = 0;
    const located: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      if (request.headers()['x-amz-target'] === 'RekognitionService.ListDatasetEntries') pages += 1;
      if (request.url().endsWith('/_trove/api/rekognition/entries-page-token')) located.push(JSON.parse(request.postData() ?? '{}'));
    });
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset?arn=${encodeURIComponent(c.data.testArn)}`);
    await page.locator('.entry-card[data-index="0"]').waitFor();
    // DatasetStats counts exactly what the listing holds.
    expect(await page.textContent('.grid-status')).toBe('3,000 entries');
    const drawn = () => page.locator('.grid-cell').count();
    expect(await drawn()).toBeLessThan(60);
    await expect.poll(() => pages).toBe(2); // the page in view and the next one, fetched ahead
    // End: the last page's token comes from GetDatasetEntriesPageToken, pinned to the listing, not from walking 30 pages.
    await page.locator('.entry-card[data-index="0"]').focus();
    await page.keyboard.press('End');
    await expect.poll(() => focusedIndex(page)).toBe('2999');
    expect(await page.locator('.entry-card[data-index="2999"]').getAttribute('data-source-ref')).toBe(refs[2999]);
    expect(pages).toBeLessThanOrEqual(4);
    // One call per far page in view (the last two pages), each pinned to the listing's own token.
    expect(located.length).toBeLessThanOrEqual(2);
    expect(located).toContainEqual(expect.objectContaining({ datasetArn: c.data.testArn, position: 2_900, listingToken: expect.any(String) }));
    expect(await drawn()).toBeLessThan(60);
    expect(await page.locator('.entry-card[data-index="0"]').count()).toBe(0);

    // Under a filter no counter covers (tulip images whose source-ref has "many/"), the exact count comes from the same operation.
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset?arn=${encodeURIComponent(c.data.testArn)}&label=tulip&q=many%2F`);
    await expect.poll(() => page.textContent('.grid-status')).toBe('1,000 entries');
    expect(located.at(-1)).toMatchObject({ position: 2_147_483_647, containsLabels: ['tulip'], sourceRefContains: 'many/' });
    await page.close();
  });

  it('moves through the filtered entries with the arrow keys in the entry dialog, in the grid\'s order', async () => {
    const page = await c.signedIn(datasetPath('&label=daisy'));
    const expected = (await allEntries(c.server.rekognition(), { DatasetArn: c.data.trainArn, ContainsLabels: ['daisy'] })).map((e) => e['source-ref'] as string);
    await page.locator('.entry-card[data-index="0"]').click();
    const dialog = page.locator('dialog.entry-detail');
    const current = async () => new URL(page.url()).searchParams.get('entry');
    await expect.poll(current).toBe(expected[0]);
    await expect.poll(() => dialog.locator('.detail-nav').textContent()).toContain(`1 of ${expected.length}`);
    for (let i = 1; i < expected.length; i++) {
      await page.keyboard.press('ArrowRight');
      await expect.poll(current).toBe(expected[i]);
    }
    expect(await dialog.locator('button:has-text("Next")').isDisabled()).toBe(true);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(current).toBe(expected[expected.length - 2]);
    expect(page.url()).toContain('label=daisy');
    await page.keyboard.press('Escape');
    // Back in the grid, the entry last shown is the one marked.
    await expect.poll(() => page.locator('.entry-card.selected').getAttribute('data-source-ref')).toBe(expected[expected.length - 2]);
    await page.close();
  });

  it('lists the boxes with label, coordinates and confidence, highlighting box and row together; zooms', async () => {
    const page = await c.signedIn(datasetPath(`&entry=${encodeURIComponent('s3://console-images/flowers/tulips-01.png')}`));
    const dialog = page.locator('dialog.entry-detail');
    const rows = dialog.locator('.box-table tbody tr');
    await rows.first().waitFor();
    // The label is a choice of every label (editable), showing the box's own.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('select')?.selectedOptions[0].textContent ?? td.textContent)))).toEqual([
      ['1', 'tulip', '40, 60', '90 × 120', '1.00', '×'], ['2', 'rose', '190, 80', '80 × 90', '1.00', '×'],
    ]);
    await rows.nth(1).hover();
    expect(await dialog.locator('g.box-highlight').getAttribute('data-box')).toBe('bounding-box#1');
    await dialog.locator('g.box[data-box="bounding-box#0"] rect').hover();
    expect(await dialog.locator('.box-table tr.row-highlight').getAttribute('data-box')).toBe('bounding-box#0');
    await dialog.locator('.zoom-controls button[aria-label="Zoom in"]').click();
    expect(await dialog.locator('.zoom-layer').getAttribute('style')).toMatch(/scale\(1\.5\)/);
    await dialog.locator('.zoom-controls button:has-text("Fit")').click();
    expect(await dialog.locator('.zoom-layer').getAttribute('style')).toMatch(/scale\(1\)/);
    await page.close();
  });

  it('filters the grid by an error code from the errors-by-code summary', async () => {
    const page = await c.signedIn('/', { width: 1440, height: 1600 });
    // Counted by the server (GetDatasetErrorCounts), not by reading the entries with errors in the browser.
    const counted: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/error-counts')) counted.push(request.method());
      if (request.headers()['x-amz-target'] === 'RekognitionService.ListDatasetEntries' && (request.postData() ?? '').includes('"HasErrors":true')) counted.push('listing');
    });
    await page.goto(`${c.server.url}/_trove/console${datasetPath()}`);
    const summary = page.locator('.error-summary');
    await summary.locator('button').first().waitFor();
    expect(counted).toEqual(['GET']);
    const codes = await summary.locator('.error-code-name').allTextContents();
    expect(codes.sort()).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL', 'ERROR_INVALID_BOUNDING_BOX', 'ERROR_INVALID_IMAGE', 'ERROR_INVALID_IMAGE_DIMENSION']);
    expect(await summary.locator('button', { hasText: 'ERROR_INVALID_BOUNDING_BOX' }).textContent()).toContain('1 entry');
    await summary.locator('button', { hasText: 'ERROR_INVALID_BOUNDING_BOX' }).click();
    expect(await gridRefs(page, 1)).toEqual(['s3://console-images/flowers/tulips-02.png']);
    expect(page.url()).toContain('code=ERROR_INVALID_BOUNDING_BOX');
    await page.click('button[aria-label="Remove error filter ERROR_INVALID_BOUNDING_BOX"]');
    await gridRefs(page, c.data.entries.size);
    await page.close();
  });

  it('shows a thumbnail smaller than its original, and photos as their pixels are stored (EXIF orientation not applied)', async () => {
    const page = await c.signedIn(datasetPath());
    const thumb = page.locator(`.entry-card[data-source-ref="${c.data.photoRef}"] img`);
    await expect.poll(() => loadedWidth(thumb)).toBe(384);
    expect(await thumb.getAttribute('src')).toContain('size=384');
    const natural = (img: typeof thumb) => img.evaluate((e) => [(e as unknown as { naturalWidth: number }).naturalWidth, (e as unknown as { naturalHeight: number }).naturalHeight]);
    // Landscape, as stored: a viewer applying EXIF orientation 6 would show 288 × 384.
    expect(await natural(thumb)).toEqual([384, 288]);
    await page.locator(`.entry-card[data-source-ref="${c.data.photoRef}"]`).click();
    const large = page.locator('dialog.entry-detail img');
    await expect.poll(() => loadedWidth(large)).toBeGreaterThan(0);
    expect(await large.getAttribute('src')).not.toContain('size=');
    // Drawn as stored: the same image, with the element's own style, laid out at its intrinsic size.
    // (naturalWidth always reports the EXIF-turned size in Chromium, whatever the style.)
    expect(await large.evaluate(async (element) => {
      const img = element as unknown as { src: string; ownerDocument: any };
      const doc = img.ownerDocument;
      const probe = doc.createElement('img');
      probe.style.imageOrientation = doc.defaultView.getComputedStyle(element).imageOrientation;
      probe.style.position = 'fixed';
      probe.src = img.src;
      doc.body.append(probe);
      await probe.decode();
      const rect = probe.getBoundingClientRect();
      probe.remove();
      return [probe.style.imageOrientation, rect.width, rect.height];
    })).toEqual(['none', 1600, 1200]);
    await page.close();
  });

  it('draws labels in palette colours, errors alone in red and dashed, captions inside the image, and hides what is switched off', async () => {
    const page = await c.signedIn(datasetPath(), { width: 1440, height: 1600 });
    const card = page.locator('.entry-card[data-source-ref$="tulips-02.png"]');
    await card.locator('g.box').first().waitFor();
    const strokes = await card.locator('g.box rect').evaluateAll((rects) => rects.map((r) => [r.getAttribute('stroke'), r.getAttribute('stroke-dasharray')]));
    expect(strokes[0][0]).toMatch(/^#[0-9a-f]{6}$/);
    expect(strokes[0][1]).toBeNull();
    expect(strokes[1]).toEqual(['var(--error)', '6 4']);
    // The box that runs off the right edge keeps its caption on the image.
    const caption = await card.locator('g.box-error text').evaluate((t) => Number(t.getAttribute('x')));
    expect(caption).toBeLessThan(320 - 20);
    await page.getByLabel('Captions', { exact: true }).uncheck();
    expect(await card.locator('g.box text').count()).toBe(0);
    await page.getByLabel('Captions', { exact: true }).check();
    await page.click('button[aria-label="Hide tulip boxes on the images"]');
    expect(await card.locator('g.box').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-label')))).toEqual([]);
    await page.click('button[aria-label="Show tulip boxes on the images"]');
    await page.getByLabel('Boxes', { exact: true }).uncheck();
    expect(await page.locator('g.box').count()).toBe(0);
    await page.getByLabel('Boxes', { exact: true }).check();
    await page.close();
  });

  it('says what is empty and what does not exist', async () => {
    const client = c.server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'empty' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    const page = await c.signedIn(`/rekognition/dataset?arn=${encodeURIComponent(DatasetArn!)}`);
    await page.locator('text=This dataset has no entries yet.').waitFor();
    expect(await page.textContent('.grid-status')).toBe('0 entries');
    await page.goto(`${c.server.url}/_trove/console/rekognition/dataset?arn=${encodeURIComponent(c.data.trainArn.replace(/\/\d+$/, '/1'))}`);
    await page.locator('h1:has-text("No such dataset")').waitFor();
    expect(await page.locator('[role=alert]').count()).toBe(0);
    expect(await page.locator('.badge').count()).toBe(0);
    await page.close();
  });

  it('fits 390 px without sideways scrolling', async () => {
    const page = await c.signedIn(datasetPath(), { width: 390, height: 844 });
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.locator('.entry-card').first().waitFor();
    expect(await overflow()).toBe(0);
    await page.locator('.entry-card').first().click();
    await page.locator('dialog.entry-detail .detail-body').waitFor();
    expect(await overflow()).toBe(0);
    expect(await page.locator('dialog.entry-detail').evaluate((d) => d.scrollWidth - d.clientWidth)).toBe(0);
    await page.goto(`${c.server.url}/_trove/console/`);
    await page.locator('.card').first().waitFor();
    expect(await overflow()).toBe(0);
    await page.close();
  });

  it('takes the screenshots of the Rekognition views', async () => {
    const page = await c.signedIn(datasetPath());
    await page.locator('.entry-card img').first().waitFor();
    await page.locator('.error-summary').waitFor();
    await c.shots(page, 'rekognition-grid', () => page.locator('.entry-card[data-source-ref$="tulips-02.png"] img').waitFor());
    await page.locator('.entry-card[data-source-ref$="tulips-02.png"]').click();
    await page.locator('dialog.entry-detail .error-item').first().waitFor();
    await page.locator('dialog.entry-detail .error-item').first().hover();
    await c.shots(page, 'rekognition-entry', () => page.locator('dialog.entry-detail img').waitFor());
    await page.close();
  });
});

if (CHROMIUM_MISSING !== undefined) {
  describe('the console: Rekognition datasets in Chromium', () => {
    it.skip(`is not tested here: ${CHROMIUM_MISSING}`, () => undefined);
  });
}
