import { DeleteDatasetCommand, GetDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { DatasetVersionSummary } from '@aws-sdk/client-bedrock-agentcore-control';
import { useState } from 'react';
import { useClients } from '../lib/clients.js';
import { count, when } from '../lib/format.js';
import { href, Link, navigate } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { StatusBadge } from '../shell/status-badge.js';
import { useDatasetWrite } from './edit/use-dataset-write.js';
import { WriteStatus } from './edit/write-status.js';

/**
 * The draft and the published versions, newest first. Each opens read-only; ticking two and
 * choosing Compare opens their diff. Every published version can be downloaded (GetDataset's
 * downloadUrl) and deleted (DeleteDataset with datasetVersion; AgentCore keeps the last one).
 */
export function VersionsTimeline({ datasetId, name, versions, current, draftStatus, deleteDenied, onChanged }: {
  datasetId: string; name: string;
  /** Undefined until they are read (nothing is said about them meanwhile). */
  versions: readonly DatasetVersionSummary[] | undefined;
  current: string; draftStatus: string | undefined;
  deleteDenied?: string; onChanged?: () => void;
}) {
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (version: string) => setPicked((p) => (p.includes(version) ? p.filter((v) => v !== version) : [...p, version].slice(-2)));
  const compare = () => {
    const [a, b] = [...picked].sort((x, y) => order(x) - order(y));
    navigate(href('/agentcore/diff', { id: datasetId, from: a, to: b }));
  };
  const entries = [{ datasetVersion: 'DRAFT', exampleCount: undefined, createdAt: undefined }, ...(versions ?? [])];
  const datasetName = name;
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
                {name !== 'DRAFT' && <VersionActions datasetId={datasetId} datasetName={datasetName} version={name} deleteDenied={deleteDenied} onChanged={onChanged} />}
              </div>
            </li>
          );
        })}
      </ol>
      {versions?.length === 0 && <p className="small muted">Nothing published yet (CreateDatasetVersion).</p>}
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

/** Download (the version's JSONL, through GetDataset's signed link) and delete one published version. */
function VersionActions({ datasetId, datasetName, version, deleteDenied, onChanged }: {
  datasetId: string; datasetName: string; version: string; deleteDenied?: string; onChanged?: () => void;
}) {
  const { agentcore } = useClients();
  const write = useDatasetWrite(datasetId);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const download = async () => {
    try {
      const out = await agentcore.send(new GetDatasetCommand({ datasetId, datasetVersion: version }));
      if (!out.downloadUrl) throw new Error(`Version ${version} has no download link.`);
      const link = document.createElement('a');
      link.href = out.downloadUrl;
      link.download = `${datasetName}-v${version}.jsonl`;
      link.click();
    } catch (caught) {
      setError(caught);
    }
  };
  const remove = async () => {
    setConfirming(false);
    if (await write.run({ delete: version }, () => agentcore.send(new DeleteDatasetCommand({ datasetId, datasetVersion: version })))) onChanged?.();
  };
  return (
    <span className="version-actions">
      <button type="button" className="small" onClick={() => void download()} aria-label={`Download version ${version}`}>Download</button>
      {confirming ? (
        <>
          <button type="button" className="small danger" onClick={() => void remove()}>Delete version {version}</button>
          <button type="button" className="small" onClick={() => setConfirming(false)}>Keep</button>
        </>
      ) : (
        <button type="button" className="small" onClick={() => setConfirming(true)} disabled={deleteDenied !== undefined || write.busy} title={deleteDenied ?? `Delete version ${version} (DeleteDataset with datasetVersion)`}
          aria-label={`Delete version ${version}`}>Delete</button>
      )}
      {error !== undefined && <Problem error={error} />}
      <WriteStatus state={write.state} done={`Version ${version} deleted`} />
    </span>
  );
}
