import type { DatasetVersionSummary } from '@aws-sdk/client-bedrock-agentcore-control';
import { useState } from 'react';
import { count, when } from '../lib/format.js';
import { href, Link, navigate } from '../lib/router.js';
import { StatusBadge } from '../shell/status-badge.js';

/**
 * The draft and the published versions, newest first. Each opens read-only; ticking two and
 * choosing Compare opens their diff.
 */
export function VersionsTimeline({ datasetId, versions, current, draftStatus }: { datasetId: string; versions: readonly DatasetVersionSummary[]; current: string; draftStatus: string | undefined }) {
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (version: string) => setPicked((p) => (p.includes(version) ? p.filter((v) => v !== version) : [...p, version].slice(-2)));
  const compare = () => {
    const [a, b] = [...picked].sort((x, y) => order(x) - order(y));
    navigate(href('/agentcore/diff', { id: datasetId, from: a, to: b }));
  };
  const entries = [{ datasetVersion: 'DRAFT', exampleCount: undefined, createdAt: undefined }, ...versions];
  return (
    <nav className="timeline" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <ol>
        {entries.map((version) => {
          const name = version.datasetVersion ?? '';
          return (
            <li key={name} className={name === current ? 'current' : undefined}>
              <input type="checkbox" aria-label={`Select ${label(name)} to compare`} checked={picked.includes(name)} onChange={() => toggle(name)} />
              <div>
                <Link to={href('/agentcore/dataset', { id: datasetId, version: name === 'DRAFT' ? undefined : name })} aria-current={name === current ? 'page' : undefined}>
                  {label(name)}
                </Link>
                <span className="small muted">
                  {name === 'DRAFT' ? <StatusBadge status={draftStatus} /> : `${count(version.exampleCount)} examples · ${when(version.createdAt)}`}
                </span>
              </div>
            </li>
          );
        })}
      </ol>
      {versions.length === 0 && <p className="small muted">Nothing published yet (CreateDatasetVersion).</p>}
      <button type="button" onClick={compare} disabled={picked.length !== 2}>
        {picked.length === 2 ? `Compare ${label(picked[0])} and ${label(picked[1])}` : 'Tick two versions to compare'}
      </button>
    </nav>
  );
}

function label(version: string): string {
  return version === 'DRAFT' ? 'Draft' : `Version ${version}`;
}

/** Older first: numbered versions by number, the draft last (it is the newest state). */
function order(version: string): number {
  return version === 'DRAFT' ? Number.MAX_SAFE_INTEGER : Number(version);
}
