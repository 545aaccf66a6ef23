import { DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import type { ProjectDescription } from '@aws-sdk/client-rekognition';
import { useClients } from '../lib/clients.js';
import { projectNameOf, when } from '../lib/format.js';
import { href, Link } from '../lib/router.js';
import { PagerControls, usePages } from '../shell/pager.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';

const PAGE = 20;

/** Rekognition Custom Labels projects (DescribeProjects, a page at a time) with their datasets. */
export function ProjectList() {
  const { rekognition, session } = useClients();
  const pages = usePages<ProjectDescription>(async (token, signal) => {
    const out = await rekognition.send(new DescribeProjectsCommand({ MaxResults: PAGE, NextToken: token }), { abortSignal: signal });
    return { items: out.ProjectDescriptions ?? [], nextToken: out.NextToken };
  }, []);
  const { page } = pages;
  return (
    <section aria-labelledby="projects-heading" className="panel">
      <h1 id="projects-heading">Rekognition Custom Labels projects</h1>
      {page.error !== undefined && <Problem error={page.error} retry={page.reload} />}
      {page.loading && !page.data && <p className="muted">Loading projects…</p>}
      {page.data && page.data.items.length === 0 && <p className="muted">No projects in {session.region} yet. Projects belong to the region they were created in: pick another region at the top if yours are elsewhere.</p>}
      <ul className="card-list">
        {page.data?.items.map((project) => (
          <li key={project.ProjectArn} className="card">
            <h2>
              <Link to={href('/rekognition/project', { name: projectNameOf(project.ProjectArn ?? '') })}>{projectNameOf(project.ProjectArn ?? '')}</Link>
            </h2>
            <p className="muted small">Created {when(project.CreationTimestamp)} · <StatusBadge status={project.Status} /></p>
            <ul className="inline-list" aria-label="Datasets">
              {(project.Datasets ?? []).map((dataset) => (
                <li key={dataset.DatasetArn}>
                  <Link to={href('/rekognition/dataset', { arn: dataset.DatasetArn })}>{dataset.DatasetType}</Link>{' '}
                  <StatusBadge status={dataset.Status} />
                </li>
              ))}
              {(project.Datasets ?? []).length === 0 && <li className="muted">no datasets</li>}
            </ul>
          </li>
        ))}
      </ul>
      <PagerControls label="Project pages" {...pages} />
    </section>
  );
}
