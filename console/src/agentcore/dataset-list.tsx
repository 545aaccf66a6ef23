import { ListDatasetsCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { DatasetSummary } from '@aws-sdk/client-bedrock-agentcore-control';
import { useClients } from '../lib/clients.js';
import { count, when } from '../lib/format.js';
import { href, Link } from '../lib/router.js';
import { PagerControls, usePages } from '../shell/pager.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { schemaName } from './schema-names.js';

const PAGE = 20;

/** AgentCore evaluation datasets (ListDatasets, a page at a time). */
export function AgentCoreDatasetList() {
  const { agentcore, session } = useClients();
  const pages = usePages<DatasetSummary>(async (token, signal) => {
    const out = await agentcore.send(new ListDatasetsCommand({ maxResults: PAGE, nextToken: token }), { abortSignal: signal });
    return { items: out.datasets ?? [], nextToken: out.nextToken };
  }, []);
  const { page } = pages;
  return (
    <section aria-labelledby="agentcore-heading" className="panel">
      <h1 id="agentcore-heading">AgentCore evaluation datasets</h1>
      {page.error !== undefined && <Problem error={page.error} retry={page.reload} />}
      {page.loading && !page.data && <p className="muted">Loading datasets…</p>}
      {page.data && page.data.items.length === 0 && <p className="muted">No evaluation datasets in {session.region} yet. Datasets belong to the region they were created in: pick another region at the top if yours are elsewhere.</p>}
      {page.data && page.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Schema</th><th scope="col">Status</th><th scope="col">Draft</th><th scope="col" className="num">Examples</th><th scope="col">Updated</th></tr>
            </thead>
            <tbody>
              {page.data.items.map((dataset) => (
                <tr key={dataset.datasetId}>
                  <th scope="row"><Link to={href('/agentcore/dataset', { id: dataset.datasetId })}>{dataset.datasetName}</Link></th>
                  <td title={dataset.schemaType}>{schemaName(dataset.schemaType)}</td>
                  <td><StatusBadge status={dataset.status} /></td>
                  <td><StatusBadge status={dataset.draftStatus} /></td>
                  <td className="num">{count(dataset.exampleCount)}</td>
                  <td className="nowrap">{when(dataset.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PagerControls label="Dataset pages" {...pages} />
    </section>
  );
}
