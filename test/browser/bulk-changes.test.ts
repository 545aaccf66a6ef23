import { UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../harness/backends.js';
import { CHROMIUM_MISSING, consoleSession } from '../harness/console-browser.js';
import { IMAGE_BUCKET, loadRekognitionFixture, putObject } from '../harness/console-fixtures.js';
import { picture } from '../harness/pictures.js';
import { allEntries, classificationLine, lines, settled } from '../harness/rekognition.js';

/** Entries chosen by hand, more than the 50 a save reads back one at a time. */
const CHOSEN = 60;

describe.skipIf(CHROMIUM_MISSING !== undefined).each(BACKENDS)('the console\'s bulk changes to hand-picked entries, in Chromium (%s)', (backend) => {
  const c = consoleSession(async (server) => {
    const rk = await loadRekognitionFixture(server.rekognition(), server.dataDir);
    // The fixture's TEST dataset, with pictures that exist (clean lines: none gets an error).
    const refs = Array.from({ length: CHOSEN }, (_, i) => putObject(server.dataDir, IMAGE_BUCKET, `field/poppy-${String(i).padStart(2, '0')}.png`, picture(160, 120, [], i)));
    await server.rekognition().send(new UpdateDatasetEntriesCommand({ DatasetArn: rk.testArn, Changes: { GroundTruth: lines(...refs.map((ref) => classificationLine(ref, 'poppy'))) } }));
    await settled(server.rekognition(), rk.testArn);
    return { rk, refs };
  }, { backend });

  it('builds a second change on what the first sent, instead of reading each entry again', async () => {
    const page = await c.signedIn(`/rekognition/dataset?arn=${encodeURIComponent(c.data.rk.testArn)}`, { width: 1440, height: 4000 });
    await expect.poll(() => page.locator('.entry-card').count()).toBe(CHOSEN);
    await page.click('button:has-text("Select")');
    await page.locator('.entry-card').first().click();
    await page.locator('.entry-card').last().click({ modifiers: ['Shift'] });
    expect(await page.locator('.bulk-count').textContent()).toBe(`${CHOSEN} entries selected`);
    await page.getByLabel('Label to add or remove').fill('summer');
    await page.click('.bulk-bar button:has-text("Add label")');
    await expect.poll(() => page.locator('.bulk-status').textContent(), { timeout: 20_000 }).toContain(`Added summer to ${CHOSEN} entries`);
    const summer = async () => (await allEntries(c.server.rekognition(), { DatasetArn: c.data.rk.testArn, ContainsLabels: ['summer'] })).length;
    expect(await summer()).toBe(CHOSEN);

    // The same entries, at once: the reads of single entries (ListDatasetEntries by source-ref) are counted.
    const readsByRef: string[] = [];
    page.on('request', (request) => {
      if (request.headers()['x-amz-target']?.endsWith('.ListDatasetEntries') && request.postData()?.includes('SourceRefContains')) readsByRef.push(request.postData()!);
    });
    await page.click('.bulk-bar button:has-text("Remove label")');
    await expect.poll(() => page.locator('.bulk-status').textContent(), { timeout: 20_000 }).toContain(`Removed summer from ${CHOSEN} entries`);
    expect(await page.locator('.bulk-status').textContent()).not.toContain('left as they are');
    expect(await summer()).toBe(0);
    expect(readsByRef).toEqual([]);
    await page.close();
  });
});
