import type { EntryFilter } from '../records.js';
import { RecentValues } from '../../lib/recent-values.js';
import { placeholders } from './sql-driver.js';
import type { SqlDialect, SqlExecutor, SqlValue, TrigramStatistics } from './sql-driver.js';
import { allOf, gramQuery } from './source-ref-grams.js';
import type { GramScope } from './source-ref-grams.js';
import { CHUNK_IDS, chunkOf, intersect, windowBuckets } from './source-ref-chunks.js';
import { afterInDataset, newestInDataset } from './entries-after.js';
import type { BucketSize, SourceRefChunks } from './source-ref-chunks.js';

const VISIBLE = 'e.created_rev <= ? AND (e.deleted_rev IS NULL OR e.deleted_rev > ?)';
/** Index entries a walk in listing order looks at per row asked for, before a substring index takes over. */
const WALK_PER_ROW = 20;
/** A walk goes on past its first stretch only while its hit rate promises a page within this many stretches. */
const MAX_STRETCHES = 8;
/** Postings read per window to estimate how common it is (SQLite's substring index). */
const PROBE = 256;
/**
 * Windows or trigrams of one substring looked at, at most, spread over it (any of them rules out
 * only source-refs without the substring): a 2,048-character SourceRefContains costs what a
 * short one does, not a probe per window.
 */
const MAX_TERMS = 16;
/** PostgreSQL: a trigram in more than this share of source-refs is not asked of the trigram index (but the first). */
const COMMON_TRIGRAM = 0.5;
/** Source-refs a substring query may let through to the exact test, about. */
const TARGET_CANDIDATES = 32;
/** Reading one candidate row costs about this many index entries of a walk (PostgreSQL's heap; label rows). */
const HEAP_VISIT = 10;
/** PostgreSQL: how long planner statistics are used before they are read again. */
const STATISTICS_TTL_MS = 60_000;
/**
 * PostgreSQL's ordered index: a substring whose rarest window is in more than this share of the
 * ids of the chunks that hold it is left to the walk (which finds a page in a few of its stretches).
 */
const COMMON_WINDOW = 0.05;
/** A second window is intersected with the rarest only when no more common than this (decoding a window every entry has costs more than it saves). */
const COMMON_SECOND_WINDOW = 0.25;
/** Dataset and bucket sizes kept at most (#bucketSizes). */
const MAX_CACHED_SIZES = 50_000;
/** Label counts kept at most (#labelRows): a label is up to 255 characters, so about 2 MB. */
const MAX_CACHED_LABELS = 4096;
/** Chunks read at most in one round of a page (the rounds double, from what the rarest window promises). */
const MAX_CHUNKS_A_ROUND = 64;
/** Postings of the chosen buckets a first round of chunks may read, about, to find 2 pages of rare candidates (#fromChunks). */
const POSTINGS_A_ROUND = 4096;
/** Candidates a statement of the ordered index's page reads beyond twice what the page still needs (#fromChunks). */
const CANDIDATES_SLACK = 32;
/** Candidates such a statement reads at most: the planner weighs each id of `id = ANY(...)`. */
const MAX_CANDIDATES = 1024;
/**
 * PostgreSQL's ordered index: what a node keeps of small buckets (#fromPostings). A bucket with
 * at most `bucketPostings` postings in a dataset is kept whole; `postings` in all, at most (8
 * bytes each, about): a bucket that would take the total past it drops all the kept ones first.
 */
export interface KeptBuckets { readonly bucketPostings: number; readonly postings: number }
const KEPT_BUCKETS: KeptBuckets = { bucketPostings: 65_536, postings: 2_000_000 };

/** One listing query: the entries visible at `revision` matching `filter`, after `afterId`, at most `limit`. */
interface Query {
  readonly datasetId: number;
  readonly revision: number;
  readonly filter: EntryFilter;
  readonly limit: number;
}

export interface ListedRow { id: number; line: string }

/**
 * A substring index's answer for SourceRefContains: `expected` candidates about (Infinity when
 * unknown), and the matching entries after an id, in listing order.
 */
interface SubstringSearch {
  readonly expected: number;
  /** True when the candidates come in listing order (then reading them costs what the page needs). */
  readonly ordered: boolean;
  /** Entry rows of the scope searched, of all datasets (Infinity when unknown). */
  readonly within: number;
  /** True when `expected` comes from statistics of the scope itself (PostgreSQL's minority scopes), not of all entries. */
  readonly scopeKnown: boolean;
  rows(afterId: number, limit: number, lines: boolean, extra?: Condition): Promise<ListedRow[]>;
  /**
   * Unordered indexes (PostgreSQL): a SELECT of `id, NULL, line` (the line when `lines`, else
   * NULL) for the matches whose id is above the SQL expression `after`, in listing order, at
   * most `limit`.
   */
  beyond?(after: Condition, limit: number, lines: boolean): Condition;
}

/** A WHERE term with its parameters. */
interface Condition { readonly sql: string; readonly params: readonly SqlValue[] }

/**
 * ListDatasetEntries' read path. A page walks one index that is already in listing order (entry
 * row id), testing the other filters on what that index holds: a label's rows (which carry their
 * entry's has_errors and source_ref), the entries with errors or without labels (whose indexes
 * carry the other filters' columns), or the whole listing order. SourceRefContains has a substring
 * index besides: SQLite's gram index (source-ref-grams.ts, rowid order, so its candidates come
 * in listing order) or PostgreSQL's pg_trgm GIN index (candidates unordered: read whole, then
 * sorted). Which one a page uses depends on how many candidates each promises: the rarest
 * windows or trigrams of the substring are estimated (SQLite reads a few postings of each,
 * PostgreSQL reads the planner's statistics of trigrams), and when the substring index expects
 * many, a bounded walk of the listing order goes first: a common substring fills the page there.
 */
export class RkEntryListing {
  #statistics: { read: number; value: Promise<TrigramStatistics | undefined> } | undefined;
  /** Rows per dataset and label in its committed revision (#labelRows). */
  readonly #labelCounts = new RecentValues<number>(STATISTICS_TTL_MS, MAX_CACHED_LABELS);
  /** PostgreSQL's ordered index: postings per dataset and bucket (#bucketSizes). */
  readonly #sizes = new RecentValues<BucketSize>(STATISTICS_TTL_MS, MAX_CACHED_SIZES);
  /** PostgreSQL's ordered index: small buckets' postings per dataset and bucket, up to the progress mark they were read at (#fromPostings). */
  readonly #kept = new Map<string, { upTo: number; ids: number[] }>();
  /** The postings in #kept (#keep, #drop). */
  #keptPostings = 0;

  /** `keep`: what the node keeps of the ordered index's small buckets (tests make it smaller). */
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect, private readonly chunks?: SourceRefChunks,
    private readonly keep: KeptBuckets = KEPT_BUCKETS) {}

  /** The page: ids and lines. */
  async page(datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<ListedRow[]> {
    return this.#select({ datasetId, revision, filter, limit }, afterId, true);
  }

  /** The ids of the page only (positions, page tokens). */
  async ids(datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<number[]> {
    return (await this.#select({ datasetId, revision, filter, limit }, afterId, false)).map((row) => row.id);
  }

  async #select(query: Query, afterId: number, lines: boolean): Promise<ListedRow[]> {
    const { filter } = query;
    // No stored label or source-ref contains U+0000 (the manifest validator refuses it), and
    // PostgreSQL cannot even take it as a parameter: such a filter term matches nothing.
    if (filter.sourceRefContains?.includes('\u0000')) return [];
    if (filter.containsLabels && filter.containsLabels.length > 0) {
      // Label rows come from valid label attributes, so every entry that has one is labeled.
      if (filter.labeled === false) return [];
      return this.#withLabels(query, afterId, lines);
    }
    if (filter.sourceRefContains !== undefined) return this.#containing(query, filter.sourceRefContains, afterId, lines);
    return this.#walk(query, afterId, query.limit, lines);
  }

  /**
   * SourceRefContains without labels: PostgreSQL's ordered index first (#fromChunks), for the
   * ids it holds; the substring index of the dialect or the walk for the rest (#containingBeyond).
   */
  async #containing(query: Query, text: string, afterId: number, lines: boolean): Promise<ListedRow[]> {
    const search = await this.#substringSearch(query, text);
    // PostgreSQL: the ordered index for the ids it holds, unless the trigram index alone
    // promises candidates that cost less than a page of index entries; the rows above it as before.
    const alone = search !== undefined && search.expected * HEAP_VISIT <= query.limit;
    const chunked = this.chunks && !alone && query.filter.hasErrors !== true && query.filter.labeled !== false
      ? await this.#fromChunks(query, text, afterId, lines) : undefined;
    if (!chunked) return this.#containingBeyond(query, search, afterId, lines);
    if (chunked.rows.length >= query.limit || chunked.complete) return chunked.rows;
    const rest = await this.#containingBeyond({ ...query, limit: query.limit - chunked.rows.length }, search, Math.max(afterId, chunked.indexedUpTo), lines);
    return chunked.rows.concat(rest);
  }

  /**
   * PostgreSQL's ordered index (source-ref-chunks.ts), for a substring of at least one window and
   * a scope of every entry: the chunks of its rarest window (and of the next rarest, intersected,
   * unless that one is very common) read in listing order, in rounds that double from what the
   * rarest window promises, then the candidates read by id with the exact test, up to the page.
   * Undefined when the index cannot serve (no window, not indexed past `afterId`, or a window so
   * common that the walk is faster); else the matches among the ids up to `indexedUpTo`, and
   * whether the dataset has no row above it (else those are read as before).
   */
  async #fromChunks(query: Query, text: string, afterId: number, lines: boolean): Promise<{ rows: ListedRow[]; indexedUpTo: number; complete: boolean } | undefined> {
    const buckets = spread(windowBuckets(text), MAX_TERMS);
    if (buckets.length === 0) return undefined;
    const sizes = await this.#bucketSizes(query.datasetId, buckets);
    const ranked = buckets.map((bucket): BucketSize => sizes.get(bucket) ?? { bucket, postings: 0, chunks: 0 }).sort((a, b) => a.postings - b.postings);
    const [rarest, next] = ranked;
    const density = (size: BucketSize) => size.postings / (Math.max(1, size.chunks) * CHUNK_IDS);
    if (density(rarest) > COMMON_WINDOW) return undefined;
    const chosen = next && density(next) <= COMMON_SECOND_WINDOW ? [rarest.bucket, next.bucket] : [rarest.bucket];
    const bySize = (bucket: number) => ranked.find((size) => size.bucket === bucket)!;
    if (chosen.every((bucket) => bySize(bucket).postings <= this.keep.bucketPostings)) {
      const kept = await this.#fromPostings(query, chosen, afterId, lines);
      if (kept) return kept;
    }
    let from = chunkOf(afterId + 1);
    // (Sizes read a while ago guide the choices only: what a page reads comes from the chunks read now.)
    // A window the dataset had no posting of: one round over every chunk (an index probe per bucket finds what came since).
    // Else as many chunks as should hold 2 pages of the rarest window's postings, or, when the
    // second window chosen makes candidates rarer than that (their expected count: the rarest's
    // postings times the second's share of the ids of its chunks, as if independent), as many as
    // should hold 2 pages of candidates, up to POSTINGS_A_ROUND postings of both buckets: a
    // substring with fewer matches than a page ends its page only at the last chunk, and took a
    // round trip per doubling.
    const candidates = rarest.postings * (chosen.length > 1 ? density(bySize(chosen[1])) : 1);
    const perChunk = chosen.reduce((sum, bucket) => sum + bySize(bucket).postings / Math.max(1, bySize(bucket).chunks), 0);
    const pages = (expected: number) => Math.ceil((2 * query.limit * rarest.chunks) / Math.max(expected, Number.MIN_VALUE));
    let span = rarest.postings === 0 ? 2 ** 40
      : Math.min(MAX_CHUNKS_A_ROUND, Math.max(1, pages(rarest.postings), Math.min(pages(candidates), Math.floor(POSTINGS_A_ROUND / perChunk))));
    const rows: ListedRow[] = [];
    let indexedUpTo: number | undefined;
    let newest = Infinity;
    while (rows.length < query.limit && (indexedUpTo === undefined || from <= chunkOf(indexedUpTo))) {
      // A round starts at the next chunk holding the rarest window (chosen[0]), wherever that is.
      const found = await this.chunks!.candidates(query.datasetId, chosen, from, span);
      // The progress mark of the first round holds for the page (later rounds only read chunks up to it).
      if (indexedUpTo === undefined) ({ indexedUpTo, newest } = found);
      if (indexedUpTo === undefined || indexedUpTo <= afterId) return undefined;
      const ids = found.ids.filter((id) => id > afterId && id <= indexedUpTo!);
      await this.#candidates(query, ids, rows, lines, false);
      // No chunk of the rarest window from `from` on: no match up to the mark.
      if (found.start === undefined) break;
      from = found.start + span;
      span = Math.min(MAX_CHUNKS_A_ROUND, span * 2);
    }
    return { rows, indexedUpTo: indexedUpTo!, complete: newest <= indexedUpTo! };
  }

  /**
   * #fromChunks from buckets kept whole in the node: their postings up to the progress mark
   * they were read at, intersected, then the candidates read by id in batches; the first such
   * statement also returns the progress mark and the dataset's highest id, so that a page whose
   * buckets are kept is one statement, as an unfiltered one. Sound because every id up to a mark
   * is final and a row's source-ref never changes: the postings up to a mark can only lose ids
   * (purged row versions, which the row test finds gone). When the mark has moved on since, the
   * rows above the kept one are read as those above any mark (the caller), and the buckets are
   * read again at the next page; when it went back (a restored database), everything kept is
   * dropped and the page is read by the rounds of chunks. The sizes that sent the page here may be
   * a minute old: a bucket found grown past the bound meanwhile is neither kept nor read (its
   * statement reads no chunk then), its size is noted, and the page takes those rounds.
   * Undefined: use those rounds.
   */
  async #fromPostings(query: Query, chosen: readonly number[], afterId: number, lines: boolean): Promise<{ rows: ListedRow[]; indexedUpTo: number; complete: boolean } | undefined> {
    const key = (bucket: number) => `${query.datasetId}:${bucket}`;
    let lists = chosen.map((bucket) => this.#kept.get(key(bucket)));
    const forget = () => chosen.forEach((bucket) => this.#drop(key(bucket)));
    if (lists.some((list) => list === undefined || list.upTo !== lists[0]!.upTo)) {
      const read = await this.chunks!.postings(query.datasetId, chosen, this.keep.bucketPostings);
      this.#noteSizes(query.datasetId, chosen, read.sizes, Date.now());
      forget();
      const found = read.lists;
      if (read.indexedUpTo === undefined || !found) return undefined;
      const incoming = chosen.reduce((sum, bucket) => sum + (found.get(bucket)?.length ?? 0), 0);
      if (this.#keptPostings + incoming > this.keep.postings) this.#forgetKept();
      lists = chosen.map((bucket) => this.#keep(key(bucket), { upTo: read.indexedUpTo!, ids: found.get(bucket) ?? [] }));
    }
    const upTo = lists[0]!.upTo;
    if (upTo <= afterId) {
      forget();
      return undefined;
    }
    const [shortest, ...others] = lists.map((list) => list!.ids).sort((a, b) => a.length - b.length);
    let ids = shortest.filter((id) => id > afterId);
    for (const other of others) ids = intersect(ids, other);
    const rows: ListedRow[] = [];
    const state = await this.#candidates(query, ids, rows, lines, true);
    if (state === undefined || state.mark < upTo) {
      this.#forgetKept();
      return undefined;
    }
    if (state.mark > upTo) forget();
    return { rows, indexedUpTo: upTo, complete: state.newest <= upTo };
  }

  #keep(key: string, list: { upTo: number; ids: number[] }): { upTo: number; ids: number[] } {
    this.#drop(key);
    this.#kept.set(key, list);
    this.#keptPostings += list.ids.length;
    return list;
  }

  #drop(key: string): void {
    const list = this.#kept.get(key);
    if (!list) return;
    this.#kept.delete(key);
    this.#keptPostings -= list.ids.length;
  }

  #forgetKept(): void {
    this.#kept.clear();
    this.#keptPostings = 0;
  }

  /**
   * The postings of each bucket in the dataset, read again once a minute (like the trigram
   * statistics: they only guide which index a page takes).
   */
  async #bucketSizes(datasetId: number, buckets: readonly number[]): Promise<Map<number, BucketSize>> {
    const now = Date.now();
    const sizes = new Map<number, BucketSize>();
    const missing: number[] = [];
    for (const bucket of buckets) {
      const known = this.#sizes.fresh(`${datasetId}:${bucket}`, now);
      if (known) sizes.set(bucket, known);
      else missing.push(bucket);
    }
    if (missing.length === 0) return sizes;
    for (const [bucket, size] of this.#noteSizes(datasetId, missing, await this.chunks!.sizes(datasetId, missing), now)) sizes.set(bucket, size);
    return sizes;
  }

  /** Notes the sizes of `buckets` read at `now` (`read`: those that have postings); returns them. */
  #noteSizes(datasetId: number, buckets: readonly number[], read: readonly BucketSize[], now: number): Map<number, BucketSize> {
    const byBucket = new Map(read.map((size) => [size.bucket, size]));
    const noted = new Map<number, BucketSize>();
    for (const bucket of buckets) {
      const size = byBucket.get(bucket) ?? { bucket, postings: 0, chunks: 0 };
      this.#sizes.note(`${datasetId}:${bucket}`, size, now);
      noted.set(bucket, size);
    }
    return noted;
  }

  /**
   * Appends to `rows`, up to the page's limit, the first of `ids` (ascending) that are the
   * dataset's entries visible at the page's revision and pass every filter (the substring's exact
   * test among them), in listing order: one probe of the primary key per candidate, stopping at
   * the page. `withState`: the first statement also returns the ordered index's progress mark and
   * the dataset's highest row id (undefined without a progress row).
   */
  async #candidates(query: Query, ids: readonly number[], rows: ListedRow[], lines: boolean, withState: boolean): Promise<{ mark: number; newest: number } | undefined> {
    const filters = this.#filters(query.filter);
    const newest = newestInDataset(query.datasetId);
    let state: { mark: number; newest: number } | undefined;
    let asked = !withState;
    // A statement per batch: first about twice what the page still needs, then as many as the hit
    // rate found says that takes, MAX_CANDIDATES at most (the planner weighs each id: 2,600 of
    // them took 1.3-3 ms to plan, 245 0.5 ms). At least one when `withState`.
    let batch = 2 * (query.limit - rows.length) + CANDIDATES_SLACK;
    for (let at = 0; !asked || (at < ids.length && rows.length < query.limit);) {
      const slice = ids.slice(at, (at += batch));
      const first = !asked;
      asked = true;
      const select = `SELECT 0 AS kind, e.id, ${lines ? 'e.line' : 'NULL::text AS line'} FROM rk_entries e
        WHERE e.dataset_id = ? AND e.id = ANY(?::int8[]) AND ${VISIBLE} ${filters.sql} ORDER BY e.id LIMIT ?`;
      const params: SqlValue[] = [query.datasetId, `{${slice.join(',')}}`, query.revision, query.revision, ...filters.params, query.limit - rows.length];
      const found = await this.db.all<{ kind: number; id: number; line: string | null }>(
        first ? `(${select}) UNION ALL SELECT 1, indexed_upto, NULL FROM rk_ref_chunk_progress WHERE id = 1 UNION ALL SELECT 2, COALESCE(${newest.sql}, 0), NULL` : select,
        first ? [...params, ...newest.params] : params,
      );
      if (first) {
        const mark = found.find((row) => Number(row.kind) === 1);
        // (No progress row: no state, and the caller reads the page otherwise.)
        if (mark) state = { mark: Number(mark.id), newest: Number(found.find((row) => Number(row.kind) === 2)?.id ?? 0) };
      }
      const matched = found.filter((row) => Number(row.kind) === 0).map((row) => ({ id: Number(row.id), line: row.line ?? '' })).sort((a, b) => a.id - b.id);
      rows.push(...matched);
      batch = Math.min(MAX_CANDIDATES, Math.ceil((2 * (query.limit - rows.length) * slice.length) / Math.max(1, matched.length)) + CANDIDATES_SLACK);
    }
    return state;
  }

  /**
   * SourceRefContains without labels, by the substring index `search` or the walk. PostgreSQL's
   * unordered trigram index: #walkThenSearch.
   * SQLite's gram index, whose candidates come in listing order: directly for a substring of
   * windows; for a shorter one (a prefix query, of unknown cost: all of its postings, of every
   * dataset, are read at once) first a stretch of the listing order (of the entries with errors
   * or without labels when asked for), then the index beyond.
   *
   * In the whole listing order the stretch is first bounded by ids, not by entries: the entries
   * up to `stretch` ids past `afterId`, in the one statement that reads the page. A dataset
   * written in bulk has dense ids, so that is the same stretch, and a substring that a walk meets
   * often (`.png`, `7.`) fills the page there without the statement that counted where the
   * stretch ends (a third of such a page's time). When it does not fill the page, the entries it
   * passed are counted: all of a stretch (dense ids) sends the rest to the index at once, as
   * before; fewer (ids shared with other datasets, or the dataset's end) leave the rest of the
   * stretch to walk. (The minority scopes' walks are short in ids: they count first, as before.)
   */
  async #containingBeyond(query: Query, search: SubstringSearch | undefined, afterId: number, lines: boolean): Promise<ListedRow[]> {
    if (!search) return this.#walk(query, afterId, query.limit, lines);
    if (!search.ordered) return this.#walkThenSearch(query, search, afterId, lines);
    if (Number.isFinite(search.expected)) return search.rows(afterId, query.limit, lines);
    const stretch = WALK_PER_ROW * query.limit;
    if (this.#walkOf(query.filter).predicate !== '') return this.#walkThenPrefix(query, search, afterId, lines, stretch);
    const upTo = afterId + stretch;
    const near = await this.#walk(query, afterId, query.limit, lines, upTo);
    if (near.length >= query.limit) return near;
    const passed = await this.#entriesBetween(query.datasetId, afterId, upTo);
    const rest = { ...query, limit: query.limit - near.length };
    return near.concat(passed >= stretch
      ? await search.rows(upTo, rest.limit, lines)
      : await this.#walkThenPrefix(rest, search, upTo, lines, stretch - passed));
  }

  /**
   * A short substring's page after `afterId` (#containingBeyond): how far a walk of `stretch`
   * index entries reaches, the walk up to there, then the prefix query beyond it.
   */
  async #walkThenPrefix(query: Query, search: SubstringSearch, afterId: number, lines: boolean, stretch: number): Promise<ListedRow[]> {
    const bound = await this.#boundary(query, afterId, stretch);
    if (bound.count === 0) return [];
    const rows = await this.#walk(query, afterId, query.limit, lines, bound.last);
    if (rows.length >= query.limit || bound.count < stretch) return rows;
    return rows.concat(await search.rows(bound.last, query.limit - rows.length, lines));
  }

  /**
   * The dataset's entry rows (of any revision) with ids in (`afterId`, `upTo`]: from its
   * listing-order index alone. Not pinned (INDEXED BY is for partial indexes, which SQLite cannot
   * tell from the whole table; #walkOf): an equality and a range on (dataset_id, id) take
   * rk_entries_dataset_order, as the walk of the same range does (sqlite-query-plans.test.ts).
   */
  async #entriesBetween(datasetId: number, afterId: number, upTo: number): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM rk_entries e WHERE e.dataset_id = ? AND e.id > ? AND e.id <= ?', [datasetId, afterId, upTo]);
    return Number(row?.n ?? 0);
  }

  /**
   * PostgreSQL, whose substring index yields its candidates unordered (each one a row read, then
   * sorted): a stretch of the listing order first, the index only for what lies beyond it. Each
   * round is one query (#stretch). A scope no larger than the walk's budget (MAX_STRETCHES
   * stretches; entries with errors, often) is walked whole, in one query (#wholeScope), unless the
   * scope's own trigram statistics say the substring is rare there: then its trigram index alone
   * (the statistics of all source-refs say little of a minority). When the index's expected
   * candidates cost less than a page of index entries (HEAP_VISIT each), the index is asked
   * alone; when no more than that budget, it follows a first stretch in the same query. Else the
   * first walk passes twice the entries the substring's estimated share of the scope says a page
   * needs (at least a stretch, at most the budget) and comes back with how far it reached; its
   * hit rate then says how much further a walk should go before the index, in a second query.
   */
  async #walkThenSearch(query: Query, search: SubstringSearch, afterId: number, lines: boolean): Promise<ListedRow[]> {
    const stretch = WALK_PER_ROW * query.limit;
    const budget = stretch * MAX_STRETCHES;
    const indexCost = search.expected * HEAP_VISIT;
    const whole = search.within <= budget;
    const share = search.expected / search.within;
    // Candidates that cost less than a page of index entries: the index alone, in the simplest statement.
    if (!whole && indexCost <= query.limit) return search.rows(afterId, query.limit, lines);
    // A scope walked whole, whose own statistics say the substring is rare there: the index alone
    // when its candidates cost less than the entries a walk would pass to fill the page.
    if (whole && search.scopeKnown && indexCost <= Math.min(search.within, share > 0 ? query.limit / share : Infinity)) {
      return search.rows(afterId, query.limit, lines);
    }
    if (!whole && indexCost <= budget) return (await this.#stretch(query, afterId, Math.ceil(Math.min(stretch, indexCost)), lines, search)).rows;
    const walk = whole ? budget : Math.ceil(Math.min(budget, Math.max(stretch, share > 0 ? (2 * query.limit) / share : 0)));
    let first: { rows: ListedRow[]; walked: number; last: number };
    if (whole) {
      const scope = await this.#wholeScope(query, afterId, walk, lines);
      if (scope.complete) return scope.rows;
      // The scope outgrew its estimate: how far the walk reached, as below.
      first = { rows: scope.rows, walked: walk, last: (await this.#boundary(query, afterId, walk)).last };
    } else {
      first = await this.#stretch(query, afterId, walk, lines);
    }
    if (first.rows.length >= query.limit || first.walked < walk) return first.rows;
    const found = first.rows.length;
    // Index entries a walk would still pass to fill the page at the first walk's hit rate.
    const toGo = found === 0 ? Infinity : ((query.limit - found) * walk) / found;
    const further = toGo <= budget - walk ? Math.ceil(toGo * 1.25) : 0;
    const rest = await this.#stretch({ ...query, limit: query.limit - found }, first.last, further, lines, search);
    return first.rows.concat(rest.rows);
  }

  /**
   * One query: the matches among the next `count` index entries of the walk #walkOf chooses
   * (tested on the index alone), then either the substring index's matches beyond them or,
   * without `search`, how far those entries reach (`walked`, `last`); the lines of the page
   * alongside. The parts are a UNION ALL under one LIMIT: PostgreSQL runs them in order and stops
   * once the page is full, so the index is not read at all when the walk fills the page. (The
   * join that reads the lines may be planned as any join: only the final ORDER BY keeps the order.)
   */
  async #stretch(query: Query, afterId: number, count: number, lines: boolean, search?: SubstringSearch): Promise<{ rows: ListedRow[]; walked: number; last: number }> {
    const { index, predicate, residual } = this.#walkOf(query.filter);
    // Only a (dataset_id, id) index, whose entries carry what the filters test, can serve the walk (afterInDataset).
    const after = afterInDataset(query.datasetId, afterId);
    const entries = (columns: string) => `SELECT ${columns} FROM rk_entries e ${index}
      WHERE ${after.sql} ${predicate} ORDER BY e.dataset_id, e.id LIMIT ?`;
    const at = [...after.params, count];
    const matches = `SELECT w.id, NULL::bigint AS walked, NULL::text AS line FROM (${entries(`e.id, (${VISIBLE} ${residual.sql}) AS hit`)}) w WHERE w.hit`;
    // (The tests, in the select list, come before the walk's bounds.)
    const params: SqlValue[] = [query.revision, query.revision, ...residual.params, ...at];
    // The substring index after the stretch's last entry (NULL when it has none: then nothing
    // lies beyond either), or that entry itself with the stretch's length.
    const beyond = search?.beyond
      ? search.beyond(count === 0 ? { sql: '?', params: [afterId] } : { sql: `(SELECT MAX(b.id) FROM (${entries('e.id')}) b)`, params: at }, query.limit, lines)
      : { sql: `SELECT MAX(b.id), COUNT(*), NULL::text FROM (${entries('e.id')}) b`, params: at };
    params.push(...beyond.params, query.limit);
    const rows = await this.db.all<{ id: number | null; walked: number | null; line: string | null }>(
      `SELECT p.id, p.walked, ${lines ? 'COALESCE(p.line, x.line)' : 'NULL'} AS line FROM ((${matches}) UNION ALL (${beyond.sql}) LIMIT ?) p
       ${lines ? 'LEFT JOIN LATERAL (SELECT r.line FROM rk_entries r WHERE r.id = p.id AND p.line IS NULL AND p.walked IS NULL) x ON true' : ''}
       ORDER BY p.id`,
      params,
    );
    const found = rows.filter((row) => row.walked === null).map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
    const reach = rows.find((row) => row.walked !== null);
    return { rows: found, walked: Number(reach?.walked ?? 0), last: Number(reach?.id ?? afterId) };
  }

  /**
   * A scope walked whole (#walkThenSearch): the matches among the next `count` index entries, as
   * #stretch, in one pass. Whether the walk passed the scope's last entry comes from that entry's
   * id, read from the scope's end of its index (one probe), which the walk reports when it passes
   * it; #stretch's second pass, counting the entries walked, would cost as much as the walk.
   * `complete`: the page is full or the scope was walked to its end.
   */
  async #wholeScope(query: Query, afterId: number, count: number, lines: boolean): Promise<{ rows: ListedRow[]; complete: boolean }> {
    const { index, predicate, residual } = this.#walkOf(query.filter);
    const after = afterInDataset(query.datasetId, afterId);
    const rows = await this.db.all<{ id: number | null; walked: number | null; line: string | null }>(
      `WITH n AS MATERIALIZED (SELECT (SELECT e.id FROM rk_entries e ${index} WHERE ${after.sql} ${predicate} ORDER BY e.dataset_id DESC, e.id DESC LIMIT 1) AS id)
       SELECT p.id, p.walked, ${lines ? 'x.line' : 'NULL'} AS line FROM ((SELECT n.id, -1::bigint AS walked FROM n) UNION ALL
         (SELECT w.id, CASE WHEN w.hit THEN NULL ELSE -2::bigint END FROM (SELECT e.id, (${VISIBLE} ${residual.sql}) AS hit FROM rk_entries e ${index}
           WHERE ${after.sql} ${predicate} ORDER BY e.dataset_id, e.id LIMIT ?) w, n WHERE w.hit OR w.id = n.id) LIMIT ?) p
       ${lines ? 'LEFT JOIN LATERAL (SELECT r.line FROM rk_entries r WHERE r.id = p.id AND p.walked IS NULL) x ON true' : ''}
       ORDER BY p.id`,
      [...after.params, query.revision, query.revision, ...residual.params, ...after.params, count, query.limit + 1],
    );
    const found = rows.filter((row) => row.walked === null).map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
    const last = rows.find((row) => Number(row.walked) === -1)?.id ?? null;
    const passed = last === null || rows.some((row) => Number(row.walked) !== -1 && Number(row.id) === Number(last));
    return { rows: found, complete: found.length >= query.limit || passed };
  }

  /**
   * ContainsLabels (any of): one ordered walk per label, merged; HasErrors and SourceRefContains
   * are tested on the label rows. When a substring index expects fewer candidates than the
   * labels have rows (a candidate costs a row read, a label row an index entry: HEAP_VISIT of
   * them), its candidates are walked instead and the labels tested on each. Not with
   * HasErrors=true: the labels' rows with errors have an index of their own, a minority walked
   * whole, and a substring's share among entries with errors says little (they are often alike).
   */
  async #withLabels(query: Query, afterId: number, lines: boolean): Promise<ListedRow[]> {
    const labels = [...new Set(query.filter.containsLabels!.filter((label) => !label.includes('\u0000')))];
    if (labels.length === 0) return [];
    const text = query.filter.sourceRefContains;
    if (text !== undefined && query.filter.hasErrors !== true) {
      const search = await this.#substringSearch(query, text);
      if (search && Number.isFinite(search.expected) && search.expected * HEAP_VISIT < await this.#labelRows(query.datasetId, labels)) {
        const labelled: Condition = {
          sql: `EXISTS (SELECT 1 FROM rk_entry_labels l WHERE l.dataset_id = e.dataset_id AND l.label IN (${placeholders(labels.length)}) AND l.entry_id = e.id)`,
          params: labels,
        };
        return search.rows(afterId, query.limit, lines, labelled);
      }
    }
    const walks = labels.map((label) => this.#labelWalk(query, label, afterId));
    if (!this.dialect.remote) {
      const perLabel = await Promise.all(walks.map((walk) => this.db.all<{ id: number }>(walk.sql, walk.params)));
      const ids = [...new Set(perLabel.flat().map((row) => Number(row.id)))].sort((a, b) => a - b).slice(0, query.limit);
      return lines ? this.#lines(ids) : ids.map((id) => ({ id, line: '' }));
    }
    // One statement: the labels' walks, merged, and the lines of the page.
    const ids = `SELECT u.id FROM (${walks.map((walk, i) => `SELECT w${i}.id FROM (${walk.sql}) w${i}`).join(' UNION ')}) u ORDER BY u.id LIMIT ?`;
    const rows = await this.db.all<{ id: number; line?: string }>(
      lines ? `SELECT p.id, r.line FROM (${ids}) p JOIN rk_entries r ON r.id = p.id ORDER BY p.id` : ids,
      [...walks.flatMap((walk) => walk.params), query.limit],
    );
    return rows.map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
  }

  /** One label's entries in listing order (ids, a query); HasErrors and SourceRefContains are tested on the label rows. */
  #labelWalk(query: Query, label: string, afterId: number): Condition {
    const { filter } = query;
    let sql = '';
    const params: SqlValue[] = [];
    // Literals, not parameters: HasErrors=true walks the index of labels with errors.
    if (filter.hasErrors !== undefined) sql += filter.hasErrors ? ' AND l.has_errors = 1' : ' AND l.has_errors = 0';
    if (filter.sourceRefContains !== undefined) {
      const test = this.#containsTest('l.source_ref', filter.sourceRefContains);
      sql += ` AND ${test.sql}`;
      params.push(test.param);
    }
    // The entry row is read for its visibility only: by its listing-order key, which carries
    // the revisions (PostgreSQL reads them from the index alone).
    return {
      sql: `SELECT l.entry_id AS id FROM rk_entry_labels l JOIN rk_entries e ON e.dataset_id = l.dataset_id AND e.id = l.entry_id
        WHERE l.dataset_id = ? AND l.label = ? AND l.entry_id > ? ${sql} AND ${VISIBLE}
        ORDER BY l.entry_id LIMIT ?`,
      params: [query.datasetId, label, afterId, ...params, query.revision, query.revision, query.limit],
    };
  }

  /**
   * Rows the labels have in the dataset's committed revision (their counters): what walking them
   * costs at most. Read again once a minute per dataset and label, as the trigram statistics and
   * the ordered index's bucket sizes: the count only chooses between the labels' walks and the
   * substring index's candidates, which list the same entries, so a count a minute old costs at
   * worst a slower page, never a wrong one; read on every page, it was a round trip of its own
   * before the page's statement (ContainsLabels + SourceRefContains: 2 statements, against the
   * unfiltered page's 1).
   */
  async #labelRows(datasetId: number, labels: readonly string[]): Promise<number> {
    const now = Date.now();
    const key = (label: string) => `${datasetId}:${label}`;
    let total = 0;
    const missing: string[] = [];
    for (const label of labels) {
      const known = this.#labelCounts.fresh(key(label), now);
      if (known === undefined) missing.push(label);
      else total += known;
    }
    if (missing.length === 0) return total;
    const rows = await this.db.all<{ label: string; n: number }>(
      `SELECT label, entry_count AS n FROM rk_labels WHERE dataset_id = ? AND label IN (${placeholders(missing.length)})`,
      [datasetId, ...missing],
    );
    const read = new Map(rows.map((row) => [row.label, Number(row.n)]));
    // (A label without a counter row has no rows: 0, noted too.)
    for (const label of missing) {
      const count = read.get(label) ?? 0;
      this.#labelCounts.note(key(label), count, now);
      total += count;
    }
    return total;
  }

  /**
   * Entries in listing order along (dataset_id, id), up to `upTo`: the index of entries with
   * errors when HasErrors=true (the other filters, Labeled included, are then tested on its
   * columns only), else that of unlabeled entries when Labeled=false, else the whole listing
   * order. Where the engine reads a row before testing it (PostgreSQL), a walk that tests a
   * substring or a second filter reads ids from the index alone, then the lines of the page.
   */
  async #walk(query: Query, afterId: number, limit: number, lines: boolean, upTo?: number): Promise<ListedRow[]> {
    if (limit <= 0) return [];
    const { index, predicate, residual } = this.#walkOf(query.filter);
    const twoSteps = lines && this.dialect.readsRowsToFilter && residual.sql !== ''
      && (query.filter.sourceRefContains !== undefined || predicate !== '');
    // An index-only walk (ids, or ids before the page's lines) takes a (dataset_id, id) index,
    // whose entries carry what the filters test (afterInDataset).
    const indexOnly = this.dialect.readsRowsToFilter && (twoSteps || !lines);
    const after = indexOnly ? afterInDataset(query.datasetId, afterId) : { sql: 'e.dataset_id = ? AND e.id > ?', params: [query.datasetId, afterId] };
    const params: SqlValue[] = [...after.params];
    if (upTo !== undefined) params.push(upTo);
    const walk = `SELECT e.id${lines && !twoSteps ? ', e.line' : ''} FROM rk_entries e ${index}
       WHERE ${after.sql} ${upTo === undefined ? '' : 'AND e.id <= ?'} ${predicate} AND ${VISIBLE} ${residual.sql}
       ORDER BY ${indexOnly ? 'e.dataset_id, ' : ''}e.id LIMIT ?`;
    const rows = await this.db.all<{ id: number; line?: string }>(
      // The lines of the walk's ids in the same query, each read by the primary key.
      twoSteps ? `SELECT p.id, r.line FROM (${walk}) p CROSS JOIN LATERAL (SELECT r.line FROM rk_entries r WHERE r.id = p.id) r ORDER BY p.id` : walk,
      [...params, query.revision, query.revision, ...residual.params, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
  }

  /**
   * How far a walk of at most `count` index entries after `afterId` reaches: how many it finds
   * and the last one's id (entries of any revision: a walk's extent, not its matches).
   */
  async #boundary(query: Query, afterId: number, count: number): Promise<{ count: number; last: number }> {
    const { index, predicate } = this.#walkOf(query.filter);
    const row = await this.db.get<{ n: number; last: number | null }>(
      `SELECT COUNT(*) AS n, MAX(id) AS last FROM (SELECT e.id FROM rk_entries e ${index}
       WHERE e.dataset_id = ? AND e.id > ? ${predicate} ORDER BY e.id LIMIT ?) w`,
      [query.datasetId, afterId, count],
    );
    return { count: Number(row?.n ?? 0), last: Number(row?.last ?? afterId) };
  }

  /**
   * The index a walk takes for `filter`: the index (pinned on SQLite), the term that selects its
   * rows (a literal: a partial index is only used for a query whose WHERE implies its own), and
   * the other filters, tested on each entry.
   */
  #walkOf(filter: EntryFilter): { index: string; predicate: string; residual: Condition } {
    if (filter.hasErrors === true) {
      return { index: this.dialect.indexedBy('rk_entries_with_errors'), predicate: 'AND e.has_errors = 1', residual: this.#filters({ ...filter, hasErrors: undefined }) };
    }
    if (filter.labeled === false) {
      return { index: this.dialect.indexedBy('rk_entries_unlabeled'), predicate: 'AND e.is_labeled = 0', residual: this.#filters({ ...filter, labeled: undefined }) };
    }
    return { index: '', predicate: '', residual: this.#filters(filter) };
  }

  /**
   * SQL for the filters tested row by row once an index has been chosen (literals, as above;
   * `opaque`: the flags as `column + 0`, which imply only the predicates of the scopes' trigram indexes).
   */
  #filters(filter: EntryFilter, opaque = false): Condition {
    let sql = '';
    const params: SqlValue[] = [];
    const flag = (column: string, value: 0 | 1) => (opaque ? ` AND (e.${column} + 0) = ${value}` : ` AND e.${column} = ${value}`);
    if (filter.hasErrors !== undefined) sql += flag('has_errors', filter.hasErrors ? 1 : 0);
    if (filter.labeled !== undefined) sql += flag('is_labeled', filter.labeled ? 1 : 0);
    if (filter.sourceRefContains !== undefined) {
      const test = this.#containsTest('e.source_ref', filter.sourceRefContains);
      sql += ` AND ${test.sql}`;
      params.push(test.param);
    }
    return { sql, params };
  }

  /**
   * The exact substring test of SourceRefContains on `column`, case-sensitive (SQLite's LIKE
   * ignores ASCII case, so SQLite uses GLOB, which also tests a row faster than instr). On
   * PostgreSQL strpos: it never drives the trigram index (where that index serves, it is given the
   * substring's rarest trigrams only), and tests an index entry in about half the time of LIKE.
   */
  #containsTest(column: string, text: string): { sql: string; param: string } {
    if (this.dialect.substringIndex === 'fts5') return { sql: `${column} GLOB ?`, param: `*${text.replace(/[*?[]/g, (c) => `[${c}]`)}*` };
    return { sql: `strpos(${column}, ?) > 0`, param: text };
  }

  /** The lines of `ids`, in the order given. */
  async #lines(ids: readonly number[]): Promise<ListedRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.all<{ id: number; line: string }>(`SELECT id, line FROM rk_entries WHERE id IN (${placeholders(ids.length)})`, ids);
    const lines = new Map(rows.map((row) => [Number(row.id), row.line]));
    return ids.map((id) => ({ id, line: lines.get(id)! }));
  }

  /** The substring index's search for `text` in the scope the filters allow, or undefined when it cannot help. */
  async #substringSearch(query: Query, text: string): Promise<SubstringSearch | undefined> {
    const { filter } = query;
    const scope: GramScope = filter.hasErrors === true ? 'errors' : filter.labeled === false ? 'unlabeled' : 'every';
    return this.dialect.substringIndex === 'fts5' ? this.#gramSearch(query, text, scope) : this.#trigramSearch(query, text, scope);
  }

  /**
   * SQLite: the gram index (source-ref-grams.ts) up to its progress mark, then the rows above it
   * in listing order. A substring shorter than a window is one prefix query (its exact matches,
   * all postings read at once: `expected` unknown, so a walk goes first); a longer one asks for
   * its rarest windows, estimated by reading a few postings of each.
   */
  async #gramSearch(query: Query, text: string, scope: GramScope): Promise<SubstringSearch> {
    // Read first: every row up to it is in the index (a later indexer commit only adds rows above it).
    const indexed = await this.#indexedUpTo();
    const grams = gramQuery(text, scope);
    let match: string;
    let expected: number;
    if ('prefix' in grams) {
      match = grams.prefix;
      expected = Infinity;
    } else {
      ({ match, expected } = await this.#rarestWindows(grams.windows, indexed));
    }
    return {
      expected,
      within: Infinity,
      scopeKnown: false,
      ordered: true,
      rows: async (afterId, limit, lines, extra) => {
        const filters = this.#filters(query.filter);
        const rows = await this.db.all<{ id: number; line?: string }>(
          // CROSS JOIN keeps the gram index as the outer loop (SQLite honours the written order):
          // with the rowid range, the planner would otherwise walk the dataset and probe the index.
          `SELECT e.id${lines ? ', e.line' : ''} FROM rk_entries_grams f CROSS JOIN rk_entries e ON e.id = f.rowid
           WHERE rk_entries_grams MATCH ? AND f.rowid > ? AND f.rowid <= ? AND e.dataset_id = ? AND ${VISIBLE} ${filters.sql} ${extra ? `AND ${extra.sql}` : ''}
           ORDER BY f.rowid LIMIT ?`,
          [match, afterId, indexed, query.datasetId, query.revision, query.revision, ...filters.params, ...(extra?.params ?? []), limit],
        );
        const found = rows.map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
        // Rows written since the index was last brought up to date (normally none, or the last
        // change for a moment after its commit) come after all indexed ones: read them directly.
        if (found.length < limit) {
          const from = Math.max(afterId, indexed);
          found.push(...extra ? await this.#walkWith(query, from, limit - found.length, lines, extra) : await this.#walk(query, from, limit - found.length, lines));
        }
        return found;
      },
    };
  }

  /** A walk in listing order that also tests `extra` on each entry (the labels, when a substring index leads). */
  async #walkWith(query: Query, afterId: number, limit: number, lines: boolean, extra: Condition): Promise<ListedRow[]> {
    const filters = this.#filters(query.filter);
    const rows = await this.db.all<{ id: number; line?: string }>(
      `SELECT e.id${lines ? ', e.line' : ''} FROM rk_entries e
       WHERE e.dataset_id = ? AND e.id > ? AND ${VISIBLE} ${filters.sql} AND ${extra.sql}
       ORDER BY e.id LIMIT ?`,
      [query.datasetId, afterId, query.revision, query.revision, ...filters.params, ...extra.params, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
  }

  /**
   * The FTS5 query for a substring's windows: a query costs about the postings of its rarest
   * window, plus one row read per source-ref it lets through. So each window's first PROBE
   * postings are read (a few microseconds) to estimate how many it has, and the rarest ones are
   * asked for, as many as it takes to let about TARGET_CANDIDATES through; `expected` is that
   * estimate.
   */
  async #rarestWindows(all: readonly string[], indexedUpTo: number): Promise<{ match: string; expected: number }> {
    const windows = spread(all, MAX_TERMS);
    if (windows.length === 1 || indexedUpTo === 0) return { match: allOf(windows), expected: 0 };
    const estimates = await Promise.all(windows.map(async (window) => {
      const probe = await this.db.get<{ n: number; last: number | null }>(
        'SELECT COUNT(*) AS n, MAX(rowid) AS last FROM (SELECT rowid FROM rk_entries_grams WHERE rk_entries_grams MATCH ? ORDER BY rowid LIMIT ?)',
        [window, PROBE],
      );
      const n = Number(probe?.n ?? 0);
      // Fewer than PROBE: that is the count. Else assume the postings spread evenly over the ids.
      return { window, count: n < PROBE ? n : (PROBE * indexedUpTo) / Math.max(1, Number(probe?.last ?? indexedUpTo)) };
    }));
    estimates.sort((a, b) => a.count - b.count);
    const chosen = [estimates[0].window];
    // Each further window keeps the share of candidates it is found in (as if independent).
    let candidates = estimates[0].count;
    for (const next of estimates.slice(1)) {
      if (candidates <= TARGET_CANDIDATES) break;
      chosen.push(next.window);
      candidates *= next.count / indexedUpTo;
    }
    return { match: allOf(chosen), expected: candidates };
  }

  async #indexedUpTo(): Promise<number> {
    const row = await this.db.get<{ indexed_upto: number }>('SELECT indexed_upto FROM rk_trigram_progress WHERE id = 1');
    return Number(row?.indexed_upto ?? 0);
  }

  /**
   * PostgreSQL: the pg_trgm GIN index (or its partial twins for entries without labels or with
   * errors), asked only for the substring's rarest trigrams by the planner statistics of the
   * trigrams of all source-refs; the candidates come unordered (a bitmap), so they are read whole
   * and sorted, and `expected` says how many there should be. Only trigrams of three ASCII
   * letters or digits are asked for, as `LIKE '%abc%'` (pg_trgm takes such a fragment as one
   * trigram, lowercased); a substring without one cannot use the index.
   */
  async #trigramSearch(query: Query, text: string, scope: GramScope): Promise<SubstringSearch | undefined> {
    const fragments = spread(trigramFragments(text), MAX_TERMS);
    if (fragments.length === 0) return undefined;
    const statistics = await this.#trigramStatistics();
    let chosen = fragments;
    let expected = Infinity;
    let within = Infinity;
    const scopeKnown = scope !== 'every' && statistics?.ownScope(scope) === true;
    if (statistics) {
      const rows = statistics.rows[scope];
      within = rows;
      const estimates = fragments.map((fragment) => ({ fragment, share: statistics.share(fragment.toLowerCase(), scope) })).sort((a, b) => a.share - b.share);
      chosen = [];
      expected = rows;
      for (const { fragment, share } of estimates) {
        // A trigram most source-refs hold costs its long posting list and rules out few.
        if (chosen.length > 0 && (expected <= TARGET_CANDIDATES || share > COMMON_TRIGRAM)) break;
        chosen.push(fragment);
        expected *= share;
      }
    }
    // The flags as `column + 0`, as the scopes' trigram indexes are partial on (migration 0031):
    // the query then implies the predicate of its scope's trigram index and not that of any
    // (dataset_id, id) B-tree of entries with errors or without labels, which the planner would
    // otherwise walk whole, reading each row, when the scope is small (it cannot know how rare
    // the substring is there).
    const filters = this.#filters(query.filter, true);
    // `+ 0`: no B-tree may drive this query; the trigram index (whole or partial) does. `OFFSET 0`
    // keeps the order and the LIMIT out of the choice (or a walk of the primary key, testing
    // each row, may look cheaper), and with the line read (the row is read for the recheck
    // anyway) no walk of an index alone can stand in for the trigram index either.
    const candidates = (after: Condition, limit: number, extra?: Condition, lines = false): Condition => ({
      sql: `SELECT c.id, NULL::bigint AS walked, c.line FROM (SELECT e.id, ${lines ? 'e.line' : 'NULL::text AS line'} FROM rk_entries e
        WHERE ${chosen.map(() => "e.source_ref LIKE ? ESCAPE '\\'").join(' AND ')}
          AND e.dataset_id + 0 = ? AND e.id + 0 > ${after.sql} AND ${VISIBLE} ${filters.sql} ${extra ? `AND ${extra.sql}` : ''}
        OFFSET 0) c ORDER BY c.id LIMIT ?`,
      params: [...chosen.map(likeContaining), query.datasetId, ...after.params, query.revision, query.revision, ...filters.params, ...(extra?.params ?? []), limit],
    });
    return {
      expected,
      within,
      scopeKnown,
      ordered: false,
      rows: async (afterId, limit, lines, extra) => {
        const { sql, params } = candidates({ sql: '?', params: [afterId] }, limit, extra, lines);
        const rows = await this.db.all<{ id: number; line: string | null }>(sql, params);
        return rows.map((row) => ({ id: Number(row.id), line: row.line ?? '' }));
      },
      beyond: (after, limit, lines) => candidates(after, limit, undefined, lines),
    };
  }

  /** The planner statistics of trigrams, read again once a minute (in the background: a page never waits for a refresh). */
  async #trigramStatistics(): Promise<TrigramStatistics | undefined> {
    const read = this.dialect.trigramStatistics;
    if (!read) return undefined;
    const now = Date.now();
    if (!this.#statistics || now - this.#statistics.read > STATISTICS_TTL_MS) {
      const previous = this.#statistics?.value;
      const value = read(this.db).catch(() => undefined);
      this.#statistics = { read: now, value };
      if (previous) return previous;
    }
    return this.#statistics.value;
  }
}

/** At most `count` of `items`, evenly spaced, the first and the last included. */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]);
}

/** A LIKE pattern (escape `\`) for source-refs containing `text`. */
function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The distinct runs of three ASCII letters or digits in `text`: each is one pg_trgm trigram
 * (lowercased) of every source-ref that contains `text`.
 */
export function trigramFragments(text: string): string[] {
  const fragments = new Set<string>();
  for (const run of text.match(/[A-Za-z0-9]{3,}/g) ?? []) for (let i = 0; i + 3 <= run.length; i++) fragments.add(run.slice(i, i + 3));
  return [...fragments];
}
