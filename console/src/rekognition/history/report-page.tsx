import { useHistoryClient } from '../../lib/api-clients.js';
import { useTrovePermission } from '../../lib/caller.js';
import { errorCode } from '../../lib/errors.js';
import { when } from '../../lib/format.js';
import { href, Link } from '../../lib/router.js';
import { PagerControls, usePages } from '../../shell/pager.js';
import { Problem } from '../../shell/problem.js';
import { StatusBadge } from '../../shell/status-badge.js';
import { DatasetHead, DatasetNotFound } from '../dataset-head.js';
import { useDataset } from '../use-dataset.js';
import { timelineRow } from './history-model.js';
import type { ReportItemWire, RevisionWire } from './history-model.js';
import { leftOutCounts, reportIntro, reportRow } from './report-model.js';
import type { ExplainedCode, ReportRow } from './report-model.js';
import './history.css';

/** Report items per page. */
const PAGE = 100;

/**
 * The ingest report of one revision (GetDatasetIngestReport): each line its change dropped, with
 * its line number, source-ref and the reason in words, and each entry it wrote with errors, with
 * every code explained and a link to the entry; for an import, first what its conversion left
 * out, each with its reason. What AWS never shows.
 */
export function IngestReportPage({ arn, revision }: { arn: string; revision: number }) {
  const dataset = useDataset(arn);
  const title = `Revision ${revision}: ingest report`;
  if (dataset.error !== undefined && errorCode(dataset.error) === 'ResourceNotFoundException') return <DatasetNotFound arn={arn} />;
  return (
    <div className="history-page report-page">
      <DatasetHead arn={arn} dataset={dataset} view="history" trail={[{ label: 'History', to: href('/rekognition/dataset/history', { arn }) }, { label: title }]} />
      <IngestReport arn={arn} revision={revision} />
    </div>
  );
}

/**
 * The report itself, read and paged: the page's body, and what the console's import shows of the
 * revision it made once it is done (one view of a report, wherever it is shown).
 */
export function IngestReport({ arn, revision }: { arn: string; revision: number }) {
  const history = useHistoryClient();
  const allowed = useTrovePermission('GetDatasetIngestReport', [arn]);
  const pages = usePages<ReportItemWire, { revision?: RevisionWire }>(async (token) => {
    if (!allowed.allowed) return { items: [] };
    const page = await history.report(arn, revision, { maxResults: PAGE, nextToken: token });
    return { items: page.items, nextToken: page.nextToken, revision: page.revision };
  }, [arn, revision, allowed.allowed]);
  const wire = pages.page.data?.revision;
  const row = wire ? timelineRow(wire) : undefined;
  const heading = `report-heading-${revision}`;
  return (
    <section aria-labelledby={heading} className="ingest-report">
      <h2 id={heading}>Ingest report of revision {revision}{row && <span className="revision-title"> · {row.title}</span>} {row?.failed && <StatusBadge status="FAILED" />}</h2>
      {row && (
        <p className="small muted">
          {when(row.committedAt)}{row.accessKeyId && <> · by <code>{row.accessKeyId}</code></>}{row.source && <> · <span className="break">{row.source}</span></>}
        </p>
      )}
      {row?.failure && <p className="error-text break">{row.failure.code}: {row.failure.message}</p>}
      {wire && <p>{reportIntro(wire)}</p>}
      {wire?.conversion && Object.keys(wire.conversion.leftOut).length > 0 && (
        <ul className="left-out-counts" aria-label="Left out, by reason">
          {leftOutCounts(wire.conversion).map(({ reason, count }) => (
            <li key={reason.code} data-reason={reason.code} title={reason.words}><span className="left-out-count">{count}</span> <code>{reason.code}</code></li>
          ))}
        </ul>
      )}
      {!allowed.allowed && <p className="muted">{allowed.reason}</p>}
      {pages.page.error !== undefined && <Problem error={pages.page.error} retry={pages.page.reload} />}
      {pages.page.loading && !wire && <p className="muted" role="status">Reading the report…</p>}
      {wire && (pages.page.data?.items.length ?? 0) > 0 && (
        <div className="table-wrap">
          <table className="report-table">
            <thead><tr><th scope="col" className="num">Line</th><th scope="col">Source-ref</th><th scope="col">What happened</th></tr></thead>
            <tbody>
              {pages.page.data!.items.map((item, i) => <ReportLine key={'lineNumber' in item ? `${item.lineNumber}-${item.problem}` : `left-out-${i}`} arn={arn} row={reportRow(item, wire)} />)}
            </tbody>
          </table>
        </div>
      )}
      <PagerControls number={pages.number} previous={pages.previous} next={pages.next} label="Pages of the report" />
    </section>
  );
}

function ReportLine({ arn, row }: { arn: string; row: ReportRow }) {
  if (row.kind === 'left-out') {
    // Left out before there were lines: no line number, and nothing to open in the dataset.
    return (
      <tr className="report-left-out" data-problem="LEFT_OUT" data-reason={row.reason.code}>
        <td className="num"><span className="muted" title="Left out by the conversion: it never became a line">–</span></td>
        <td className="break">{row.sourceRef ?? <span className="muted">(none)</span>}</td>
        <td>
          <p className="report-what"><span className="report-kind">Left out</span> <Explained code={row.reason} /></p>
          <p className="small muted break">{row.message}</p>
        </td>
      </tr>
    );
  }
  if (row.kind === 'dropped') {
    return (
      <tr className="report-dropped" data-line={row.lineNumber} data-problem="DROPPED">
        <td className="num">{row.lineNumber}</td>
        <td className="break">{row.sourceRef ?? <span className="muted">(none)</span>}</td>
        <td>
          <p className="report-what"><span className="report-kind">Dropped</span> <Explained code={row.reason} /></p>
          <p className="small muted break">{row.message}</p>
        </td>
      </tr>
    );
  }
  return (
    <tr className="report-errors" data-line={row.lineNumber} data-problem="ERRORS">
      <td className="num">{row.lineNumber}</td>
      <td className="break">
        {row.linkable ? <Link to={href('/rekognition/dataset', { arn, entry: row.sourceRef })} title="Open the entry (as it is now)">{row.sourceRef}</Link> : row.sourceRef}
      </td>
      <td>
        <p className="report-what"><span className="report-kind">Written with {row.errors.length === 1 ? 'an error' : `${row.errors.length} errors`}</span>{row.linkable ? '' : ' (not applied: the change failed)'}</p>
        <ul className="report-codes">{row.errors.map((error) => <li key={error.code}><Explained code={error} /></li>)}</ul>
      </td>
    </tr>
  );
}

/** A code in words first, then the code itself (as the entry view shows errors). */
function Explained({ code }: { code: ExplainedCode }) {
  return <>{code.words && <span className="error-words">{code.words}</span>} <code className="report-code">{code.code}</code></>;
}
