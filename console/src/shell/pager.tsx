import type { ReactNode } from 'react';
import { useState } from 'react';
import { useAsync } from '../lib/hooks.js';
import type { AsyncState } from '../lib/hooks.js';

/**
 * Page-by-page browsing over an AWS listing: only the page on screen and the tokens of the pages
 * before it are held, so Previous goes back with the token that fetched that page.
 */
export function usePages<T, Extra = object>(fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<{ items: T[]; nextToken?: string } & Extra>, deps: readonly unknown[]) {
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [depsKey, setDepsKey] = useState(JSON.stringify(deps));
  const key = JSON.stringify(deps);
  if (key !== depsKey) {
    setDepsKey(key);
    setTokens([undefined]);
  }
  const current = tokens[tokens.length - 1];
  const page: AsyncState<{ items: T[]; nextToken?: string } & Extra> = useAsync((signal) => fetchPage(current, signal), [key, current, tokens.length]);
  return {
    page,
    number: tokens.length,
    previous: tokens.length > 1 ? () => setTokens((t) => t.slice(0, -1)) : undefined,
    next: page.data?.nextToken ? () => setTokens((t) => [...t, page.data!.nextToken]) : undefined,
  };
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
