import { useClients } from '../lib/clients.js';
import { errorCode } from '../lib/errors.js';
import { useAsync } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { GetDatasetCommand, ListDatasetVersionsCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { allExamples } from './dataset-page.js';
import { ExampleCard } from './example-card.js';
import { readConversation } from './example-model.js';
import { diffValues, exampleIdOf, formatPath } from './version-diff.js';
import type { FieldChange } from './version-diff.js';

interface Step {
  readonly version: string;
  readonly example: Record<string, unknown> | undefined;
  /** Against the next older version: added, removed, changed (with its fields) or unchanged. */
  readonly kind: 'added' | 'removed' | 'changed' | 'unchanged' | 'absent';
  readonly changes: readonly FieldChange[];
}

/**
 * One example across the published versions and the draft, newest first: when it appeared, each
 * version that changed it (the fields, highlighted in its conversation), and when it went away.
 * AWS has no per-example history: each version is read (ListDatasetExamples) and the example found by its id.
 */
export function ExampleHistoryPage({ datasetId, exampleId }: { datasetId: string; exampleId: string }) {
  const { agentcore } = useClients();
  const history = useAsync(async (signal) => {
    const dataset = await agentcore.send(new GetDatasetCommand({ datasetId }), { abortSignal: signal });
    const versions: string[] = [];
    let token: string | undefined;
    do {
      const out = await agentcore.send(new ListDatasetVersionsCommand({ datasetId, maxResults: 100, nextToken: token }), { abortSignal: signal });
      versions.push(...(out.versions ?? []).map((v) => v.datasetVersion ?? ''));
      token = out.nextToken;
    } while (token);
    const oldestFirst = [...versions.sort((a, b) => Number(a) - Number(b)), 'DRAFT'];
    const found: (Record<string, unknown> | undefined)[] = [];
    for (const version of oldestFirst) {
      found.push((await allExamples(agentcore, datasetId, version, signal)).find((e) => exampleIdOf(e) === exampleId));
    }
    const steps: Step[] = oldestFirst.map((version, i) => {
      const before = i > 0 ? found[i - 1] : undefined;
      const after = found[i];
      if (!after) return { version, example: before, kind: before ? 'removed' : 'absent', changes: [] };
      if (!before) return { version, example: after, kind: 'added', changes: [] };
      const changes = diffValues(before, after);
      return { version, example: after, kind: changes.length ? 'changed' : 'unchanged', changes };
    });
    return { name: dataset.datasetName ?? datasetId, steps: steps.reverse() };
  }, [datasetId, exampleId]);
  const title = history.data?.steps.find((s) => s.example)?.example;
  const name = (version: string) => (version === 'DRAFT' ? 'Draft' : `Version ${version}`);
  const words: Record<Step['kind'], string> = {
    added: 'Added', removed: 'Removed', changed: 'Changed', unchanged: 'Unchanged', absent: 'Not in this version',
  };
  return (
    <div className="history-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={href('/')}>Datasets</Link> › <Link to={href('/agentcore/dataset', { id: datasetId })}>{history.data?.name ?? datasetId}</Link> ›{' '}
        <span aria-current="page">History</span>
      </nav>
      <h1>History of {title ? readConversation(title).title : exampleId}</h1>
      {history.error !== undefined && (errorCode(history.error) === 'ResourceNotFoundException'
        ? <p>There is no dataset {datasetId} in this account and region.</p>
        : <Problem error={history.error} retry={history.reload} />)}
      {history.loading && <p className="muted" aria-live="polite">Reading every version…</p>}
      {history.data && history.data.steps.every((s) => s.kind === 'absent') && <p>No version has an example {exampleId}.</p>}
      <ol className="history">
        {history.data?.steps.filter((s) => s.kind !== 'absent').map((step) => (
          <li key={step.version} className={`history-step history-${step.kind}`} data-version={step.version}>
            <h2>{name(step.version)}: <span className="history-kind">{words[step.kind]}</span></h2>
            {step.kind === 'changed' && <p className="small">Fields: {step.changes.map((c) => formatPath(c.path)).join(', ')}</p>}
            {(step.kind === 'added' || step.kind === 'changed') && step.example && <ExampleCard example={step.example} changes={step.changes} />}
          </li>
        ))}
      </ol>
    </div>
  );
}
