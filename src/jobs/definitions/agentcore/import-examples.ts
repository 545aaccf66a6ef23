import type { SchemaType } from '../../../api/agentcore/inputs.js';
import { describeViolations } from '../../../api/errors.js';
import type { AgentCoreLimits } from '../../../domain/agentcore/agentcore-deps.js';
import { BatchRejected, DraftWriter } from '../../../domain/agentcore/draft-writer.js';
import type { ExampleValidator } from '../../../domain/agentcore/example-validator.js';
import { MAX_EXAMPLE_DEPTH, tooDeep } from '../../../domain/agentcore/example-rules.js';
import { prepareExample } from '../../../domain/agentcore/examples-batch.js';
import type { PreparedExample } from '../../../domain/agentcore/examples-batch.js';
import type { WriteExamplesPayload } from '../../../domain/agentcore/job-kinds.js';
import { nestsDeeperThan } from '../../../lib/json-depth.js';
import { LineStreamError, streamLines } from '../../../lib/line-stream.js';
import { formatS3Uri, ObjectStoreError } from '../../../object-store/object-store.js';
import type { ObjectAccess } from '../../../buckets/object-access.js';
import type { ObjectRef, ObjectStream } from '../../../object-store/object-store.js';
import type { AcDatasetRecord } from '../../../store/agentcore-records.js';
import type { JobContext } from '../../job.js';

export interface ImportExamplesDeps {
  readonly objects: ObjectAccess;
  readonly limits: AgentCoreLimits;
  readonly validator: ExampleValidator;
}

/**
 * A chunk transaction is written once it holds this many examples or this much content, so
 * memory is bounded by bytes: 500 examples of 1 MiB each would otherwise be held at once.
 */
const CHUNK_EXAMPLES = 500;
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Room for `"exampleId":"…",` on a line besides the example itself. */
const ID_SLACK = 1024;

/**
 * AgentCore s3Source (CreateDataset, AddDatasetExamples): streams the JSONL file line by line,
 * checks each example like an inline one (schema type, exampleId, size, nesting), and writes
 * them in chunk transactions at the DRAFT's next revision. All-or-nothing (AWS: one bad example
 * rejects the batch): the first bad line throws BatchRejected naming the line and the problem,
 * and the caller discards the chunks already written. Returns the writer for the caller to
 * commit. A transient store failure is rethrown, so the job is retried from scratch.
 */
export async function importExamples(
  payload: WriteExamplesPayload & { s3: NonNullable<WriteExamplesPayload['s3']> }, dataset: AcDatasetRecord, deps: ImportExamplesDeps, ctx: JobContext,
): Promise<DraftWriter> {
  const ref: ObjectRef = payload.s3;
  const where = formatS3Uri(ref);
  const writer = new DraftWriter(dataset);
  await ctx.transaction((tx) => writer.begin(tx));
  let file: ObjectStream;
  try {
    // Read as the caller who asked, with the grants in force now; a job from before object-store
    // tenancy names no requester and reads as the dataset's account.
    file = await deps.objects.reader(payload.requester ?? { account: dataset.account }).openRead(ref);
  } catch (error) {
    throw unreadable(where, error);
  }
  try {
    const { limits } = deps;
    const rules = { validator: deps.validator, schemaType: dataset.schemaType as SchemaType, maxExampleBytes: limits.maxExampleBytes };
    const room = limits.maxExamplesPerDataset - dataset.exampleCount;
    const maxLineChars = limits.maxExampleBytes + ID_SLACK;
    const seen = new Set<string>();
    let chunk: { line: number; example: PreparedExample }[] = [];
    let chunkChars = 0;
    let count = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const ids = chunk.map((item) => item.example.exampleId);
      const written = chunk;
      chunk = [];
      chunkChars = 0;
      await ctx.transaction(async (tx) => {
        // AWS: a client-supplied exampleId already in the dataset fails the batch (ids repeated in the file were caught by `seen`).
        const taken = new Set((await tx.acExamples.findLive(dataset.id, ids)).map((row) => row.exampleId));
        const clash = written.find((item) => taken.has(item.example.exampleId));
        if (clash) throw new BatchRejected(`${where} line ${clash.line}: an example with exampleId ${clash.example.exampleId} already exists in the dataset.`);
        await writer.append(tx, written.map((item) => item.example));
      });
    };
    for await (const { lineNumber, text } of streamLines(file.body, { maxBytes: Math.max(room, 1) * (maxLineChars + 2), maxLines: Number.MAX_SAFE_INTEGER, maxLineChars })) {
      const at = `line ${lineNumber}`;
      if (text.length > maxLineChars) throw new BatchRejected(`${where} ${at}: the example is larger than the ${limits.maxExampleBytes} bytes allowed per example.`);
      // A line nested deeper than an example may be is refused before JSON.parse builds it.
      if (nestsDeeperThan(text, MAX_EXAMPLE_DEPTH)) throw new BatchRejected(`${where} ${at}: ${describeViolations([tooDeep(at)])}`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new BatchRejected(`${where} ${at}: not valid JSON (the file must be JSON Lines: one example object per line).`);
      }
      const check = prepareExample(value, at, rules, false, seen, 'file');
      if (check.violations.length > 0) throw new BatchRejected(`${where} ${at}: ${describeViolations(check.violations.slice(0, 5))}`);
      if (check.oversized) throw new BatchRejected(`${where} ${at}: the example is larger than the ${limits.maxExampleBytes} bytes allowed per example.`);
      if (++count > room) {
        throw new BatchRejected(`${where} ${at}: the dataset would have more than the maximum of ${limits.maxExamplesPerDataset} examples (it has ${dataset.exampleCount}).`);
      }
      chunk.push({ line: lineNumber, example: check.prepared! });
      chunkChars += check.prepared!.content.length;
      if (chunk.length >= CHUNK_EXAMPLES || chunkChars >= CHUNK_BYTES) await flush();
    }
    await flush();
    // AWS: a batch has at least one example (inline: 1..1000).
    if (count === 0) throw new BatchRejected(`${where}: the file has no examples.`);
    ctx.logger.info({ file: where, examples: count }, 's3Source examples read');
    return writer;
  } catch (error) {
    throw unreadable(where, error);
  } finally {
    file.discard();
  }
}

/** Store and line-stream failures → a failureReason; a transient store failure unchanged (retried). */
function unreadable(where: string, error: unknown): unknown {
  if (error instanceof LineStreamError) {
    if (error.kind === 'binary') return new BatchRejected(`${where}: the file is ${error.detail}, not JSON Lines text.`);
    if (error.kind === 'too-many-bytes') return new BatchRejected(`${where}: the file is too large for the examples the dataset may still hold.`);
    return new BatchRejected(`${where}: the file has too many lines.`);
  }
  if (!(error instanceof ObjectStoreError)) return error;
  switch (error.reason) {
    case 'no-such-bucket':
    case 'no-such-key':
      return new BatchRejected(`${where} does not exist (${error.reason === 'no-such-bucket' ? 'no such bucket' : 'no such key'}).`);
    case 'access-denied':
      return new BatchRejected(`Access to ${where} was denied: ${error.detail}`);
    case 'unavailable':
      return error;
  }
}
