import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { TroveApiError } from '../lib/trove-api.js';
import { Problem } from '../shell/problem.js';
import { explain } from './entry-model.js';
import { countListedLines, entriesText, sumServerCounts } from './error-counts-model.js';
import type { ErrorCountsAnswer, ErrorSummary } from './error-counts-model.js';

const START_AFTER_MS = 1_000;

export type { ErrorSummary } from './error-counts-model.js';

/**
 * Errors by code for the whole dataset. AWS has no such count: Trove's GetDatasetErrorCounts
 * counts them on the server (exact, over as many calls as its budget needs); a key allowed
 * ListDatasetEntries but not that call gets the counts of the first entries with errors the
 * browser reads itself, said to be partial.
 */
export function useErrorSummary(arn: string, updated: number | undefined, errorEntries: number | undefined) {
  const { rekognition, trove } = useClients();
  return useAsync<ErrorSummary | undefined>(async (signal) => {
    if (updated === undefined || !errorEntries) return undefined;
    // After the grid's first pages, which the reader is waiting for (they share the server).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, START_AFTER_MS);
      signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
    });
    try {
      return await sumServerCounts((nextToken) => trove.call<ErrorCountsAnswer>('GET', `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/error-counts`, {
        query: { nextToken }, signal,
      }));
    } catch (error) {
      if (!(error instanceof TroveApiError && error.name === 'AccessDeniedException')) throw error;
    }
    return countListedLines(async (token) => {
      const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: arn, HasErrors: true, MaxResults: 100, NextToken: token }), { abortSignal: signal });
      return { lines: out.DatasetEntries ?? [], nextToken: out.NextToken };
    });
  }, [arn, updated, errorEntries]);
}

/** The summary as a list of filters: choosing a code shows the entries with that error. */
export function ErrorSummaryPanel({ summary, selected, onSelect }: {
  summary: ReturnType<typeof useErrorSummary>; selected: string | undefined; onSelect: (code: string | undefined) => void;
}) {
  const data = summary.data;
  if (summary.error !== undefined) return <Problem error={summary.error} retry={summary.reload} />;
  if (!data) return summary.loading ? <p className="muted small">Counting errors…</p> : null;
  return (
    <section className="error-summary" aria-labelledby="errors-heading">
      <h2 id="errors-heading">Errors by code</h2>
      {!data.complete && <p className="small muted">Counted in the first {count(data.read)} entries with errors: the dataset has more.</p>}
      <ul>
        {data.codes.map(([code, entries]) => (
          <li key={code}>
            <button type="button" className={`error-code${selected === code ? ' chosen' : ''}`} aria-pressed={selected === code}
              onClick={() => onSelect(selected === code ? undefined : code)} title={explain(code) ?? code}>
              <span className="error-code-name">{code}</span>
              <span className="error-code-count">{entriesText(entries, data.complete, count)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
