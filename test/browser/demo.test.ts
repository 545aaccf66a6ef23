import { DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_MISSING, consoleSession, loadedWidth } from '../harness/console-browser.js';
import { newcomerEnv, runTrove } from '../harness/process.js';

/** What a newcomer sees after `bin/trove demo`: the demo project's pictures in the console. */
describe.skipIf(CHROMIUM_MISSING !== undefined)('the console after bin/trove demo, in Chromium', () => {
  const c = consoleSession(async (server) => {
    const ran = await runTrove(['demo', '--endpoint', server.url, '--data-dir', server.dataDir], newcomerEnv());
    if (ran.code !== 0) throw new Error(`bin/trove demo failed:\n${ran.stderr}`);
    return ran.stdout;
  });

  it('shows the demo project and a grid of its pictures, PNG and JPEG, with their boxes', async () => {
    const page = await c.signedIn('/rekognition/project?name=trove-demo', { width: 1440, height: 1600 });
    await page.locator('a:has-text("TRAIN dataset")').click();
    await expect.poll(() => page.textContent('.grid-status')).toMatch(/^30 entries/);
    await expect.poll(() => page.locator('.entry-card').count()).toBeGreaterThan(10);
    expect(await page.locator('.entry-card g.box').count()).toBeGreaterThan(10);
    for (const format of ['png', 'jpg']) {
      const image = page.locator(`.entry-card[data-source-ref$=".${format}"] img`).first();
      await expect.poll(() => loadedWidth(image), { timeout: 10_000 }).toBe(320);
    }
    // The deliberate mistakes show as errors on their cards.
    await expect.poll(() => page.locator('.entry-card .entry-error').count()).toBeGreaterThan(0);
    await c.shot(page, 'demo-grid');
    const { ProjectDescriptions } = await c.server.rekognition().send(new DescribeProjectsCommand({ ProjectNames: ['trove-demo'] }));
    expect(page.url()).toContain(encodeURIComponent(ProjectDescriptions![0].Datasets!.find((d) => d.DatasetType === 'TRAIN')!.DatasetArn!));
    await page.close();
  });
});
