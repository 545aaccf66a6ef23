import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { Problem } from '../shell/problem.js';
import { explain, readEntry } from './entry-model.js';

/** Entries with errors read for the summary at most (20 pages): the counts say when there are more. */
const MAX_READ = 2_000;
const START_AFTER_MS = 1_000;

export interface ErrorSummary {
  /** Code → entries that have it (an entry counts once per code), most frequent first. */
  readonly codes: readonly (readonly [string, number])[];
  readonly read: number;
  readonly complete: boolean;
}

/**
 * Errors by code for the whole dataset. AWS has no such count, so the console reads the entries
 * with errors (ListDatasetEntries HasErrors=true, at most MAX_READ of them) and counts their codes.
 */
export function useErrorSummary(arn: string, updated: number | undefined, errorEntries: number | undefined) {
  const { rekognition } = useClients();
  return useAsync<ErrorSummary | undefined>(async (signal) => {
    if (updated === undefined || !errorEntries) return undefined;
    // After the grid's first pages, which the reader is waiting for (they share the server).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, START_AFTER_MS);
      signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
    });
    const counts = new Map<string, number>();
    let read = 0;
    let token: string | undefined;
    do {
      const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: arn, HasErrors: true, MaxResults: 100, NextToken: token }), { abortSignal: signal });
      for (const line of out.DatasetEntries ?? []) {
        read += 1;
        for (const code of new Set(readEntry(line).errors.map((e) => e.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
      }
      token = out.NextToken;
    } while (token && read < MAX_READ);
    return { codes: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])), read, complete: token === undefined };
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
      {!data.complete && <p className="small muted">Counted in the first {count(data.read)} entries with errors.</p>}
      <ul>
        {data.codes.map(([code, entries]) => (
          <li key={code}>
            <button type="button" className={`error-code${selected === code ? ' chosen' : ''}`} aria-pressed={selected === code}
              onClick={() => onSelect(selected === code ? undefined : code)} title={explain(code) ?? code}>
              <span className="error-code-name">{code}</span>
              <span className="error-code-count">{count(entries)} {entries === 1 ? 'entry' : 'entries'}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
