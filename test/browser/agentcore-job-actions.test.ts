import { AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand, GetDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { JobsClient } from '../../src/client/jobs-client.js';
import { TroveApiClient } from '../../src/client/trove-api-client.js';
import { AgentCoreJobs } from '../../src/domain/agentcore/job-kinds.js';
import { inline, predefinedBatch, settled } from '../harness/agentcore.js';
import { BACKENDS } from '../harness/backends.js';
import { CHROMIUM_MISSING, consoleSession } from '../harness/console-browser.js';
import { putObject } from '../harness/console-fixtures.js';
import { rawSql } from '../harness/raw-sql.js';
import { TEST_CREDENTIALS } from '../harness/server.js';
import type { TestServer } from '../harness/server.js';

// The Jobs page's actions on AgentCore jobs, as ListJobs says CancelJob and RetryJob would take
// them (cancellable, cancelRefusal, retryable, requestAction): Cancel on a waiting batch, none on
// a running publication nor on a deletion (the reason shown instead), Retry on a failed s3Source
// import; a cancel that finds the job running is refused, in words, and the row shows it running.

const ACCOUNT = '000000000000';
const RUNNER = 'test-node/1/console';
const RUNNING_REFUSAL = 'It is RUNNING: an AgentCore job can be cancelled only while it waits (QUEUED or RETRYING). It ends on its own; GetDataset then shows how.';

/**
 * `faq_answers`: an inline AddDatasetExamples waiting (QUEUED, the runner paused); `billing_evals`:
 * its CreateDatasetVersion claimed as a runner claims it (RUNNING, by a runner not there);
 * `old_prompts`: a DeleteDataset waiting; `imported_cases`: an s3Source AddDatasetExamples whose
 * file was missing (FAILED, retryable); `race`: ACTIVE, for a batch the test queues itself.
 */
async function load(server: TestServer) {
  const client = server.agentcore();
  const jobs = new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
  await server.trove.buckets.create('evals', ACCOUNT);
  putObject(server.dataDir, 'evals', 'README.txt', Buffer.from('AgentCore imports'));
  const ids: Record<string, string> = {};
  const arns: Record<string, string> = {};
  for (const name of ['faq_answers', 'billing_evals', 'old_prompts', 'imported_cases', 'race']) {
    const made = await client.send(new CreateDatasetCommand({ datasetName: name, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(2, name)) }));
    ids[name] = made.datasetId!;
    arns[name] = made.datasetArn!;
    await settled(client, ids[name]);
  }
  await client.send(new AddDatasetExamplesCommand({ datasetId: ids.imported_cases, source: { s3Source: { s3Uri: 's3://evals/cases.jsonl' } } }));
  expect(await settled(client, ids.imported_cases)).toMatchObject({ status: 'UPDATE_FAILED' });

  server.trove.runner.pause();
  await client.send(new AddDatasetExamplesCommand({ datasetId: ids.faq_answers, source: inline(predefinedBatch(3, 'new')) }));
  await client.send(new CreateDatasetVersionCommand({ datasetId: ids.billing_evals }));
  await client.send(new DeleteDatasetCommand({ datasetId: ids.old_prompts }));
  const listed = await jobs.all();
  const jobOf = (name: string) => listed.find((job) => job.resources[0] === arns[name])!.jobId;
  const job = { faq: jobOf('faq_answers'), billing: jobOf('billing_evals'), old: jobOf('old_prompts'), imported: jobOf('imported_cases') };
  expect((await server.trove.store.jobs.claimById(job.billing, RUNNER, Date.now(), 60 * 60_000))?.id).toBe(job.billing);
  return { client, jobs, ids, arns, job };
}

const card = (page: Page, id: number) => page.locator(`li.job[data-job-id="${id}"]`);
const stateOf = (page: Page, id: number) => card(page, id).getAttribute('data-state');

describe.skipIf(CHROMIUM_MISSING !== undefined).each(BACKENDS)('the console: AgentCore jobs\' actions in Chromium (%s)', (backend) => {
  const c = consoleSession(load, { backend, imageChecks: { enabled: false } });
  const dataset = (name: string) => c.data.client.send(new GetDatasetCommand({ datasetId: c.data.ids[name] }));

  it('Cancel on a waiting batch (its dataset UPDATE_FAILED, CANCELLED), none on a running publication or a deletion, saying why; Retry on a failed import', async () => {
    const { job } = c.data;
    const page = await c.signedIn('/jobs');
    await expect.poll(() => stateOf(page, job.imported)).toBe('FAILED');
    expect(await stateOf(page, job.faq)).toBe('QUEUED');
    expect(await stateOf(page, job.billing)).toBe('RUNNING');
    expect(await stateOf(page, job.old)).toBe('QUEUED');
    const buttons = (id: number) => card(page, id).locator('.job-actions button').allTextContents();
    expect(await buttons(job.faq)).toEqual(['Cancel…']);
    // The batch's call, as ListJobs names it (requestAction).
    expect(await card(page, job.faq).locator('.job-head code').textContent()).toBe('AddDatasetExamples');
    expect(await buttons(job.imported)).toEqual(['Retry']);
    expect(await card(page, job.imported).locator('.job-actions button').isEnabled()).toBe(true);
    // The running publication and the deletion: no Cancel, and why (ListJobs' cancelRefusal, CancelJob's words).
    expect(await buttons(job.billing)).toEqual([]);
    expect(await card(page, job.billing).locator('.job-refusal').textContent()).toBe(RUNNING_REFUSAL);
    expect(await buttons(job.old)).toEqual([]);
    expect(await card(page, job.old).locator('.job-refusal').textContent()).toBe(
      'It cannot be cancelled: it is a deletion, and a deletion, once accepted, is not taken back (AWS has no status that leads from being deleted back to what was there).');
    await c.shots(page, 'jobs-agentcore');

    // Cancel asks first; an inline batch, once cancelled, is not retried (its rows go): not offered.
    const faq = card(page, job.faq);
    await faq.locator('.job-actions button:has-text("Cancel…")').click();
    expect(await faq.locator('.confirm-inline p').textContent()).toBe(
      `Cancel job ${job.faq}? It will not run; nothing of it is applied, and its dataset is marked failed (CANCELLED).`);
    await faq.locator(`.confirm-inline button:has-text("Cancel job ${job.faq}")`).click();
    await expect.poll(() => stateOf(page, job.faq)).toBe('FAILED');
    expect(await faq.locator('.job-times dt').allTextContents()).toEqual(['Queued', 'Failed', 'Never ran']);
    expect(await faq.locator('.job-actions button').getAttribute('title')).toBe('Jobs of this kind are not retried: send the request that made it again.');
    expect(await faq.locator('.job-actions button').isDisabled()).toBe(true);
    const cancelled = await dataset('faq_answers');
    expect(cancelled).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 2 });
    expect(cancelled.failureReason).toMatch(/^CANCELLED: The change was cancelled by access key test \(CancelJob\); nothing of it was applied\. Send it again\.$/);
    await c.shots(page, 'jobs-agentcore-cancelled', () => faq.scrollIntoViewIfNeeded());

    // Retry: its file is there now; queued again under its id, the dataset UPDATING.
    putObject(c.server.dataDir, 'evals', 'cases.jsonl', Buffer.from(predefinedBatch(2, 'case').map((e) => JSON.stringify(e)).join('\n')));
    await card(page, job.imported).locator('.job-actions button:has-text("Retry")').click();
    await expect.poll(() => stateOf(page, job.imported)).toBe('QUEUED');
    expect((await dataset('imported_cases')).status).toBe('UPDATING');
    // A waiting s3Source import, once cancelled, may be retried: the confirmation says so.
    await card(page, job.imported).locator('.job-actions button:has-text("Cancel…")').click();
    expect(await card(page, job.imported).locator('.confirm-inline p').textContent()).toContain('A cancelled job can be retried later.');
    await card(page, job.imported).locator('.confirm-inline button:has-text("Keep it")').click();
    await page.close();
  });

  it('a batch that started running before the cancel reached it: ConflictException in words, and the row shows it running', async () => {
    const { client, ids, arns } = c.data;
    await client.send(new AddDatasetExamplesCommand({ datasetId: ids.race, source: inline(predefinedBatch(1, 'late')) }));
    const { jobId } = (await c.data.jobs.all()).find((job) => job.resources[0] === arns.race)!;
    const page = await c.signedIn('/jobs', { width: 390, height: 844 });
    await expect.poll(() => stateOf(page, jobId)).toBe('QUEUED');
    const race = card(page, jobId);
    await race.locator('.job-actions button:has-text("Cancel…")').click();
    // A runner claims it while the confirmation is open (the list on screen still says QUEUED).
    expect((await c.server.trove.store.jobs.claimById(jobId, RUNNER, Date.now(), 60 * 60_000))?.id).toBe(jobId);
    await race.locator(`.confirm-inline button:has-text("Cancel job ${jobId}")`).click();
    const alert = race.locator('.job-actions [role=alert]');
    await expect.poll(() => alert.textContent()).toContain(`ConflictException: Job ${jobId} (${AgentCoreJobs.publishStagedExamples}) is RUNNING: an AgentCore job can be cancelled only while it waits`);
    expect(await alert.locator('.problem-words').textContent()).toBe(`Job ${jobId} was not cancelled: it changed since the list was read (shown as it is now). Nothing was changed.`);
    // The list is read again at once: the row shows the job running, with no Cancel, and why.
    await expect.poll(() => stateOf(page, jobId)).toBe('RUNNING');
    expect(await race.locator('.job-refusal').textContent()).toBe(RUNNING_REFUSAL);
    expect(await race.locator('.job-actions button').count()).toBe(0);
    await c.shots(page, 'jobs-agentcore-refused', () => race.scrollIntoViewIfNeeded());
    expect((await dataset('race')).status).toBe('UPDATING');
    // Back in the queue, as that runner's lease running out would leave it.
    await rawSql(c.server, "UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempts = 0 WHERE id = ?", [jobId]);
    await page.close();
  });

  // Last: once a credential exists, the local pair no longer signs in on this server.
  it('a key without the batch\'s own action sees Cancel disabled, saying why', async () => {
    const key = await c.server.createCredential({ account: ACCOUNT, allowActions: ['trove:*', 'bedrock-agentcore:Get*', 'bedrock-agentcore:List*'] });
    const page = await c.signedInAs(key, '/jobs?state=QUEUED');
    const imported = card(page, c.data.job.imported);
    await expect.poll(() => imported.locator('.job-actions button').getAttribute('title')).toBe(
      `Read-only: the access key ${key.accessKeyId} may not call bedrock-agentcore:AddDatasetExamples (its allow-list of actions does not include it).`);
    expect(await imported.locator('.job-actions button').isDisabled()).toBe(true);
    await page.close();
    c.server.trove.runner.resume();
  });
});

if (CHROMIUM_MISSING !== undefined) {
  describe('the console: AgentCore jobs\' actions in Chromium', () => {
    it.skip(`is not tested here: ${CHROMIUM_MISSING}`, () => undefined);
  });
}
