import { DeleteDatasetExamplesCommand, GetDatasetCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useCaller } from '../lib/caller.js';
import { useClients } from '../lib/clients.js';
import { agentCoreDatasetArn, decide } from '../lib/permissions.js';
import type { Decision } from '../lib/permissions.js';
import { errorCode } from '../lib/errors.js';
import { count, when } from '../lib/format.js';
import { useAsync, useDebounced, usePolling } from '../lib/hooks.js';
import { href, Link, navigate } from '../lib/router.js';
import { PagerControls, usePages } from '../shell/pager.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { PublishDialog } from './edit/publish-dialog.js';
import { useDatasetWrite } from './edit/use-dataset-write.js';
import { WriteStatus } from './edit/write-status.js';
import { ExampleCard } from './example-card.js';
import { ExamplesExport } from './examples-export.js';
import { matchesSearch } from './example-model.js';
import { ExamplesTable } from './examples-table.js';
import { schemaName } from './schema-names.js';
import { useVersions } from './use-versions.js';
import { VersionsTimeline } from './versions-timeline.js';

const PAGE_SIZES = [10, 20, 50, 100];

/** The editor and its validators are loaded when first opened (they are most of an editing bundle). */
const ExampleEditor = lazy(() => import('./edit/example-editor.js'));

/** Every example of a version, 1,000 a page (the example quota bounds them), for searching. */
export async function allExamples(agentcore: BedrockAgentCoreControlClient, datasetId: string, version: string, signal: AbortSignal): Promise<Record<string, unknown>[]> {
  const examples: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const out = await agentcore.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: version, maxResults: 1000, nextToken: token }), { abortSignal: signal });
    examples.push(...((out.examples ?? []) as Record<string, unknown>[]));
    token = out.nextToken;
  } while (token);
  return examples;
}

/**
 * One AgentCore dataset: its draft or a published version (read-only), as conversations or a
 * table, searchable by scenario_id and input, with the version timeline and a download link.
 * The view, page size and search are in the URL.
 */
export function AgentCoreDatasetPage({ datasetId, version, query }: { datasetId: string; version: string; query: URLSearchParams }) {
  const { agentcore } = useClients();
  const view = query.get('view') === 'table' ? 'table' : 'conversations';
  const size = PAGE_SIZES.includes(Number(query.get('size'))) ? Number(query.get('size')) : 20;
  const [search, setSearch] = useState(query.get('q') ?? '');
  const settled = useDebounced(search.trim(), 300);
  const setQuery = (changes: Record<string, string | number | undefined>) => navigate(href('/agentcore/dataset', {
    id: datasetId, version: version === 'DRAFT' ? undefined : version, view: view === 'table' ? 'table' : undefined, size: size === 20 ? undefined : size,
    q: settled || undefined, ...changes,
  }), { replace: true });
  useEffect(() => {
    if (settled !== (query.get('q') ?? '')) setQuery({ q: settled || undefined });
  }, [settled]);

  const dataset = usePolling(
    async (signal) => agentcore.send(new GetDatasetCommand({ datasetId, datasetVersion: version === 'DRAFT' ? undefined : version }), { abortSignal: signal }),
    (d) => (d && /ING$/.test(d.status ?? '') ? 2_000 : 15_000),
    [datasetId, version],
  );
  const d = dataset.data;
  const missing = dataset.error !== undefined && errorCode(dataset.error) === 'ResourceNotFoundException';
  const caller = useCaller();
  const arn = caller ? [agentCoreDatasetArn(caller, datasetId)] : [];
  const may = (operation: string): Decision => decide(caller, `bedrock-agentcore:${operation}`, arn);
  const [editing, setEditing] = useState<{ example?: Record<string, unknown> }>();
  const [publishing, setPublishing] = useState(false);
  const draft = version === 'DRAFT';
  const versions = useVersions(missing ? undefined : datasetId, d?.updatedAt?.getTime());
  const updated = d?.updatedAt?.getTime();
  // Each answer says which version and search it is for: the page or the matches before stay held
  // while the next ones load, and must not be shown as theirs (version 1's examples beside the
  // draft's Edit and Delete, the matches of "refund" as those of "order", a search's empty page as "No examples.").
  const shownFor = JSON.stringify([datasetId, version, settled]);
  const pages = usePages<Record<string, unknown>, { for: string }>(async (token, signal) => {
    if (missing || settled) return { items: [], for: shownFor };
    const out = await agentcore.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: version, maxResults: size, nextToken: token }), { abortSignal: signal });
    return { items: (out.examples ?? []) as Record<string, unknown>[], nextToken: out.nextToken, for: shownFor };
  }, [datasetId, version, size, updated, missing, settled]);
  // A search reads the whole version once and pages the matches here (AWS has no search).
  const searched = useAsync(async (signal) => ({
    for: shownFor,
    matches: settled && !missing ? (await allExamples(agentcore, datasetId, version, signal)).filter((e) => matchesSearch(e, settled)) : undefined,
  }), [datasetId, version, settled, updated, missing]);
  const [searchPage, setSearchPage] = useState(0);
  const [searchKey, setSearchKey] = useState(settled);
  if (searchKey !== settled) {
    setSearchKey(settled);
    setSearchPage(0);
  }

  if (missing) {
    return (
      <section className="not-found">
        <nav aria-label="Breadcrumb" className="breadcrumb"><Link to={href('/')}>Datasets</Link></nav>
        <h1>No such evaluation dataset</h1>
        <p>There is no dataset {datasetId}{version === 'DRAFT' ? '' : ` with a version ${version}`} in this account and region. It may have been deleted, or it lives in another region (switch it at the top).</p>
      </section>
    );
  }

  const matches = searched.data?.for === shownFor ? searched.data.matches : undefined;
  const listed = pages.page.data?.for === shownFor ? pages.page.data : undefined;
  const items = settled ? (matches ?? []).slice(searchPage * size, (searchPage + 1) * size) : listed?.items ?? [];
  const loading = settled ? matches === undefined && searched.error === undefined : pages.page.loading && !listed;
  const total = d?.exampleCount;
  const first = settled ? searchPage * size : ((listed?.number ?? pages.number) - 1) * size;
  const pager = settled
    ? { number: searchPage + 1, previous: searchPage > 0 ? () => setSearchPage(searchPage - 1) : undefined, next: (searchPage + 1) * size < (matches?.length ?? 0) ? () => setSearchPage(searchPage + 1) : undefined }
    : pages;
  const history = (exampleId: string) => href('/agentcore/history', { id: datasetId, example: exampleId });
  const actions = (example: Record<string, unknown>) => (
    <ExampleActions datasetId={datasetId} example={example} editDenied={reason(may('UpdateDatasetExamples'))} deleteDenied={reason(may('DeleteDatasetExamples'))}
      onEdit={() => setEditing({ example })} onDeleted={dataset.reload} />
  );
  const range = items.length === 0 ? '' : `${count(first + 1)}–${count(first + items.length)} of ${settled ? `${count(matches?.length)} matching` : count(total)}`;

  return (
    <div className="ac-page">
      <header>
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to={href('/')}>Datasets</Link> › <span aria-current="page">{d?.datasetName ?? datasetId}</span>
        </nav>
        <div className="title-row">
          <h1>
            {d?.datasetName ?? datasetId} <span className="muted">· {version === 'DRAFT' ? 'Draft' : `Version ${version} (read-only)`}</span>
          </h1>
          <span className="title-actions">
          {draft && d && (
            <button type="button" className="primary" onClick={() => setPublishing(true)} disabled={!may('CreateDatasetVersion').allowed || d.status !== 'ACTIVE'}
              title={reason(may('CreateDatasetVersion')) ?? (d.status !== 'ACTIVE' ? `The dataset is ${d.status}` : 'See what changed since the last version, then publish the draft (CreateDatasetVersion)')}>
              Publish version…
            </button>
          )}
          {d?.downloadUrl && (
            <a className="button" href={d.downloadUrl} download={`${d.datasetName ?? datasetId}-${version === 'DRAFT' ? 'draft' : `v${version}`}.jsonl`}>
              Download {version === 'DRAFT' ? 'the draft' : `version ${version}`} (JSONL)
            </a>
          )}
          {d && <ExamplesExport datasetId={datasetId} version={version} />}
          </span>
        </div>
        {dataset.error !== undefined && <Problem error={dataset.error} retry={dataset.reload} />}
        {d && (
          <dl className="stats">
            <div><dt>Schema</dt><dd title={d.schemaType}>{schemaName(d.schemaType)}</dd></div>
            <div><dt>Status</dt><dd aria-live="polite"><StatusBadge status={d.status} /></dd></div>
            <div><dt>Draft</dt><dd><StatusBadge status={d.draftStatus} /></dd></div>
            <div><dt>Examples</dt><dd>{count(d.exampleCount)}</dd></div>
            <div><dt>Updated</dt><dd>{when(d.updatedAt)}</dd></div>
          </dl>
        )}
        {d?.description && <p>{d.description}</p>}
        {d?.failureReason && <p className="error-text" role="alert">{d.failureReason}</p>}
      </header>
      {editing && d?.schemaType && (
        <Suspense fallback={<p className="muted" role="status">Opening the editor…</p>}>
          <ExampleEditor datasetId={datasetId} schemaType={d.schemaType} example={editing.example}
            denied={reason(may(editing.example ? 'UpdateDatasetExamples' : 'AddDatasetExamples'))}
            onClose={(saved) => { setEditing(undefined); if (saved) dataset.reload(); }} />
        </Suspense>
      )}
      {publishing && (
        <PublishDialog datasetId={datasetId} lastVersion={versions.data?.[0]?.datasetVersion}
          onClose={(published) => { setPublishing(false); if (published) dataset.reload(); }} />
      )}
      <div className="ac-body">
        <aside className="ac-versions">
          {versions.error !== undefined && <Problem error={versions.error} retry={versions.reload} />}
          <VersionsTimeline datasetId={datasetId} name={d?.datasetName ?? datasetId} versions={versions.data} current={version} draftStatus={d?.draftStatus}
            deleteDenied={reason(may('DeleteDataset'))} onChanged={dataset.reload} />
        </aside>
        <section aria-label="Examples" className="examples">
          <div className="examples-toolbar">
            <div role="group" aria-label="View" className="segmented">
              <button type="button" aria-pressed={view === 'conversations'} onClick={() => setQuery({ view: undefined })}>Conversations</button>
              <button type="button" aria-pressed={view === 'table'} onClick={() => setQuery({ view: 'table' })}>Table</button>
            </div>
            {draft && (
              <button type="button" onClick={() => setEditing({})} disabled={!may('AddDatasetExamples').allowed || !d}
                title={reason(may('AddDatasetExamples')) ?? 'Add an example to the draft (AddDatasetExamples)'}>Add example</button>
            )}
            <input type="search" aria-label="Search scenario_id and input" placeholder="Search scenario_id and input" value={search} onChange={(e) => setSearch(e.target.value)} spellCheck={false} />
            <label className="small">
              Per page{' '}
              <select value={size} onChange={(e) => setQuery({ size: Number(e.target.value) === 20 ? undefined : Number(e.target.value) })}>
                {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </label>
          </div>
          <div className="pager-row">
            <span className="small muted" aria-live="polite">{range}</span>
            <PagerControls label="Example pages (top)" {...pager} />
          </div>
          {pages.page.error !== undefined && <Problem error={pages.page.error} retry={pages.page.reload} />}
          {searched.error !== undefined && <Problem error={searched.error} retry={searched.reload} />}
          {loading && <p className="muted">{settled ? 'Searching every example…' : 'Loading examples…'}</p>}
          {!loading && items.length === 0 && <p className="muted">{settled ? `No example's scenario_id or input contains “${settled}”.` : 'No examples.'}</p>}
          {view === 'table'
            ? items.length > 0 && <ExamplesTable examples={items} onHistory={history} actions={draft ? actions : undefined} />
            : items.map((example, i) => <ExampleCard key={String(example['exampleId'] ?? i)} example={example} historyHref={history(String(example['exampleId'] ?? ''))}
              actions={draft ? actions(example) : undefined} />)}
          <div className="pager-row">
            <span />
            <PagerControls label="Example pages" {...pager} />
          </div>
        </section>
      </div>
    </div>
  );
}

function reason(decision: Decision): string | undefined {
  return decision.allowed ? undefined : decision.reason;
}

/** Edit and delete for one example of the draft (DeleteDatasetExamples, with a clientToken, after a confirmation). */
function ExampleActions({ datasetId, example, editDenied, deleteDenied, onEdit, onDeleted }: {
  datasetId: string; example: Record<string, unknown>; editDenied: string | undefined; deleteDenied: string | undefined; onEdit: () => void; onDeleted: () => void;
}) {
  const { agentcore } = useClients();
  const write = useDatasetWrite(datasetId);
  const [confirming, setConfirming] = useState(false);
  const id = String(example['exampleId'] ?? '');
  const remove = async () => {
    setConfirming(false);
    if (await write.run({ delete: id }, (clientToken) => agentcore.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: [id], clientToken })))) onDeleted();
  };
  return (
    <span className="example-actions">
      <button type="button" className="small" onClick={onEdit} disabled={editDenied !== undefined || write.busy} title={editDenied ?? 'Edit this example (UpdateDatasetExamples)'}>Edit</button>
      {confirming ? (
        <>
          <button type="button" className="small danger" onClick={() => void remove()}>Delete it</button>
          <button type="button" className="small" onClick={() => setConfirming(false)}>Keep</button>
        </>
      ) : (
        <button type="button" className="small" onClick={() => setConfirming(true)} disabled={deleteDenied !== undefined || write.busy} title={deleteDenied ?? 'Delete this example from the draft (DeleteDatasetExamples)'}>Delete</button>
      )}
      <WriteStatus state={write.state} done="Deleted" />
    </span>
  );
}
