import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListDatasetLabelsCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { ListDatasetEntriesCommandInput } from '@aws-sdk/client-rekognition';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_ERRORS } from '../../src/domain/rekognition/manifest/error-codes.js';
import { chromiumMissing, launchChromium } from '../harness/browser.js';
import { loadAgentCoreFixture, loadRekognitionFixture } from '../harness/console-fixtures.js';
import type { AgentCoreFixture, RekognitionFixture } from '../harness/console-fixtures.js';
import { allEntries, classificationLine, settled } from '../harness/rekognition.js';
import { startServer } from '../harness/server.js';
import type { TestServer } from '../harness/server.js';

const missing = chromiumMissing();
const BUILT = join(import.meta.dirname, '../../dist/console/index.html');
/** `npm run screenshots` sets this to docs/screenshots; otherwise no screenshots are written. */
const SHOTS = process.env.TROVE_SCREENSHOTS;

// Code run in the page: the test code itself is type-checked without the DOM library.
const loadedWidth = (img: Locator) => img.evaluate((element) => {
  const image = element as unknown as { complete: boolean; naturalWidth: number };
  return image.complete ? image.naturalWidth : 0;
});
const focusedIndex = (page: Page) => page.evaluate<string | null>('document.activeElement?.getAttribute("data-index") ?? null');

describe.skipIf(missing !== undefined)('the web console in a real Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let rk: RekognitionFixture;
  let ac: AgentCoreFixture;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`);
    server = await startServer();
    [rk, ac] = await Promise.all([loadRekognitionFixture(server.rekognition(), server.dataDir), loadAgentCoreFixture(server.agentcore())]);
    ({ browser, close: closeBrowser } = await launchChromium());
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  async function signedIn(path = '/', size = { width: 1440, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport: size });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/_trove/console/`);
    // Loopback bind, no credentials: the local pair is filled in.
    await expect.poll(() => page.inputValue('input[name=accessKeyId]')).toBe('test');
    expect(await page.inputValue('input[name=secretAccessKey]')).toBe('test');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Rekognition Custom Labels projects');
    if (path !== '/') await page.goto(`${server.url}/_trove/console${path}`);
    return page;
  }
  const datasetPath = (query = '') => `/rekognition/dataset?arn=${encodeURIComponent(rk.trainArn)}${query}`;
  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  /** The source-refs drawn in the grid once it says it has `count` entries. */
  async function gridRefs(page: Page, count: number): Promise<string[]> {
    await expect.poll(() => page.textContent('.grid-status')).toMatch(new RegExp(`^${count} entries`));
    await expect.poll(() => page.locator('.entry-card').count()).toBe(count);
    return (await page.locator('.entry-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-source-ref') ?? ''))).sort();
  }
  async function apiRefs(input: Omit<ListDatasetEntriesCommandInput, 'DatasetArn'>): Promise<string[]> {
    return (await allEntries(server.rekognition(), { DatasetArn: rk.trainArn, ...input })).map((e) => e['source-ref'] as string).sort();
  }

  it('signs in with the local pair and lists both kinds of dataset', async () => {
    const page = await signedIn();
    await page.waitForSelector('text=support_bot');
    expect(await page.locator('.card h2').allTextContents()).toEqual(['flowers']);
    expect(await page.locator('tbody th').allTextContents()).toEqual(['support_bot', 'support_bot_simulated']);
    expect(await page.locator('tbody tr').first().textContent()).toContain('Predefined conversations');
    await shot(page, 'home');
    await page.close();
  });

  it('draws every image with its own boxes, named, and its image-level labels as tags', async () => {
    const page = await signedIn(datasetPath(), { width: 1440, height: 1600 });
    expect(await gridRefs(page, rk.entries.size)).toEqual([...rk.entries.keys()].sort());
    for (const [ref, expected] of rk.entries) {
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
    const page = await signedIn(datasetPath(), { width: 1440, height: 1000 });
    const card = page.locator('.entry-card[data-source-ref$="tulips-02.png"]');
    await card.waitFor();
    expect(await card.locator('g.box').evaluateAll((boxes) => boxes.map((b) => b.classList.contains('box-error')))).toEqual([false, true]);
    expect(await card.locator('.entry-error').textContent()).toContain(LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.explanation);
    await shot(page, 'rekognition-grid');
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
    await shot(page, 'rekognition-entry-errors');
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
    const page = await signedIn(datasetPath(), { width: 1440, height: 1600 });
    await gridRefs(page, rk.entries.size);
    const label = (name: string) => page.locator('.label-bars label', { hasText: name }).locator('input');
    const labeled = page.getByLabel('Labeled', { exact: true });
    const errors = page.getByLabel('Errors', { exact: true });

    await label('daisy').check();
    expect(await gridRefs(page, 6)).toEqual(await apiRefs({ ContainsLabels: ['daisy'] }));
    await label('tulip').check();
    expect(await gridRefs(page, 8)).toEqual(await apiRefs({ ContainsLabels: ['daisy', 'tulip'] }));
    expect(page.url()).toContain('label=daisy&label=tulip');
    await page.click('button:has-text("Clear filters")');
    await gridRefs(page, rk.entries.size);

    await labeled.selectOption( 'false');
    expect(await gridRefs(page, 4)).toEqual(await apiRefs({ Labeled: false }));
    await labeled.selectOption( 'true');
    expect(await gridRefs(page, 16)).toEqual(await apiRefs({ Labeled: true }));
    await labeled.selectOption( '');

    await errors.selectOption( 'true');
    expect(await gridRefs(page, 4)).toEqual(await apiRefs({ HasErrors: true }));
    await errors.selectOption( 'false');
    expect(await gridRefs(page, 16)).toEqual(await apiRefs({ HasErrors: false }));
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
    const page = await signedIn(datasetPath());
    await page.locator('.label-bars li').first().waitFor();
    const labels = (await server.rekognition().send(new ListDatasetLabelsCommand({ DatasetArn: rk.trainArn }))).DatasetLabelDescriptions ?? [];
    const rows = await page.locator('.label-bars label').allTextContents();
    expect(rows).toEqual(labels.map((l) => {
      const entries = l.LabelStats!.EntryCount!;
      const boxes = l.LabelStats!.BoundingBoxCount ?? 0;
      return `${l.LabelName}${entries} image${entries === 1 ? '' : 's'}${boxes > 0 ? `, ${boxes} with boxes` : ''}`;
    }));
    if (SHOTS) await page.locator('.label-panel').screenshot({ path: join(SHOTS, 'rekognition-labels.png') });
    await page.close();
  });

  it('moves between entries with the keyboard and opens one with Enter', async () => {
    const page = await signedIn(datasetPath());
    const first = page.locator('.entry-card[data-index="0"]');
    await first.waitFor();
    expect(await page.locator('.entry-card[tabindex="0"]').count()).toBe(1);
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const columns = await page.locator('.entry-card').evaluateAll((cards) => new Set(cards.map((c) => c.getBoundingClientRect().left)).size);
    expect(await focusedIndex(page)).toBe(String(1 + columns));
    await page.keyboard.press('End');
    await expect.poll(() => focusedIndex(page)).toBe(String(rk.entries.size - 1));
    await page.keyboard.press('Enter');
    await page.locator('dialog.entry-detail').waitFor();
    await page.close();
  });

  it('draws only the rows on screen, and reads pages as they come into view', async () => {
    // 2,000 entries in the TEST dataset; their bucket is not in the store, so the images are placeholders.
    const client = server.rekognition();
    const refs = Array.from({ length: 2_000 }, (_, i) => `s3://elsewhere/many/${String(i).padStart(4, '0')}.png`);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: rk.testArn, Changes: { GroundTruth: Buffer.from(refs.map((r) => classificationLine(r, 'rose')).join('\n')) } }));
    await settled(client, rk.testArn);
    const page = await signedIn();
    let pages = 0;
    page.on('request', (request) => void (request.headers()['x-amz-target'] === 'RekognitionService.ListDatasetEntries' && pages++));
    await page.goto(`${server.url}/_trove/console/rekognition/dataset?arn=${encodeURIComponent(rk.testArn)}`);
    await page.locator('.entry-card[data-index="0"]').waitFor();
    expect(await page.textContent('.grid-status')).toBe('About 2,000 entries');
    const drawn = () => page.locator('.grid-cell').count();
    expect(await drawn()).toBeLessThan(60);
    expect(pages).toBe(1);
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

  it('shows AgentCore examples as conversations, a version read-only, and the diff of two versions', async () => {
    const page = await signedIn(`/agentcore/dataset?id=${ac.datasetId}`);
    const refund = page.locator('.example[data-example-id="refund-policy"]');
    await refund.waitFor();
    expect(await refund.locator('.bubble .speaker').allTextContents()).toEqual(['Turn 1 · User', 'Expected response', 'Turn 2 · User', 'Expected response']);
    expect(await refund.locator('.tool').allTextContents()).toEqual(['lookup_order', 'policy_search']);
    await shot(page, 'agentcore-conversation');

    await page.click('.timeline a:has-text("Version 1")');
    await page.locator('h1:has-text("Version 1 (read-only)")').waitFor();
    await expect.poll(() => page.locator('.example').evaluateAll((es) => es.map((e) => e.getAttribute('data-example-id')))).toEqual(['refund-policy', 'order-status', 'store-hours']);

    await page.check('input[aria-label="Select Version 1 to compare"]');
    await page.check('input[aria-label="Select Version 2 to compare"]');
    await page.click('button:has-text("Compare Version 1 and Version 2")');
    await page.locator('.tabs').waitFor();
    expect(page.url()).toContain(`/agentcore/diff?id=${ac.datasetId}&from=1&to=2`);
    expect(await page.locator('[role=tab]').allTextContents()).toEqual(['1 changed', '1 added', '1 removed']);
    const change = page.locator('.field-changes tr.diff-changed', { hasText: 'turns[0].expected_response' });
    // Both sides read in full, the changed words marked.
    expect(await change.locator('td').nth(0).textContent()).toBe(ac.changedFrom);
    expect(await change.locator('td').nth(1).textContent()).toBe(ac.changedText);
    expect(await change.locator('del').allTextContents()).toEqual(['30', 'receipt.']);
    expect(await change.locator('ins').allTextContents()).toEqual(['45', 'receipt or the order number.']);
    expect(await page.locator('.bubble.diff-changed').textContent()).toContain(ac.changedText);
    await shot(page, 'agentcore-diff');
    await page.click('[role=tab]:has-text("added")');
    expect(await page.locator('.diff-whole-added .example').getAttribute('data-example-id')).toBe(ac.added[0]);
    await page.click('[role=tab]:has-text("removed")');
    expect(await page.locator('.diff-whole-removed .example').getAttribute('data-example-id')).toBe(ac.removed[0]);
    await page.close();
  });

  it('has a dark theme', async () => {
    const page = await signedIn(`/agentcore/dataset?id=${ac.simulatedId}`);
    await page.locator('.actor').waitFor();
    while ((await page.getAttribute('html', 'data-theme')) !== 'dark') await page.click('button:has-text("theme")');
    const background = await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(17, 20, 24)');
    await shot(page, 'agentcore-simulated-dark');
    await page.goto(`${server.url}/_trove/console${datasetPath()}`);
    await page.locator('.entry-card').first().waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'rekognition-grid-dark');
    await page.close();
  });
});

describe.skipIf(missing !== undefined)('the web console when credentials are required', () => {
  it('fills in nothing, refuses a wrong secret in AWS\'s words, and works with a created key', async () => {
    const server = await startServer();
    const { browser, close } = await launchChromium();
    try {
      const key = await server.createCredential({ account: '123456789012' });
      const client = server.rekognition({ credentials: key });
      const fixture = await loadRekognitionFixture(client, server.dataDir, 'keyed');
      const page = await browser.newPage();
      await page.goto(`${server.url}/_trove/console/`);
      await page.locator('input[name=accessKeyId]').waitFor();
      await page.waitForTimeout(200); // config.json has answered
      expect(await page.inputValue('input[name=accessKeyId]')).toBe('');
      expect(await page.locator('#local-pair-note').count()).toBe(0);
      await page.fill('input[name=accessKeyId]', key.accessKeyId);
      await page.fill('input[name=secretAccessKey]', 'wrong');
      await page.click('button[type=submit]');
      expect(await page.locator('[role=alert]').textContent()).toMatch(/^InvalidSignatureException: The request signature we calculated does not match/);
      await page.fill('input[name=secretAccessKey]', key.secretAccessKey);
      await page.click('button[type=submit]');
      await page.waitForSelector('text=keyed');
      // The secret stays in the browser tab: sessionStorage only.
      expect(await page.evaluate<string[]>('Object.keys(localStorage)')).toEqual([]);
      await page.goto(`${server.url}/_trove/console/rekognition/dataset?arn=${encodeURIComponent(fixture.trainArn)}`);
      const img = page.locator('.entry-card[data-source-ref$="tulips-01.png"] img');
      await expect.poll(() => loadedWidth(img)).toBe(320);
      expect(await img.getAttribute('src')).toContain(`X-Amz-Credential=${key.accessKeyId}`);
    } finally {
      await close();
      await server.close();
    }
  });
});

if (missing !== undefined) {
  describe('the web console in a real Chromium', () => {
    it.skip(`is not tested here: ${missing}`, () => undefined);
  });
}
