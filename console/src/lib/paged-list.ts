// A long listing read through an API's own pagination (NextToken), for a virtualized view. It
// holds only the pages near what is on screen and the token of every page start it has seen.
// AWS list APIs have no random access: reaching page k the first time means walking the tokens
// from the nearest page known, unless a locator can hand out the token of any position (Trove's
// GetDatasetEntriesPageToken); then a far page is one call away. Coming back to a page uses its
// stored token. Pure (no DOM, no React): the view calls `want` with the item range it draws and
// re-renders on change.

export interface Page<T> {
  readonly items: readonly T[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

/** Fetches the page that starts at `token` (undefined: the first page). */
export type PageFetcher<T> = (token: string | undefined, signal: AbortSignal) => Promise<Page<T>>;

/**
 * The page token of item `position` of the same listing, pinned to the listing of
 * `listingToken` (a token the listing handed out); `count` instead when the listing is shorter.
 */
export type PageLocator = (position: number, listingToken: string, signal: AbortSignal) => Promise<{ token?: string; count?: number }>;

/** Asked of a locator to learn a listing's length: a position past any listing's end. */
export const PAST_THE_END = 2_147_483_647;

export interface PagedListOptions<T, R> {
  /** Items per page, as asked of the API (every page but the last is full). */
  readonly pageSize: number;
  /**
   * Turns a page's raw items into what the view draws; run only for pages that are kept, never
   * for the pages a walk passes through.
   */
  readonly prepare: (items: readonly T[]) => readonly R[];
  /** The number of items the listing should have (e.g. from DatasetStats), until the last page says. */
  readonly expectedCount?: number;
  /** Pages kept in memory at most; the furthest from view are dropped first. */
  readonly keepPages?: number;
  /** Pages fetched at once (pages whose tokens are known; the walk itself is sequential). */
  readonly concurrency?: number;
  /** Pages fetched beyond the last one in view, so scrolling on finds them loaded. */
  readonly prefetchPages?: number;
  /** Reaches far pages directly; without one (or once it fails) far pages are walked to. */
  readonly locate?: PageLocator;
  /** A page this many pages beyond the nearest known one is located, not walked to. */
  readonly locateBeyondPages?: number;
}

export interface PagedListStatus {
  /** Items to size the view for: exact once the last page has been seen. */
  readonly length: number;
  readonly exact: boolean;
  /** Pages up to the furthest page start known. */
  readonly knownPages: number;
  /** The furthest page the view wants, while it is still being walked to. */
  readonly walkingTo: number | undefined;
  readonly error: Error | undefined;
}

export class PagedList<T, R = T> {
  readonly pageSize: number;
  readonly #fetch: PageFetcher<T>;
  readonly #prepare: (items: readonly T[]) => readonly R[];
  readonly #expected: number | undefined;
  readonly #keep: number;
  readonly #concurrency: number;
  readonly #ahead: number;
  readonly #locator: PageLocator | undefined;
  readonly #locateBeyond: number;
  /** Page number → the token that fetches it (page 0: undefined, the first page). */
  readonly #tokens = new Map<number, string | undefined>([[0, undefined]]);
  readonly #pages = new Map<number, readonly R[]>();
  readonly #loading = new Set<number>();
  readonly #locating = new Set<number>();
  #locatorFailed = false;
  #countAsked = false;
  readonly #listeners = new Set<() => void>();
  readonly #abort = new AbortController();
  #count: number | undefined;
  #wanted = { first: 0, last: -1 };
  #error: Error | undefined;
  #version = 0;

  constructor(fetch: PageFetcher<T>, options: PagedListOptions<T, R>) {
    this.#fetch = fetch;
    this.#prepare = options.prepare;
    this.pageSize = options.pageSize;
    this.#expected = options.expectedCount;
    this.#keep = Math.max(3, options.keepPages ?? 30);
    this.#concurrency = Math.max(1, options.concurrency ?? 3);
    this.#ahead = Math.max(0, options.prefetchPages ?? 1);
    this.#locator = options.locate;
    this.#locateBeyond = Math.max(1, options.locateBeyondPages ?? 3);
  }

  /** Changes whenever anything visible changes (for React's useSyncExternalStore). */
  get version(): number {
    return this.#version;
  }

  get status(): PagedListStatus {
    const knownPages = this.#furthestToken() + 1;
    const furthest = this.#wanted.last - this.#ahead;
    const walking = this.#count === undefined && !this.#tokens.has(furthest) && this.#locating.size === 0 && this.#nearestBelow(furthest) < furthest;
    return {
      length: this.#length(),
      exact: this.#count !== undefined,
      knownPages,
      walkingTo: walking ? furthest : undefined,
      error: this.#error,
    };
  }

  /** The item at `index`, or undefined while its page is not loaded. */
  item(index: number): R | undefined {
    const page = this.#pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** The view draws items [first, end): load their pages (and walk to them if need be). */
  want(first: number, end: number): void {
    const firstPage = Math.floor(Math.max(0, first) / this.pageSize);
    const lastPage = Math.max(firstPage, Math.floor((Math.max(first + 1, end) - 1) / this.pageSize)) + this.#ahead;
    if (firstPage === this.#wanted.first && lastPage === this.#wanted.last) return;
    this.#wanted = { first: firstPage, last: lastPage };
    this.#pump();
    this.#notify();
  }

  /** Tries again after an error. */
  retry(): void {
    this.#error = undefined;
    this.#pump();
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every fetch (the view moved to another listing). */
  dispose(): void {
    this.#abort.abort();
    this.#listeners.clear();
  }

  #length(): number {
    if (this.#count !== undefined) return this.#count;
    // Pages before the furthest known token are full, and that token promises at least one more item.
    const known = this.#furthestToken() * this.pageSize;
    if (this.#expected !== undefined) return Math.max(this.#expected, known + 1);
    return known + this.pageSize;
  }

  #furthestToken(): number {
    let furthest = 0;
    for (const page of this.#tokens.keys()) furthest = Math.max(furthest, page);
    return furthest;
  }

  /** The nearest page at or before `page` whose token is known. */
  #nearestBelow(page: number): number {
    let best = 0;
    for (const known of this.#tokens.keys()) if (known <= page && known > best) best = known;
    return best;
  }

  #pump(): void {
    if (this.#error || this.#abort.signal.aborted) return;
    this.#askCount();
    const { first, last } = this.#wanted;
    for (let page = first; page <= last && this.#loading.size < this.#concurrency; page++) {
      if (this.#count !== undefined && page * this.pageSize >= this.#count) break;
      if (this.#pages.has(page) || this.#loading.has(page) || this.#locating.has(page)) continue;
      if (this.#tokens.has(page)) {
        void this.#load(page);
        continue;
      }
      const below = this.#nearestBelow(page);
      const pinned = this.#tokens.get(1);
      if (this.#locator && !this.#locatorFailed && pinned !== undefined && page - below > this.#locateBeyond) {
        // One located page at a time: the pages after it are then a short walk from it.
        if (this.#locating.size === 0) void this.#locate(page, pinned);
        break;
      }
      // The walk: a page beyond the known tokens is reached by fetching the nearest known page
      // first (never loaded yet if the next token is unknown: loading it reveals that token).
      if (!this.#loading.has(below) && this.#locating.size === 0) void this.#load(below);
      break;
    }
  }

  /** Without counters for these filters, the locator tells the exact length (one call, once). */
  #askCount(): void {
    const pinned = this.#tokens.get(1);
    if (this.#countAsked || !this.#locator || this.#locatorFailed || this.#expected !== undefined || this.#count !== undefined || pinned === undefined) return;
    this.#countAsked = true;
    this.#locator(PAST_THE_END, pinned, this.#abort.signal).then((result) => {
      if (this.#abort.signal.aborted || result.count === undefined || this.#count !== undefined) return;
      this.#count = result.count;
      this.#notify();
    }, () => undefined);
  }

  async #locate(page: number, pinned: string): Promise<void> {
    this.#locating.add(page);
    try {
      const result = await this.#locator!(page * this.pageSize, pinned, this.#abort.signal);
      if (this.#abort.signal.aborted) return;
      if (result.token !== undefined) this.#tokens.set(page, result.token);
      else if (result.count !== undefined) this.#count = result.count;
    } catch {
      if (this.#abort.signal.aborted) return;
      // Not allowed (an allow-list without trove:GetDatasetEntriesPageToken) or not there: walk instead.
      this.#locatorFailed = true;
    } finally {
      this.#locating.delete(page);
    }
    this.#pump();
    this.#notify();
  }

  async #load(page: number): Promise<void> {
    this.#loading.add(page);
    try {
      const result = await this.#fetch(this.#tokens.get(page), this.#abort.signal);
      if (this.#abort.signal.aborted) return;
      if (result.nextToken) {
        if (!this.#tokens.has(page + 1)) this.#tokens.set(page + 1, result.nextToken);
      } else {
        this.#count = page * this.pageSize + result.items.length;
      }
      // Pages walked through on the way to the view are not kept, only their tokens.
      if (page >= this.#wanted.first - 1 && page <= this.#wanted.last + 1) {
        this.#pages.set(page, this.#prepare(result.items));
        this.#evict();
      }
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#error = error instanceof Error ? error : new Error(String(error));
    } finally {
      this.#loading.delete(page);
    }
    this.#pump();
    this.#notify();
  }

  /** Drops the pages furthest from the view until at most `keepPages` remain. */
  #evict(): void {
    if (this.#pages.size <= this.#keep) return;
    const middle = (this.#wanted.first + this.#wanted.last) / 2;
    const byDistance = [...this.#pages.keys()].sort((a, b) => Math.abs(b - middle) - Math.abs(a - middle));
    for (const page of byDistance.slice(0, this.#pages.size - this.#keep)) this.#pages.delete(page);
  }

  #notify(): void {
    this.#version += 1;
    for (const listener of this.#listeners) listener();
  }
}
