import { GetDatasetCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useClients } from '../lib/clients.js';
import { count, when } from '../lib/format.js';
import { usePolling } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { PagerControls, usePages } from '../shell/pager.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { ExampleCard } from './example-card.js';
import { schemaName } from './schema-names.js';
import { useVersions } from './use-versions.js';
import { VersionsTimeline } from './versions-timeline.js';

const PAGE = 20;

/** One AgentCore dataset: its draft or a published version (read-only), as conversations, with the version timeline. */
export function AgentCoreDatasetPage({ datasetId, version }: { datasetId: string; version: string }) {
  const { agentcore } = useClients();
  const dataset = usePolling(
    async (signal) => agentcore.send(new GetDatasetCommand({ datasetId, datasetVersion: version === 'DRAFT' ? undefined : version }), { abortSignal: signal }),
    (d) => (d && /ING$/.test(d.status ?? '') ? 2_000 : 15_000),
    [datasetId, version],
  );
  const d = dataset.data;
  const versions = useVersions(datasetId, d?.updatedAt?.getTime());
  const pages = usePages<Record<string, unknown>>(async (token, signal) => {
    const out = await agentcore.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: version, maxResults: PAGE, nextToken: token }), { abortSignal: signal });
    return { items: (out.examples ?? []) as Record<string, unknown>[], nextToken: out.nextToken };
  }, [datasetId, version, d?.updatedAt?.getTime()]);

  return (
    <div className="ac-page">
      <header>
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to={href('/')}>Datasets</Link> › <span aria-current="page">{d?.datasetName ?? datasetId}</span>
        </nav>
        <h1>
          {d?.datasetName ?? datasetId} <span className="muted">· {version === 'DRAFT' ? 'Draft' : `Version ${version} (read-only)`}</span>
        </h1>
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
      <div className="ac-body">
        <aside>
          {versions.error !== undefined && <Problem error={versions.error} retry={versions.reload} />}
          <VersionsTimeline datasetId={datasetId} versions={versions.data ?? []} current={version} draftStatus={d?.draftStatus} />
        </aside>
        <section aria-label="Examples" className="examples">
          {pages.page.error !== undefined && <Problem error={pages.page.error} retry={pages.page.reload} />}
          {pages.page.loading && !pages.page.data && <p className="muted">Loading examples…</p>}
          {pages.page.data?.items.length === 0 && <p className="muted">No examples.</p>}
          {pages.page.data?.items.map((example, i) => <ExampleCard key={String(example['exampleId'] ?? i)} example={example} />)}
          <PagerControls label="Example pages" {...pages} />
        </section>
      </div>
    </div>
  );
}
