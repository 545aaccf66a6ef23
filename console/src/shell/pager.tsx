import type { ReactNode } from 'react';
import { useState } from 'react';
import { useAsync, usePolling } from '../lib/hooks.js';
import type { AsyncState } from '../lib/hooks.js';

type PageOf<T, Extra> = { items: T[]; nextToken?: string } & Extra;
/** A page as held: `number` is the page it was fetched as (1: the first), which is not the pager's number while the next page loads. */
type HeldPage<T, Extra> = PageOf<T, Extra> & { number: number };

/** The tokens of the pages before the one on screen (undefined: the first), forgotten when `deps` change. */
function useTokens(deps: readonly unknown[]) {
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [depsKey, setDepsKey] = useState(JSON.stringify(deps));
  const key = JSON.stringify(deps);
  if (key !== depsKey) {
    setDepsKey(key);
    setTokens([undefined]);
  }
  return { key, tokens, setTokens, current: tokens[tokens.length - 1] };
}

/** Fetches the page the tokens point at, marked with its number (a range such as "11–20" is drawn from the page on screen, not the one loading). */
function fetchHeld<T, Extra>(fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<PageOf<T, Extra>>, tokens: ReturnType<typeof useTokens>) {
  const number = tokens.tokens.length;
  return async (signal: AbortSignal): Promise<HeldPage<T, Extra>> => ({ ...(await fetchPage(tokens.current, signal)), number });
}

function controls<T, Extra>({ tokens, setTokens }: ReturnType<typeof useTokens>, page: AsyncState<HeldPage<T, Extra>>) {
  // Next follows the token of the page on screen, and only once it is the page the pager is at: a
  // second click while the next page loads would otherwise push the same token again (and count a
  // page that was never shown).
  const shown = page.data?.number === tokens.length ? page.data : undefined;
  const nextToken = shown?.nextToken;
  return {
    page,
    number: tokens.length,
    previous: tokens.length > 1 ? () => setTokens((t) => t.slice(0, -1)) : undefined,
    next: nextToken ? () => setTokens((t) => (t.length === shown!.number ? [...t, nextToken] : t)) : undefined,
  };
}

/**
 * Page-by-page browsing over an AWS listing: only the page on screen and the tokens of the pages
 * before it are held, so Previous goes back with the token that fetched that page.
 */
export function usePages<T, Extra = object>(fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<PageOf<T, Extra>>, deps: readonly unknown[]) {
  const tokens = useTokens(deps);
  const page = useAsync(fetchHeld(fetchPage, tokens), [tokens.key, tokens.current, tokens.tokens.length]);
  return controls(tokens, page);
}

/** usePages whose page on screen is read again every `everyMs` while the browser tab is visible (a live listing). */
export function usePolledPages<T, Extra = object>(fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<PageOf<T, Extra>>, everyMs: number | undefined, deps: readonly unknown[]) {
  const tokens = useTokens(deps);
  const page = usePolling(fetchHeld(fetchPage, tokens), () => everyMs, [tokens.key, tokens.current, tokens.tokens.length]);
  return controls(tokens, page);
}

export function PagerControls({ number, previous, next, label }: { number: number; previous?: () => void; next?: () => void; label: string }): ReactNode {
  if (!previous && !next) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={previous} disabled={!previous}>Previous</button>
      <span aria-live="polite">Page {number}</span>
      <button type="button" onClick={next} disabled={!next}>Next</button>
    </nav>
  );
}
