// Pages of a listing narrowed by a test the API cannot run (e.g. "entries with this error
// code": ListDatasetEntries filters HasErrors, not codes). Each page is filled with `pageSize`
// kept items read from as many API pages as it takes; its token says where to go on (the API's
// token and how many of that page's items were already read), so a PagedList can page it like
// any listing. Pure: no DOM.

import type { PageFetcher } from './paged-list.js';

interface Resume {
  /** The API token of the page to read from (absent: the first page). */
  readonly t?: string;
  /** Items of that page already read. */
  readonly s: number;
}

export function filteredPages<T>(fetch: PageFetcher<T>, keep: (item: T) => boolean, pageSize: number): PageFetcher<T> {
  return async (token, signal) => {
    let at: Resume = token === undefined ? { s: 0 } : (JSON.parse(token) as Resume);
    const items: T[] = [];
    for (;;) {
      const page = await fetch(at.t, signal);
      for (let i = at.s; i < page.items.length; i++) {
        if (!keep(page.items[i])) continue;
        items.push(page.items[i]);
        if (items.length === pageSize) {
          const next: Resume | undefined = i + 1 < page.items.length ? { t: at.t, s: i + 1 } : page.nextToken ? { t: page.nextToken, s: 0 } : undefined;
          return { items, nextToken: next && JSON.stringify(next) };
        }
      }
      if (!page.nextToken) return { items };
      at = { t: page.nextToken, s: 0 };
    }
  };
}
