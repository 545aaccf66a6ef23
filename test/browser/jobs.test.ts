import { CreateDatasetCommand as CreateAgentCoreDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { JobsClient } from '../../src/client/jobs-client.js';
import { TroveApiClient } from '../../src/client/trove-api-client.js';
import { inline, predefinedBatch } from '../harness/agentcore.js';
import { BACKENDS } from '../harness/backends.js';
import { CHROMIUM_MISSING, consoleSession } from '../harness/console-browser.js';
import { freePort } from '../harness/embedded-postgres.js';
import { classificationLine, lines, settled } from '../harness/rekognition.js';
import { TEST_CREDENTIALS } from '../harness/server.js';
import type { TestServer } from '../harness/server.js';

const RUNNER = 'test-node/1/console';
/** The error of the attempt the test fails: long enough to be folded. */
const LONG_ERROR = `Error: the examples could not be published (the attempt was failed by the test): ${Array.from({ length: 40 }, (_, i) => `example-${i}`).join(', ')}\n    at the second line`;

/**
 * Real jobs in every state: an UpdateDatasetEntries whose image checks cannot reach the object
 * store (an S3 endpoint nobody listens on) fails and gives up; with the runner paused, a
 * CreateDataset, an AgentCore CreateDataset and another UpdateDatasetEntries wait; the first of
 * them is claimed as a runner claims it (RUNNING), the second fails an attempt as a runner
 * records it (RETRYING, its next attempt far away).
 */
async function loadJobs(server: TestServer) {
  const rekognition = server.rekognition();
  const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'flowers' }));
  const failed = (await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
  await settled(rekognition, failed);
  await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: failed, Changes: { GroundTruth: lines(classificationLine('s3://pictures/rose.png', 'rose')) } }));
  expect(await settled(rekognition, failed)).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'SERVICE_ERROR' });

  server.trove.runner.pause();
  const tulips = await rekognition.send(new CreateProjectCommand({ ProjectName: 'tulips' }));
  const creating = (await rekognition.send(new CreateDatasetCommand({ ProjectArn: tulips.ProjectArn, DatasetType: 'TEST' }))).DatasetArn!;
  const { datasetId } = await server.agentcore().send(new CreateAgentCoreDatasetCommand({
    datasetName: 'support_chats', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(3)),
  }));
  await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: failed, Changes: { GroundTruth: lines(classificationLine('s3://pictures/daisy.png', 'daisy')) } }));
  const now = Date.now();
  const running = (await server.trove.store.jobs.claim(RUNNER, now, 60 * 60_000))!;
  const retrying = (await server.trove.store.jobs.claim(RUNNER, now, 60 * 60_000))!;
  await server.trove.store.jobs.retryLater(retrying.id, RUNNER, now + 10 * 60_000, LONG_ERROR);
  return { failed, creating, agentcore: `arn:aws:bedrock-agentcore:us-east-1:${await accountOf(server)}:dataset/${datasetId}`, datasetId: datasetId!, running: running.id, retrying: retrying.id };
}

async function accountOf(server: TestServer): Promise<string> {
  return (await new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }).call<{ account: string }>('GET', '/_trove/api/caller')).account;
}

const cards = (page: Page) => page.locator('ol.jobs > li.job');
const card = (page: Page, state: string, resource: string) => page.locator(`li.job[data-state="${state}"]`, { has: page.locator(`a[title="${resource}"]`) });

describe.skipIf(CHROMIUM_MISSING !== undefined).each(BACKENDS)('the console: the Jobs page in Chromium (%s)', (backend) => {
  const c = consoleSession(loadJobs, async () => ({
    backend, jobs: { maxAttempts: 1, pollMs: 50 },
    objectStore: { mode: 's3' as const, s3: { endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', accessKeyId: 'x', secretAccessKey: 'y' } },
  }));
  const api = () => new JobsClient(new TroveApiClient({ endpoint: c.server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));

  it('lists the jobs of every state with their kind in words, dataset links, attempts, times and the whole error', async () => {
    const listed = await api().all();
    expect(listed.map((job) => job.state)).toEqual(['RUNNING', 'RETRYING', 'QUEUED', 'FAILED']);
    const failedJob = listed.find((job) => job.state === 'FAILED')!;
    expect(failedJob.lastError).toMatch(/\S/);

    const page = await c.signedIn('/');
    await page.click('.top-bar nav a:has-text("Jobs")');
    await expect.poll(() => cards(page).count()).toBe(4);
    expect(await page.locator('.top-bar nav a[aria-current="page"]').textContent()).toBe('Jobs');
    expect(await cards(page).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')))).toEqual(['RUNNING', 'RETRYING', 'QUEUED', 'FAILED']);

    const failed = card(page, 'FAILED', c.data.failed);
    expect(await failed.locator('h2').textContent()).toBe('Updating entries');
    expect(await failed.locator('.job-head').textContent()).toContain(`UpdateDatasetEntries · job ${failedJob.jobId} · 1 attempt`);
    expect(await failed.locator('.job-resources').textContent()).toBe('Rekognition flowers · TRAIN');
    expect(await failed.locator('.job-times dt').allTextContents()).toEqual(['Queued', 'Failed', 'Gave up after']);
    expect(await failed.locator('.job-error h3').textContent()).toBe('Error');
    // The error in full: as ListJobs answers it (folded first when it is long).
    const error = failed.locator('.job-error');
    if (await error.locator('details').count()) await error.locator('summary').click();
    expect(await error.locator('pre').textContent()).toBe(failedJob.lastError);

    // A failed job is kept apart from the queue: the state and the id together name one item.
    const running = page.locator(`li.job[data-state="RUNNING"][data-job-id="${c.data.running}"]`);
    expect(await running.getAttribute('data-state')).toBe('RUNNING');
    expect(await running.locator('h2').textContent()).toBe('Creating a dataset');
    expect(await running.locator('.job-resources').textContent()).toBe('Rekognition tulips · TEST');
    expect(await running.locator('.job-times dt').allTextContents()).toEqual(['Queued', 'Started', 'Waited', 'Running']);
    expect(await running.locator('.job-times dd').nth(3).textContent()).toMatch(/^\d+ s$/);

    const retrying = page.locator(`li.job[data-state="RETRYING"][data-job-id="${c.data.retrying}"]`);
    expect(await retrying.locator('h2').textContent()).toBe('Writing examples');
    // The ARN holds the AgentCore dataset's id; the page names it (GetDataset), the ARN in the link's title.
    await expect.poll(() => retrying.locator('.job-resources').textContent()).toBe('AgentCore support_chats');
    expect(await retrying.locator('.job-resources a').getAttribute('title')).toBe(c.data.agentcore);
    expect(await retrying.locator('.job-times dt').allTextContents()).toEqual(['Queued', 'Since queued', 'Next attempt in']);
    expect(await retrying.locator('.job-times dd').nth(2).textContent()).toMatch(/^(9|10) min$/);
    expect(await retrying.locator('.job-error h3').textContent()).toBe('Last attempt\'s error');
    // A long error is folded to its first line; opened, it is whole.
    expect(LONG_ERROR.length).toBeLessThan(1000);
    expect(await retrying.locator('.job-error summary').textContent()).toBe(`${LONG_ERROR.slice(0, 239)}… Show all (${LONG_ERROR.length} characters)`);
    expect(await retrying.locator('.job-error pre').isVisible()).toBe(false);

    await c.shots(page, 'jobs');
    await retrying.locator('.job-error summary').click();
    expect(await retrying.locator('.job-error pre').isVisible()).toBe(true);
    expect(await retrying.locator('.job-error pre').textContent()).toBe(LONG_ERROR);

    // The dataset links open the dataset's page in the console.
    await retrying.locator('.job-resources a').click();
    await page.waitForURL(/\/agentcore\/dataset\?id=/);
    expect(new URL(page.url()).searchParams.get('id')).toBe(c.data.datasetId);
    await page.goBack();
    await failed.locator('.job-resources a').click();
    await page.waitForURL(/\/rekognition\/dataset\?arn=/);
    expect(new URL(page.url()).searchParams.get('arn')).toBe(c.data.failed);
    await page.close();
  });

  it('filters by state (in the URL) and reads the page again by itself', async () => {
    const page = await c.signedIn('/jobs');
    await expect.poll(() => cards(page).count()).toBe(4);
    await page.click('.state-filter a:has-text("Failed")');
    await expect.poll(() => cards(page).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')))).toEqual(['FAILED']);
    expect(new URL(page.url()).searchParams.getAll('state')).toEqual(['FAILED']);
    await page.click('.state-filter a:has-text("Queued")');
    await expect.poll(() => cards(page).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')))).toEqual(['QUEUED']);
    const queued = cards(page).first();
    expect(await queued.locator('h2').textContent()).toBe('Updating entries');
    expect(await queued.locator('.job-times dt').allTextContents()).toEqual(['Queued', 'Waiting']);
    expect(await queued.locator('.job-head').textContent()).toContain('not tried yet');

    // The running job is handed back to the queue: the page shows it queued without a reload.
    expect(await c.server.trove.store.jobs.release(c.data.running, RUNNER, Date.now(), 'handed back by the test')).toBe(true);
    await expect.poll(() => cards(page).count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator(`li.job[data-state="QUEUED"][data-job-id="${c.data.running}"] .job-error pre`).textContent()).toBe('handed back by the test');
    // A hidden tab is not read again until it is shown.
    const calls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/_trove/api/jobs') calls.push(request.url());
    });
    const visibility = (state: string) => page.evaluate(`Object.defineProperty(document, 'visibilityState', { value: '${state}', configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`);
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await visibility('hidden');
    await page.waitForTimeout(3500); // a read under way when the tab was hidden may still be sent
    const whileHidden = calls.length;
    await page.waitForTimeout(4000);
    expect(calls.length).toBe(whileHidden);
    await visibility('visible');
    await expect.poll(() => calls.length, { timeout: 5_000 }).toBeGreaterThan(whileHidden);
    await page.click('.state-filter a:has-text("Running")');
    await expect.poll(() => page.locator('.jobs-empty').textContent()).toBe('No running jobs.');
    // Another region has none: the page says what jobs are and that none are waiting.
    await page.click('.state-filter a:has-text("All")');
    await page.selectOption('select[aria-label=Region]', 'eu-west-1');
    await expect.poll(() => page.locator('.jobs-empty').textContent()).toBe('No jobs are waiting: nothing is queued, running or retrying, and no job failed in the last 7 days.');
    expect(await page.locator('.jobs-intro').textContent()).toContain('The work Trove does in the background after it has accepted a request');
    expect(await page.locator('.jobs-intro').textContent()).toContain('in eu-west-1');
    await page.close();
  });

  it('pages 50 jobs at a time on ListJobs\' nextToken', async () => {
    const rekognition = c.server.rekognition();
    for (let i = 0; i < 26; i++) {
      const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: `many-${i}` }));
      for (const DatasetType of ['TRAIN', 'TEST'] as const) await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType }));
    }
    const queued = await api().all(['QUEUED']);
    expect(queued.length).toBeGreaterThan(50);
    const page = await c.signedIn('/jobs?state=QUEUED');
    const ids = () => cards(page).evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-job-id'))));
    await expect.poll(ids).toEqual(queued.slice(0, 50).map((job) => job.jobId));
    expect(await page.locator('.pager span').textContent()).toBe('Page 1');
    await page.click('.pager button:has-text("Next")');
    await expect.poll(ids).toEqual(queued.slice(50).map((job) => job.jobId));
    expect(await page.locator('.pager span').textContent()).toBe('Page 2');
    expect(await page.locator('.pager button:has-text("Next")').isDisabled()).toBe(true);
    await page.click('.pager button:has-text("Previous")');
    await expect.poll(ids).toEqual(queued.slice(0, 50).map((job) => job.jobId));
    await page.close();
  });

  // Last: once a credential exists, the local pair no longer signs in on this server.
  it('tells a key without trove:ListJobs why it sees no jobs, rather than a broken page', async () => {
    const key = await c.server.createCredential({ account: '000000000000', allowActions: ['rekognition:*'] });
    const page = await c.signedInAs(key);
    await page.click('.top-bar nav a:has-text("Jobs")');
    await expect.poll(() => page.locator('.jobs-refused').textContent()).toBe(
      `Not allowed: the access key ${key.accessKeyId} may not call trove:ListJobs (its allow-list of actions does not include it). The datasets' pages work as before.`);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    expect(await page.locator('.state-filter').count()).toBe(0);
    // Nor does it keep asking: the page is not read again while the key may not list jobs.
    const jobsCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/_trove/api/jobs') jobsCalls.push(request.url());
    });
    await page.waitForTimeout(4000);
    expect(jobsCalls).toEqual([]);
    await page.close();
  });
});

if (CHROMIUM_MISSING !== undefined) {
  describe('the console: the Jobs page in Chromium', () => {
    it.skip(`is not tested here: ${CHROMIUM_MISSING}`, () => undefined);
  });
}
