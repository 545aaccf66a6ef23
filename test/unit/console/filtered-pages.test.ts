import { describe, expect, it } from 'vitest';
import { filteredPages } from '../../../console/src/lib/filtered-pages.js';
import type { PageFetcher } from '../../../console/src/lib/paged-list.js';

/** Numbers 0..total-1, `size` a page, with opaque tokens. */
function numbers(total: number, size: number): { fetch: PageFetcher<number>; calls: number } {
  const state = { calls: 0, fetch: undefined as unknown as PageFetcher<number> };
  state.fetch = async (token) => {
    state.calls += 1;
    const start = token === undefined ? 0 : Number(token.slice(1));
    const items = Array.from({ length: Math.min(size, total - start) }, (_, i) => start + i);
    return { items, nextToken: start + size < total ? `@${start + size}` : undefined };
  };
  return state;
}

async function readAll(fetch: PageFetcher<number>): Promise<number[][]> {
  const pages: number[][] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token, new AbortController().signal);
    pages.push([...page.items]);
    token = page.nextToken;
  } while (token);
  return pages;
}

describe('filteredPages: full pages of the items an API filter cannot select', () => {
  it('fills each page across API pages and resumes in the middle of one', async () => {
    const api = numbers(1_000, 100);
    const pages = await readAll(filteredPages(api.fetch, (n) => n % 7 === 0, 30));
    expect(pages.map((p) => p.length)).toEqual([30, 30, 30, 30, 23]);
    expect(pages.flat()).toEqual(Array.from({ length: 143 }, (_, i) => i * 7));
  });

  it('gives one empty last page when nothing matches, after reading every API page once', async () => {
    const api = numbers(450, 100);
    expect(await readAll(filteredPages(api.fetch, () => false, 10))).toEqual([[]]);
    expect(api.calls).toBe(5);
  });

  it('ends exactly: no token after the last kept item of the listing', async () => {
    const api = numbers(200, 100);
    const pages = await readAll(filteredPages(api.fetch, (n) => n === 5 || n === 199, 2));
    expect(pages).toEqual([[5, 199]]);
  });
});
