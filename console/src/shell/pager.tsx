import type { ReactNode } from 'react';
import { useState } from 'react';
import { useAsync, usePolling } from '../lib/hooks.js';
import type { AsyncState } from '../lib/hooks.js';

type PageOf<T, Extra> = { items: T[]; nextToken?: string } & Extra;

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

function controls<T, Extra>({ tokens, setTokens }: ReturnType<typeof useTokens>, page: AsyncState<PageOf<T, Extra>>) {
  return {
    page,
    number: tokens.length,
    previous: tokens.length > 1 ? () => setTokens((t) => t.slice(0, -1)) : undefined,
    next: page.data?.nextToken ? () => setTokens((t) => [...t, page.data!.nextToken]) : undefined,
  };
}

/**
 * Page-by-page browsing over an AWS listing: only the page on screen and the tokens of the pages
 * before it are held, so Previous goes back with the token that fetched that page.
 */
export function usePages<T, Extra = object>(fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<PageOf<T, Extra>>, deps: readonly unknown[]) {
  const tokens = useTokens(deps);
  const page = useAsync((signal) => fetchPage(tokens.current, signal), [tokens.key, tokens.current, tokens.tokens.length]);
  return controls(tokens, page);
}

/** usePages whose page on screen is read again every `everyMs` while the browser tab is visible (a live listing). */
export function usePolledPages<T, Extra = object>(fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<PageOf<T, Extra>>, everyMs: number | undefined, deps: readonly unknown[]) {
  const tokens = useTokens(deps);
  const page = usePolling((signal) => fetchPage(tokens.current, signal), () => everyMs, [tokens.key, tokens.current, tokens.tokens.length]);
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
