import { describe, expect, it } from 'vitest';
import { PagedList } from '../../../console/src/lib/paged-list.js';
import type { PageFetcher } from '../../../console/src/lib/paged-list.js';

/** A listing of `total` numbers served `pageSize` at a time with opaque tokens, recording each fetch. */
function api(total: number, pageSize: number) {
  const calls: (string | undefined)[] = [];
  let failNext = false;
  const fetch: PageFetcher<number> = async (token) => {
    calls.push(token);
    await Promise.resolve();
    if (failNext) {
      failNext = false;
      throw new Error('ThrottlingException: slow down');
    }
    const start = token === undefined ? 0 : Number(token.slice(4));
    const items = Array.from({ length: Math.min(pageSize, total - start) }, (_, i) => start + i);
    return { items, nextToken: start + pageSize < total ? `tok-${start + pageSize}` : undefined };
  };
  return { fetch, calls, failOnce: () => { failNext = true; } };
}

const same = (items: readonly number[]) => items;

async function settle(list: PagedList<number>): Promise<void> {
  for (let i = 0; i < 10_000; i++) await Promise.resolve();
  void list;
}

describe('PagedList: a long listing through NextToken pagination', () => {
  it('loads the pages in view, and says the exact length once the last page is seen', async () => {
    const { fetch, calls } = api(250, 100);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, prefetchPages: 0 });
    expect(list.status.length).toBe(100); // unknown: one page of placeholders
    list.want(0, 40);
    await settle(list);
    expect(calls).toEqual([undefined]);
    expect(list.item(39)).toBe(39);
    expect(list.item(100)).toBeUndefined();
    expect(list.status).toMatchObject({ exact: false, length: 200, knownPages: 2 });
    list.want(150, 260);
    await settle(list);
    expect(list.status).toMatchObject({ exact: true, length: 250 });
    expect(list.item(249)).toBe(249);
  });

  it('walks the tokens to a far page, keeping (and preparing) only the pages near the view', async () => {
    const { fetch, calls } = api(10_000, 100);
    const prepared: number[] = [];
    const list = new PagedList(fetch, { pageSize: 100, prepare: (items) => (prepared.push(items[0]), items), expectedCount: 10_000, keepPages: 4, prefetchPages: 0 });
    expect(list.status.length).toBe(10_000);
    list.want(5_000, 5_050); // page 50: reached through pages 0..49
    expect(list.status.walkingTo).toBe(50);
    await settle(list);
    expect(calls).toHaveLength(51);
    expect(list.item(5_000)).toBe(5_000);
    expect(list.item(0)).toBeUndefined(); // walked through, not kept
    expect(prepared).toEqual([4_900, 5_000]); // the view's page and the one before it
    expect(list.status.walkingTo).toBeUndefined();
    // Coming back to a page walked through uses its stored token: one fetch, no walk.
    list.want(1_000, 1_010);
    await settle(list);
    expect(calls).toHaveLength(52);
    expect(calls[51]).toBe('tok-1000');
    expect(list.item(1_005)).toBe(1_005);
  });

  it('fetches the page after the view before it is needed', async () => {
    const { fetch, calls } = api(1_000, 100);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, prefetchPages: 1 });
    list.want(0, 40);
    await settle(list);
    expect(calls).toEqual([undefined, 'tok-100']);
    expect(list.item(150)).toBe(150);
    expect(list.status.walkingTo).toBeUndefined();
  });

  it('drops the pages furthest from the view beyond keepPages', async () => {
    const { fetch } = api(2_000, 100);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, keepPages: 3, prefetchPages: 0 });
    for (let page = 0; page < 10; page++) {
      list.want(page * 100, page * 100 + 100);
      await settle(list);
    }
    expect(list.item(950)).toBe(950);
    expect(list.item(850)).toBe(850);
    expect(list.item(0)).toBeUndefined();
    expect(list.item(500)).toBeUndefined();
  });

  it('grows past a count that turned out too small, and shrinks to an exact one', async () => {
    const { fetch } = api(150, 100);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, expectedCount: 120 });
    list.want(0, 120);
    await settle(list);
    expect(list.status).toMatchObject({ exact: true, length: 150 });
    const short = new PagedList(api(30, 100).fetch, { pageSize: 100, prepare: same, expectedCount: 120 });
    short.want(0, 120);
    await settle(short);
    expect(short.status).toMatchObject({ exact: true, length: 30 });
  });

  it('stops on an error and goes on after retry', async () => {
    const { fetch, failOnce } = api(300, 100);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, prefetchPages: 0 });
    failOnce();
    list.want(0, 10);
    await settle(list);
    expect(list.status.error?.message).toMatch(/ThrottlingException/);
    expect(list.item(0)).toBeUndefined();
    list.retry();
    await settle(list);
    expect(list.status.error).toBeUndefined();
    expect(list.item(0)).toBe(0);
  });

  it('notifies subscribers, and stops fetching once disposed', async () => {
    const { fetch, calls } = api(300, 100);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, prefetchPages: 0 });
    let changes = 0;
    list.subscribe(() => changes++);
    list.want(0, 10);
    await settle(list);
    expect(changes).toBeGreaterThan(0);
    list.dispose();
    list.want(200, 210);
    await settle(list);
    expect(calls).toHaveLength(1);
  });
});

describe('PagedList with a locator (GetDatasetEntriesPageToken)', () => {
  /** Tokens of the api() above are `tok-<start>`: the locator hands out the token of any position, pinned to the listing. */
  function locator(total: number) {
    const calls: [number, string][] = [];
    const locate = async (position: number, listingToken: string) => {
      calls.push([position, listingToken]);
      await Promise.resolve();
      return position < total ? { token: `tok-${position}` } : { count: total };
    };
    return { locate, calls };
  }

  it('jumps to a far page with one located token instead of walking every page before it', async () => {
    const { fetch, calls } = api(250_000, 100);
    const located = locator(250_000);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, expectedCount: 250_000, prefetchPages: 0, locate: located.locate });
    list.want(0, 10);
    await settle(list);
    list.want(125_000, 125_050);
    await settle(list);
    expect(list.item(125_000)).toBe(125_000);
    expect(located.calls).toEqual([[125_000, 'tok-100']]); // pinned to the listing's own token of page 1
    expect(calls).toEqual([undefined, 'tok-125000']);
    // Near a known page it walks (one step is cheaper than a call).
    list.want(125_100, 125_150);
    await settle(list);
    expect(calls.at(-1)).toBe('tok-125100');
    expect(located.calls).toHaveLength(1);
  });

  it('learns the exact length from the locator when no counter gives it', async () => {
    const { fetch } = api(1_234, 100);
    const located = locator(1_234);
    const list = new PagedList(fetch, { pageSize: 100, prepare: same, prefetchPages: 0, locate: located.locate });
    list.want(0, 10);
    await settle(list);
    expect(list.status).toMatchObject({ exact: true, length: 1_234 });
    expect(located.calls.map(([position]) => position)).toEqual([2_147_483_647]);
  });

  it('falls back to walking when the locator is refused', async () => {
    const { fetch, calls } = api(2_000, 100);
    const list = new PagedList(fetch, {
      pageSize: 100, prepare: same, expectedCount: 2_000, prefetchPages: 0,
      locate: async () => { throw new Error('AccessDeniedException: not allowed'); },
    });
    list.want(0, 10);
    await settle(list);
    list.want(1_950, 2_000);
    await settle(list);
    expect(list.item(1_999)).toBe(1_999);
    expect(calls).toHaveLength(20);
    expect(list.status.error).toBeUndefined();
  });
});
