import { BatchRejected, DraftWriter } from '../../../domain/agentcore/draft-writer.js';
import type { AgentCoreLimits } from '../../../domain/agentcore/agentcore-deps.js';
import { ExampleValidator } from '../../../domain/agentcore/example-validator.js';
import { AgentCoreJobs, exampleBatchRetryRefusal } from '../../../domain/agentcore/job-kinds.js';
import type { WriteExamplesPayload } from '../../../domain/agentcore/job-kinds.js';
import { decodeBatch } from '../../../domain/agentcore/batch-codec.js';
import type { BatchBody } from '../../../domain/agentcore/batch-codec.js';
import { failed } from '../../../domain/agentcore/status.js';
import type { ObjectAccess } from '../../../buckets/object-access.js';
import type { Repositories } from '../../../store/store.js';
import { LeftToRunner } from '../../job.js';
import type { JobContext, JobDefinition } from '../../job.js';
import { endedReason } from './ended-reason.js';
import { importExamples } from './import-examples.js';
import type { ImportExamplesDeps } from './import-examples.js';

/**
 * Applies one accepted example batch (CreateDataset, Add/Update/DeleteDatasetExamples):
 * CREATING|UPDATING → ACTIVE (draftStatus MODIFIED) | CREATE_FAILED|UPDATE_FAILED.
 *
 * An inline batch (at most 1000 examples, 5 MB) is written at the DRAFT's next revision by the
 * transaction that accepts it, durably, before the 202, and published by that same transaction
 * while the node runs jobs (DatasetService.publishStaged). Otherwise it left this job
 * (`payload.staged`), which only publishes that revision with the counters and ACTIVE, and removes itself, in one transaction.
 * That commit is not waited for on disk (deferred durability): lost to a power failure, it is lost
 * with the job row's deletion and every later commit (the write-ahead log is sequential), and the
 * job publishes the same rows again when Trove restarts; any acknowledged write after it is synced,
 * and syncs it too. Jobs accepted before carry the batch in their body and write it here, in
 * the finishing transaction (a retry starts from scratch). An s3Source file, of any size, is
 * streamed in chunk transactions (import-examples.ts). Each finishing transaction also collects
 * rows earlier writes superseded that nothing can read any more (garbage.ts).
 */
export function writeExamplesJobs(options: { garbageAfterMs: number; objects: ObjectAccess; limits: AgentCoreLimits }): JobDefinition<WriteExamplesPayload>[] {
  const definition = writeExamplesJob(options);
  // One definition under both names: staged batches are queued as publish-staged-examples (see
  // job-kinds.ts), s3Source imports and batches queued by earlier releases as write-examples.
  // (Its failed jobs are not retried, whatever the payload: the kind says so, nothing to note.)
  return [definition, { ...definition, kind: AgentCoreJobs.publishStagedExamples, retryRefusal: undefined }];
}

function writeExamplesJob(options: { garbageAfterMs: number; objects: ObjectAccess; limits: AgentCoreLimits }): JobDefinition<WriteExamplesPayload> {
  const imports: ImportExamplesDeps = { objects: options.objects, limits: options.limits, validator: new ExampleValidator() };
  return {
    kind: AgentCoreJobs.writeExamples,
    payloadVersion: 1,
    retryRefusal: exampleBatchRetryRefusal,

    async run(payload, ctx) {
      try {
        if (payload.s3) {
          // An s3Source file may be large: read and written in chunk transactions, published at the end.
          const { s3 } = payload;
          const dataset = await ctx.store.acDatasets.findById(payload.dataset);
          if (!dataset) return void (await ctx.finish(async () => undefined));
          const writer = await importExamples({ ...payload, s3 }, dataset, imports, ctx);
          await ctx.finish(async (tx) => writer.publish(tx, ctx.clock.now(), options.garbageAfterMs));
          return;
        }
        const { staged } = payload;
        if (staged) {
          await ctx.finish(async (tx) => {
            const dataset = await tx.acDatasets.findById(payload.dataset);
            if (!dataset) return;
            await DraftWriter.resume(dataset, staged).publish(tx, ctx.clock.now(), options.garbageAfterMs);
          }, { durability: 'deferred' });
          return;
        }
        const body = decodeBatch(ctx.job.body ? await ctx.job.body.read() : Buffer.from('{"i":[]}\n'));
        await ctx.finish(async (tx) => {
          const dataset = await tx.acDatasets.findById(payload.dataset);
          if (!dataset) return;
          const writer = new DraftWriter(dataset);
          await writer.begin(tx);
          await applyBody(tx, writer, payload, body);
          await writer.publish(tx, ctx.clock.now(), options.garbageAfterMs);
        });
      } catch (error) {
        if (!(error instanceof BatchRejected)) throw error;
        // Rejected as a whole for what it holds (an s3Source file's bad line or missing file, a
        // batch queued by an earlier Trove whose examples are gone): no further attempt, and kept
        // as a failed job (ListJobs: rejected, its dataset, attempts and this reason as lastError;
        // RetryJob may queue an s3Source import again, to read its file anew).
        await fail(ctx, payload, error.message, true);
      }
    },

    async giveUp(payload, ctx, error) {
      // Given up in a cancel's request (JobContext.inRequest): a staged batch's rows (at most 1000
      // examples, 5 MB: what its accepting transaction wrote) are discarded there; what an
      // s3Source import's chunks wrote, of any size, is left to a runner.
      if (ctx.inRequest && payload.s3 && (await wroteAny(ctx, payload))) throw new LeftToRunner();
      await fail(ctx, payload, endedReason(ctx, error, 'The change', `Trove could not apply the change (${String(error)}). Try again.`));
    },
  };
}

/** A batch accepted before the accepting transaction wrote the examples, as its job body carries it. */
async function applyBody(tx: Repositories, writer: DraftWriter, payload: WriteExamplesPayload, body: BatchBody): Promise<void> {
  const examples = () => body.exampleIds.map((exampleId, i) => ({ exampleId, content: body.contents![i] }));
  switch (payload.kind) {
    case 'create':
    case 'add':
      return writer.append(tx, examples());
    case 'update': {
      // Each replacement keeps the listing position of the row it supersedes (found when accepted).
      const rows = body.supersedes ?? [];
      await writer.supersedeRows(tx, rows);
      return writer.replace(tx, examples(), new Map(body.exampleIds.map((exampleId, i) => [exampleId, rows[i].seq])));
    }
    case 'delete':
      return writer.supersedeRows(tx, body.supersedes ?? []);
  }
}

/**
 * AWS: CREATE_FAILED ("DRAFT record exists but contains no examples") or UPDATE_FAILED with a
 * failureReason. Nothing of the batch is kept: its rows were never committed. `rejected`: the
 * batch was refused for what it holds; the job is noted failed with the reason (JobContext.fail),
 * as one that gives up or is cancelled is by its context.
 */
async function fail(ctx: JobContext, payload: WriteExamplesPayload, reason: string, rejected = false): Promise<void> {
  const write = async (tx: Repositories) => {
    const dataset = await tx.acDatasets.findById(payload.dataset);
    if (!dataset) return;
    await new DraftWriter(dataset).begin(tx);
    await tx.acDatasets.setStatus(dataset.id, failed(payload.kind === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED', reason, ctx.clock.now()));
  };
  await (rejected ? ctx.fail(write, { error: reason }) : ctx.finish(write));
}

/** Whether an attempt of this job wrote rows at the DRAFT's next revision, not yet discarded. */
async function wroteAny(ctx: JobContext, payload: WriteExamplesPayload): Promise<boolean> {
  const dataset = await ctx.store.acDatasets.findById(payload.dataset);
  return dataset !== undefined && (await ctx.store.acExamples.writtenAt(dataset.id, dataset.revision + 1));
}
