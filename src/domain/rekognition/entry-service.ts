import {
  InvalidPaginationTokenException, InvalidParameterException, ResourceInUseException, ResourceNotReadyException,
} from '../../api/rekognition/errors.js';
import { ValidationException } from '../../api/trove/errors.js';
import { requesterOf } from '../../buckets/object-access.js';
import type { EntryFilter, LabelStatsRow, RkDatasetRecord } from '../../store/records.js';
import type { Repositories } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { fingerprint } from '../pagination.js';
import type { DatasetService } from './dataset-service.js';
import { EntriesChanged, ExpectationCheck } from './entry-versions.js';
import { countErrorCodes } from './error-counts.js';
import type { EntryExpectation } from './entry-versions.js';
import { readDataset } from './history/dataset-reads.js';
import { RekognitionJobs } from './job-kinds.js';
import type { DistributeEntriesPayload, ImportSource, UpdateEntriesPayload } from './job-kinds.js';
import type { RekognitionDeps } from './rekognition-deps.js';
import { SETTLED, statusChange } from './status.js';

interface EntryPageState { d: number; r: number; a: number; f: string }
interface ErrorCountState { d: number; r: number; a: number }
interface LabelPageState { d: number; a: string }
interface PositionQuery { filter: EntryFilter; position: number; listingToken?: string }
interface PositionToken { nextToken?: string; entryCount?: number }

/** The entries of Rekognition datasets: batched changes, distribution, filtered listing, label stats. */
export class EntryService {
  constructor(private readonly deps: RekognitionDeps, private readonly datasets: DatasetService) {}

  /**
   * AWS: UpdateDatasetEntries returns at once and the dataset moves UPDATE_IN_PROGRESS →
   * UPDATE_COMPLETE | UPDATE_FAILED. The decoded lines are stored with the job in the same
   * transaction that changes the status, before the response is sent.
   *
   * Trove: with `expected` (UpdateDatasetEntriesIfUnchanged), the same transaction first checks
   * that those entries are still the versions the client read, and accepts nothing otherwise
   * (EntriesChanged): the check and the acceptance are one step.
   */
  async acceptUpdate(caller: Caller, arn: string, groundTruth: Buffer, expected?: readonly EntryExpectation[]): Promise<void> {
    await this.acceptChange(caller, arn, { body: groundTruth, expected });
  }

  /**
   * A change's job, accepted as UpdateDatasetEntries accepts one: its lines (`body`), or an
   * import of another format that the same job converts to lines (domain/exchange/import-service.ts).
   * `busy` is the error for a dataset that is not settled (the caller's API's own). With
   * `expected`, the change is accepted only if those entries are still those versions. `attach`
   * runs in the accepting transaction with the new job's id (an uploaded file becomes the job's).
   * Resolves to the revision the change will be when its job has applied it (or failed it: a
   * failed change is a revision too).
   */
  async acceptChange(
    caller: Caller, arn: string,
    change: { body?: Buffer; import?: ImportSource; expected?: readonly EntryExpectation[]; attach?: (tx: Repositories, jobId: number) => Promise<void> },
    busy: (message: string) => Error = (message) => new ResourceInUseException(message),
  ): Promise<number> {
    const dataset = await this.datasets.find(caller, arn);
    const check = change.expected && change.expected.length > 0 ? new ExpectationCheck(dataset.id, change.expected) : undefined;
    // Lines are read and hashed before the transaction; inside it only the rows' revisions are.
    await check?.prepare(this.deps.store, dataset.revision);
    const now = this.deps.clock.now();
    const { jobId, revision } = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.rkDatasets.transition(dataset.id, SETTLED, statusChange('UPDATE_IN_PROGRESS', now)))) {
        throw busy(`The dataset ${arn} is ${describeBusy(dataset.status)}; try again when it has finished.`);
      }
      // No other change can commit while the dataset is UPDATE_IN_PROGRESS: the job writes the
      // next revision (read here, not before: a change may have committed since `find`).
      const next = (await tx.rkDatasets.findById(dataset.id))!.revision + 1;
      const conflicts = check ? await check.check(tx) : [];
      if (conflicts.length > 0) throw new EntriesChanged(conflicts);
      const payload: UpdateEntriesPayload = {
        datasetId: dataset.id, requester: requesterOf(caller), ...(change.import ? { import: change.import } : {}), ...(check ? { conditional: true } : {}),
      };
      const id = await tx.jobs.enqueue({
        kind: RekognitionJobs.updateEntries, payloadVersion: 1, resource: arn, payload, body: change.body, runAfter: now, createdAt: now,
      });
      await change.attach?.(tx, id);
      return { jobId: id, revision: next };
    });
    // Committed: this node's runner may read the lines from memory (the store's copy is read after a crash or on another node).
    this.deps.jobsEnqueued(change.body && { jobId, body: change.body });
    return revision;
  }

  /**
   * AWS: moves 20% of the TRAIN dataset's entries to the TEST dataset of the same project; the
   * test dataset must be empty; both go through UPDATE_IN_PROGRESS.
   */
  async acceptDistribute(caller: Caller, arns: readonly [string, string]): Promise<void> {
    const [first, second] = await Promise.all(arns.map((arn) => this.datasets.find(caller, arn)));
    if (first.datasetType === second.datasetType) {
      throw new InvalidParameterException('Specify the ARN of one training dataset and one test dataset.');
    }
    const [train, test] = first.datasetType === 'TRAIN' ? [first, second] : [second, first];
    if (train.projectId !== test.projectId) throw new InvalidParameterException('The training and test datasets must belong to the same project.');
    if (test.totalEntries > 0) throw new InvalidParameterException('The test dataset must be empty.');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      for (const dataset of [train, test]) {
        if (!(await tx.rkDatasets.transition(dataset.id, SETTLED, statusChange('UPDATE_IN_PROGRESS', now)))) {
          throw new ResourceNotReadyException(`The dataset ${dataset.arn} is ${describeBusy(dataset.status)}.`);
        }
      }
      const fresh = await tx.rkDatasets.findById(test.id);
      if (fresh!.totalEntries > 0) throw new InvalidParameterException('The test dataset must be empty.');
      const payload: DistributeEntriesPayload = { trainId: train.id, testId: test.id, requester: requesterOf(caller) };
      await tx.jobs.enqueue({
        kind: RekognitionJobs.distributeEntries, payloadVersion: 1, resource: `${train.arn} ${test.arn}`, payload, runAfter: now, createdAt: now,
      });
    });
    this.deps.jobsEnqueued();
  }

  /**
   * One page of entries, every page of a listing read at the revision of its first page, so
   * updates committed in between never add, drop or repeat an entry.
   */
  async list(caller: Caller, arn: string, query: { filter: EntryFilter; maxResults: number; nextToken?: string }): Promise<{
    entries: string[]; nextToken?: string;
  }> {
    const dataset = await this.datasets.find(caller, arn);
    const filter = asAwsMeansIt(query.filter);
    const filters = fingerprint(normalise(filter));
    let revision = dataset.revision;
    let afterId = 0;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<EntryPageState>('entries', query.nextToken);
      if (!state || state.d !== dataset.id || state.f !== filters || typeof state.a !== 'number' || typeof state.r !== 'number') {
        throw new InvalidPaginationTokenException();
      }
      ({ r: revision, a: afterId, t: startedAt } = state);
    } else if (dataset.status === 'CREATE_IN_PROGRESS') {
      throw new ResourceNotReadyException(`The dataset ${arn} is still being created.`);
    }
    const rows = await this.deps.store.rkEntries.page(dataset.id, revision, filter, afterId, query.maxResults + 1);
    const page = rows.slice(0, query.maxResults);
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue<EntryPageState>('entries', { d: dataset.id, r: revision, a: page[page.length - 1].id, f: filters }, startedAt)
      : undefined;
    return { entries: page.map((row) => row.line), nextToken };
  }

  /**
   * Trove (not AWS): a ListDatasetEntries NextToken whose page starts at `position` (0-based)
   * of the filtered listing, so a client can open any position without walking the pages before
   * it. Pinned like every page token: to the revision and start time of `listingToken` (a token
   * of the same listing) when given, else to the committed revision now. `entryCount` is set
   * instead when the listing has no entry at `position`. It reads the entries for the Trove API,
   * so under its rule for a dataset being deleted (readDataset): not found, also when the delete
   * starts while it reads, rather than a position or count in what the purge has left.
   */
  tokenAt(caller: Caller, arn: string, query: PositionQuery): Promise<PositionToken> {
    return readDataset(this.deps, caller, arn, (dataset) => this.#tokenAt(dataset, query));
  }

  async #tokenAt(dataset: RkDatasetRecord, query: PositionQuery): Promise<PositionToken> {
    const filter = asAwsMeansIt(query.filter);
    const filters = fingerprint(normalise(filter));
    let revision = dataset.revision;
    let startedAt: number | undefined;
    if (query.listingToken) {
      const state = this.deps.pageTokens.read<EntryPageState>('entries', query.listingToken);
      if (!state || state.d !== dataset.id || state.f !== filters || typeof state.r !== 'number') throw new InvalidPaginationTokenException();
      ({ r: revision, t: startedAt } = state);
    } else if (dataset.status === 'CREATE_IN_PROGRESS') {
      throw new ResourceNotReadyException(`The dataset ${dataset.arn} is still being created.`);
    }
    const at = await this.deps.store.rkEntries.positionAt(dataset.id, revision, filter, query.position);
    if ('count' in at) return { entryCount: at.count };
    return { nextToken: this.deps.pageTokens.issue<EntryPageState>('entries', { d: dataset.id, r: revision, a: at.afterId, f: filters }, startedAt) };
  }

  /**
   * Trove (not AWS): entries by cl-error code, counted on the server (error-counts.ts) within a
   * budget per call. `nextToken` goes on where the last call stopped, at the revision of the
   * first, so the sums of a walk to its end are that revision's exact counts. Under the Trove
   * API's rule for a dataset being deleted (readDataset), as every read of its entries.
   */
  errorCounts(caller: Caller, arn: string, nextToken: string | undefined): Promise<{
    revision: number; codes: Map<string, number>; entries: number; nextToken?: string;
  }> {
    return readDataset(this.deps, caller, arn, async (dataset) => {
      let revision = dataset.revision;
      let afterId = 0;
      let startedAt: number | undefined;
      if (nextToken) {
        const state = this.deps.pageTokens.read<ErrorCountState>('error-counts', nextToken);
        // The Trove API's own words for a bad token (as its history listings), not ListDatasetEntries'.
        // r <= the dataset's revision: SQLite may reuse a deleted dataset's id, and a token of the
        // old one must not read the new one at a revision it has not committed.
        if (!state || state.d !== dataset.id || typeof state.a !== 'number' || typeof state.r !== 'number' || state.r > dataset.revision) {
          throw new ValidationException('The pagination token is invalid, expired, or belongs to another listing.');
        }
        ({ r: revision, a: afterId, t: startedAt } = state);
      } else if (dataset.status === 'CREATE_IN_PROGRESS') {
        throw new ResourceNotReadyException(`The dataset ${arn} is still being created.`);
      }
      const { limits } = this.deps;
      const read = await countErrorCodes(
        (after, limit) => this.deps.store.rkEntries.page(dataset.id, revision, { hasErrors: true }, after, limit),
        afterId, { bytes: limits.errorCountBytesPerCall, ms: limits.errorCountMsPerCall },
      );
      return {
        revision, codes: read.codes, entries: read.entries,
        nextToken: read.afterId === undefined ? undefined
          : this.deps.pageTokens.issue<ErrorCountState>('error-counts', { d: dataset.id, r: revision, a: read.afterId }, startedAt),
      };
    });
  }

  /** One page of the dataset's labels in name order, with their entry and bounding-box counts. */
  async labels(caller: Caller, arn: string, query: { maxResults: number; nextToken?: string }): Promise<{
    labels: LabelStatsRow[]; nextToken?: string;
  }> {
    const dataset = await this.datasets.find(caller, arn);
    let afterLabel = '';
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<LabelPageState>('labels', query.nextToken);
      if (!state || state.d !== dataset.id || typeof state.a !== 'string') throw new InvalidPaginationTokenException();
      ({ a: afterLabel, t: startedAt } = state);
    } else if (dataset.status === 'CREATE_IN_PROGRESS') {
      throw new ResourceNotReadyException(`The dataset ${arn} is still being created.`);
    }
    const rows = await this.deps.store.rkLabels.page(dataset.id, afterLabel, query.maxResults + 1);
    const page = rows.slice(0, query.maxResults);
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue<LabelPageState>('labels', { d: dataset.id, a: page[page.length - 1].label }, startedAt)
      : undefined;
    return { labels: page, nextToken };
  }
}

function describeBusy(status: string): string {
  if (status === 'CREATE_IN_PROGRESS') return 'still being created';
  if (status === 'DELETE_IN_PROGRESS') return 'being deleted';
  return 'being updated';
}

/**
 * ListDatasetEntries' filters as AWS means them, for the listing and for Trove's page-token
 * operation alike (its tokens continue the same listing). AWS documents only HasErrors=true; its
 * guide's listing program sends HasErrors=false to mean "not errors only" and expects the whole
 * dataset, so false is no filter.
 */
function asAwsMeansIt(filter: EntryFilter): EntryFilter {
  return filter.hasErrors === false ? { ...filter, hasErrors: undefined } : filter;
}

function normalise(filter: EntryFilter): unknown {
  return {
    l: filter.containsLabels ? [...new Set(filter.containsLabels)].sort() : null,
    b: filter.labeled ?? null,
    e: filter.hasErrors ?? null,
    s: filter.sourceRefContains ?? null,
  };
}
