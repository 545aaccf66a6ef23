import { ResourceNotFoundException, ValidationException } from '../../../api/trove/errors.js';
import type { RkDatasetRecord, StoredEntry } from '../../../store/records.js';
import type { RevisionRecord } from '../../../store/rk-history-records.js';
import type { Caller } from '../../caller.js';
import { diffStep } from './entry-diff.js';
import type { DiffCursor, EntryPair } from './entry-diff.js';
import { confirmed, readDataset } from './dataset-reads.js';
import { describeChange } from './entry-shapes.js';
import type { EntryChange } from './entry-shapes.js';
import type { HistoryDeps } from './history-deps.js';
import { readReportItems } from './ingest-report.js';
import type { ReportItem } from './ingest-report.js';
import { assertReadable, resolvePoint } from './revision-points.js';
import type { RevisionPoint } from './revision-points.js';

/** A revision in history, with the snapshots that name it and whether its entries can still be read. */
export interface RevisionView extends RevisionRecord {
  snapshots: string[];
  entriesReadable: boolean;
}

/** Where a diff or a read stands: a revision, and the snapshot the request named it by. */
export interface PointView { revision: number; snapshot?: string }

export interface DiffChange extends EntryChange {
  sourceRef: string;
  change: 'ADDED' | 'REMOVED' | 'CHANGED';
  /** The stored line at `from` / at `to` (absent where the entry did not exist). */
  before?: string;
  after?: string;
}

/** Entries of a revision read page by page: what exports read (docs/architecture.md). */
export interface RevisionEntries extends PointView {
  readonly datasetArn: string;
  /**
   * Pages in listing order; each is checked afterwards to be still readable (EntriesCollected)
   * and its dataset still there, the same one, not being deleted (DatasetBeingDeleted).
   */
  pages(pageSize?: number): AsyncGenerator<StoredEntry[]>;
}

/** What a page of each listing asks for, and answers. */
interface PageQuery { maxResults: number; nextToken?: string }
interface RevisionsPage { revisions: RevisionView[]; nextToken?: string }
interface ReportPage { revision: RevisionRecord; items: ReportItem[]; nextToken?: string }
interface DiffQuery extends PageQuery { from: string; to?: string }
interface DiffPage { from: PointView; to: PointView; changes: DiffChange[]; nextToken?: string }
interface EntriesQuery extends PageQuery { at?: string }
interface EntriesPage { at: PointView; entries: string[]; nextToken?: string }

interface RevisionsToken { d: number; b: number }
interface ReportToken { d: number; r: number; p: number; o: number }
/** (`t` is the token's own: the time of the listing's first page.) */
interface DiffToken { d: number; f: number; u: number; fs?: string; us?: string; c: DiffCursor }
interface EntriesToken { d: number; r: number; s?: string; a: number }

/** Row versions looked at per diff step, and per diff page at most; a page's lines stop near this size. */
const DIFF_STEP = 250;
const DIFF_PAGE_SCAN = 5_000;
const PAGE_CHARS = 4 * 1024 * 1024;
/** Rows per page of a revision's entries (openRevision), fewer where their lines pass the store's page budget. */
const ENTRY_PAGE = 1000;

/**
 * The history of Rekognition datasets, read side: revisions with their counts, the ingest report
 * of each, differences between two revisions or snapshots, and the entries of any readable one.
 * Every listing pages with signed tokens pinned to what its first page resolved. Every read,
 * each page of a listing, goes through readDataset: a dataset being deleted has none of these.
 */
export class HistoryService {
  constructor(private readonly deps: HistoryDeps) {}

  listRevisions(caller: Caller, arn: string, query: PageQuery): Promise<RevisionsPage> {
    return readDataset(this.deps, caller, arn, (dataset) => this.#revisions(dataset, query));
  }

  async #revisions(dataset: RkDatasetRecord, query: PageQuery): Promise<RevisionsPage> {
    let before = Number.MAX_SAFE_INTEGER;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<RevisionsToken>('rk-revisions', query.nextToken);
      if (!state || state.d !== dataset.id || typeof state.b !== 'number') throw badToken();
      ({ b: before, t: startedAt } = state);
    }
    const rows = await this.deps.store.rkHistory.pageNewestFirst(dataset.id, before, query.maxResults + 1);
    const page = rows.slice(0, query.maxResults);
    const snapshots = await this.deps.store.rkSnapshots.atRevisions(dataset.id, page.map((row) => row.revision));
    const revisions = page.map((row) => {
      const names = snapshots.filter((snapshot) => snapshot.revision === row.revision).map((snapshot) => snapshot.name);
      return { ...row, snapshots: names, entriesReadable: !row.collected || names.length > 0 };
    });
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue<RevisionsToken>('rk-revisions', { d: dataset.id, b: page[page.length - 1].revision }, startedAt)
      : undefined;
    return { revisions, nextToken };
  }

  /** One page of a revision's ingest report: the lines it dropped and the entries it wrote with errors, in line order. */
  report(caller: Caller, arn: string, revision: number, query: PageQuery): Promise<ReportPage> {
    return readDataset(this.deps, caller, arn, (dataset) => this.#report(dataset, revision, query));
  }

  async #report(dataset: RkDatasetRecord, revision: number, query: PageQuery): Promise<ReportPage> {
    const record = await this.deps.store.rkHistory.find(dataset.id, revision);
    if (!record) throw new ResourceNotFoundException(`The dataset ${dataset.arn} has no revision ${revision} in its history.`);
    let part = 0;
    let offset = 0;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<ReportToken>('rk-report', query.nextToken);
      if (!state || state.d !== dataset.id || state.r !== revision || typeof state.p !== 'number' || typeof state.o !== 'number') throw badToken();
      ({ p: part, o: offset, t: startedAt } = state);
    }
    const items: ReportItem[] = [];
    let next: ReportToken | undefined;
    while (items.length < query.maxResults) {
      const [stored] = await this.deps.store.rkHistory.reportParts(dataset.id, revision, part, 1);
      if (!stored) break;
      const all = readReportItems([stored]);
      const taken = all.slice(offset, offset + query.maxResults - items.length);
      items.push(...taken.map(({ item }) => item));
      offset += taken.length;
      if (offset >= all.length) {
        part++;
        offset = 0;
      }
      const nextIndex = taken.length > 0 ? taken[taken.length - 1].index + 1 : record.reportItems;
      next = nextIndex < record.reportItems ? { d: dataset.id, r: revision, p: part, o: offset } : undefined;
      if (!next) break;
    }
    return { revision: record, items, nextToken: next && this.deps.pageTokens.issue<ReportToken>('rk-report', next, startedAt) };
  }

  /**
   * One page of the differences between the entries at `from` and at `to` (revision numbers or
   * snapshot names; `to` absent: the committed revision). Either order works; `before` is always
   * the entry at `from`. A page may hold fewer changes than asked, even none, with a nextToken.
   */
  diff(caller: Caller, arn: string, query: DiffQuery): Promise<DiffPage> {
    return readDataset(this.deps, caller, arn, (dataset) => this.#diff(dataset, query));
  }

  async #diff(dataset: RkDatasetRecord, query: DiffQuery): Promise<DiffPage> {
    const repos = this.deps.store;
    let from: PointView & { record: RevisionRecord };
    let to: PointView & { record: RevisionRecord };
    let cursor: DiffCursor | undefined;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<DiffToken>('rk-diff', query.nextToken);
      if (!state || state.d !== dataset.id || typeof state.f !== 'number' || typeof state.u !== 'number' || typeof state.c !== 'object') throw badToken();
      const record = async (revision: number) => (await repos.rkHistory.find(dataset.id, revision)) ?? throwCollected(revision);
      from = { revision: state.f, snapshot: state.fs, record: await record(state.f) };
      to = { revision: state.u, snapshot: state.us, record: await record(state.u) };
      ({ c: cursor, t: startedAt } = state);
    } else {
      from = await resolvePoint(repos, dataset, query.from);
      to = await resolvePoint(repos, dataset, query.to);
      await assertReadable(repos, dataset.id, [from.revision, to.revision]);
    }
    const inverted = from.revision > to.revision;
    const [older, newer] = inverted ? [to.record, from.record] : [from.record, to.record];
    const changes: DiffChange[] = [];
    let chars = 0;
    let scanned = 0;
    let next: DiffCursor | undefined = cursor;
    let done = false;
    while (!done && changes.length < query.maxResults && chars < PAGE_CHARS && scanned < DIFF_PAGE_SCAN) {
      const step = await diffStep(repos, dataset.id, older, newer, next, DIFF_STEP);
      scanned += DIFF_STEP;
      for (const { pair, cursor: after } of step.pairs) {
        const change = toChange(pair, inverted);
        changes.push(change);
        chars += (change.before?.length ?? 0) + (change.after?.length ?? 0);
        next = after;
        if (changes.length >= query.maxResults || chars >= PAGE_CHARS) break;
      }
      if (changes.length < query.maxResults && chars < PAGE_CHARS) {
        next = step.next;
        done = next === undefined;
      }
    }
    const nextToken = done ? undefined : this.deps.pageTokens.issue<DiffToken>('rk-diff', {
      d: dataset.id, f: from.revision, u: to.revision, ...(from.snapshot ? { fs: from.snapshot } : {}), ...(to.snapshot ? { us: to.snapshot } : {}), c: next!,
    }, startedAt);
    return { from: pointView(from), to: pointView(to), changes, nextToken };
  }

  /** One page of the entries at a revision or snapshot (`at` absent: the committed revision), in listing order. */
  listEntriesAt(caller: Caller, arn: string, query: EntriesQuery): Promise<EntriesPage> {
    return readDataset(this.deps, caller, arn, (dataset) => this.#entriesAt(dataset, query));
  }

  async #entriesAt(dataset: RkDatasetRecord, query: EntriesQuery): Promise<EntriesPage> {
    let at: PointView;
    let afterId = 0;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<EntriesToken>('rk-entries-at', query.nextToken);
      if (!state || state.d !== dataset.id || typeof state.r !== 'number' || typeof state.a !== 'number') throw badToken();
      at = { revision: state.r, ...(state.s ? { snapshot: state.s } : {}) };
      ({ a: afterId, t: startedAt } = state);
    } else {
      at = pointView(await this.#readablePoint(dataset, query.at));
    }
    // A page stops at maxResults or near PAGE_CHARS of lines; each read holds at most the store's
    // page budget of lines (byte-pages.ts), so 1000 lines of 100,000 characters are never read at once.
    const entries: string[] = [];
    let chars = 0;
    let last = afterId;
    let ended = false;
    while (!ended && entries.length < query.maxResults && chars < PAGE_CHARS) {
      const rows = await this.#page(dataset.id, at.revision, last, query.maxResults - entries.length);
      ended = rows.length === 0;
      for (const row of rows) {
        entries.push(row.line);
        chars += row.line.length;
        last = row.id;
        if (chars >= PAGE_CHARS) break;
      }
    }
    // The last page has no token: look one row ahead (a read may stop short of `limit` at its byte budget).
    const more = !ended && (await this.#page(dataset.id, at.revision, last, 1)).length > 0;
    const nextToken = more
      ? this.deps.pageTokens.issue<EntriesToken>('rk-entries-at', {
        d: dataset.id, r: at.revision, ...(at.snapshot ? { s: at.snapshot } : {}), a: last,
      }, startedAt)
      : undefined;
    return { at, entries, nextToken };
  }

  /**
   * The one way to read every entry of a dataset at a revision or snapshot (`at` absent: the
   * committed revision), e.g. for exports: resolves `at` once, checks it is readable, and reads
   * pages in listing order, each checked afterwards to be still readable. A dataset being deleted
   * has nothing to read (DatasetBeingDeleted), at the start or after any page.
   */
  async openRevision(caller: Caller, arn: string, at?: string): Promise<RevisionEntries> {
    // Opened under the rule of every history read; its pages are read later, by the caller, each
    // confirmed as readDataset confirms one.
    const { dataset, point } = await readDataset(this.deps, caller, arn, async (found) => ({
      dataset: found, point: pointView(await this.#readablePoint(found, at)),
    }));
    const store = this.deps.store;
    // DeleteDataset purges entries before history records, so the history check alone passes a
    // page read mid-purge (short, or empty): the dataset itself says the page was whole.
    const page = (afterId: number, size: number) => confirmed(store, dataset, this.#page(dataset.id, point.revision, afterId, size));
    return {
      ...point,
      datasetArn: dataset.arn,
      async* pages(pageSize = ENTRY_PAGE) {
        for (let afterId = 0; ;) {
          const rows = await page(afterId, pageSize);
          if (rows.length === 0) return;
          yield rows;
          afterId = rows[rows.length - 1].id;
        }
      },
    };
  }

  async #readablePoint(dataset: { id: number; arn: string; revision: number }, at: string | undefined): Promise<RevisionPoint> {
    const point = await resolvePoint(this.deps.store, dataset, at);
    await assertReadable(this.deps.store, dataset.id, [point.revision]);
    return point;
  }

  async #page(datasetId: number, revision: number, afterId: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.deps.store.rkEntries.scan(datasetId, revision, afterId, limit);
    await assertReadable(this.deps.store, datasetId, [revision]);
    return rows;
  }
}

function toChange(pair: EntryPair, inverted: boolean): DiffChange {
  const before = inverted ? pair.after : pair.before;
  const after = inverted ? pair.before : pair.after;
  const change = before && after ? 'CHANGED' : before ? 'REMOVED' : 'ADDED';
  return {
    sourceRef: pair.sourceRef, change, ...(before ? { before: before.line } : {}), ...(after ? { after: after.line } : {}), ...describeChange(before, after),
  };
}

function pointView(point: PointView): PointView {
  return { revision: point.revision, ...(point.snapshot ? { snapshot: point.snapshot } : {}) };
}

function badToken(): ValidationException {
  return new ValidationException('The pagination token is invalid, expired, or belongs to another listing.');
}

function throwCollected(revision: number): never {
  throw new ResourceNotFoundException(`Revision ${revision} is no longer in the dataset's history.`);
}
