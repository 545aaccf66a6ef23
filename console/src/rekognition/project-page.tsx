import { DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import type { DatasetMetadata } from '@aws-sdk/client-rekognition';
import { useClients } from '../lib/clients.js';
import { projectNameOf, when } from '../lib/format.js';
import { usePolling } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { DatasetStats } from './dataset-stats.js';
import { useDataset } from './use-dataset.js';

/** One project: its TRAIN and TEST datasets with live status and DatasetStats. */
export function ProjectPage({ name }: { name: string }) {
  const { rekognition } = useClients();
  const project = usePolling(
    async (signal) => {
      const out = await rekognition.send(new DescribeProjectsCommand({ ProjectNames: [name] }), { abortSignal: signal });
      return out.ProjectDescriptions?.find((p) => projectNameOf(p.ProjectArn ?? '') === name);
    },
    (found) => (found?.Datasets?.some((d) => d.Status?.endsWith('_IN_PROGRESS')) ? 2_000 : 15_000),
    [name],
  );
  return (
    <section aria-labelledby="project-heading">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={href('/')}>Datasets</Link> › <span aria-current="page">{name}</span>
      </nav>
      <h1 id="project-heading">{name}</h1>
      {project.error !== undefined && <Problem error={project.error} retry={project.reload} />}
      {project.data === undefined && !project.loading && project.error === undefined && <p>No project named {name} in this account and region.</p>}
      {project.data && (
        <>
          <p className="muted small">
            {project.data.ProjectArn} · created {when(project.data.CreationTimestamp)} · <StatusBadge status={project.data.Status} />
          </p>
          <div className="dataset-cards">
            {(project.data.Datasets ?? []).map((dataset) => <DatasetCard key={dataset.DatasetArn} metadata={dataset} />)}
            {(project.data.Datasets ?? []).length === 0 && <p className="muted">This project has no datasets yet.</p>}
          </div>
        </>
      )}
    </section>
  );
}

function DatasetCard({ metadata }: { metadata: DatasetMetadata }) {
  const dataset = useDataset(metadata.DatasetArn ?? '');
  const description = dataset.data;
  return (
    <article className="card" aria-labelledby={`card-${metadata.DatasetType}`}>
      <h2 id={`card-${metadata.DatasetType}`}>
        <Link to={href('/rekognition/dataset', { arn: metadata.DatasetArn })}>{metadata.DatasetType} dataset</Link>
      </h2>
      <p aria-live="polite"><StatusBadge status={description?.Status ?? metadata.Status} /></p>
      {description?.StatusMessage && <p className="small">{description.StatusMessage}</p>}
      <DatasetStats dataset={description} />
      {dataset.error !== undefined && <Problem error={dataset.error} retry={dataset.reload} />}
    </article>
  );
}
