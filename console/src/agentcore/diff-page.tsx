import { GetDatasetCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useState } from 'react';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { ExampleCard } from './example-card.js';
import { readConversation } from './example-model.js';
import { JsonView } from './json-view.js';
import { diffVersions, diffWords, exampleIdOf, formatPath } from './version-diff.js';
import type { ChangedExample, Example } from './version-diff.js';

type Tab = 'changed' | 'added' | 'removed';

/** Two versions compared: examples added, removed and changed, with the changed fields highlighted. */
export function VersionDiffPage({ datasetId, from, to }: { datasetId: string; from: string; to: string }) {
  const { agentcore } = useClients();
  const [progress, setProgress] = useState({ from: 0, to: 0 });
  const diff = useAsync(async (signal) => {
    // Every example of both versions (the quota bounds them: 10,000 by default), 1,000 a page.
    const all = async (version: string, side: 'from' | 'to') => {
      const examples: Example[] = [];
      let token: string | undefined;
      do {
        const out = await agentcore.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: version, maxResults: 1000, nextToken: token }), { abortSignal: signal });
        examples.push(...((out.examples ?? []) as Example[]));
        setProgress((p) => ({ ...p, [side]: examples.length }));
        token = out.nextToken;
      } while (token);
      return examples;
    };
    const [before, after, dataset] = await Promise.all([all(from, 'from'), all(to, 'to'), agentcore.send(new GetDatasetCommand({ datasetId }), { abortSignal: signal })]);
    return { ...diffVersions(before, after), name: dataset.datasetName ?? datasetId };
  }, [datasetId, from, to]);
  const [chosen, setChosen] = useState<Tab>();
  // Open on the first kind of difference there is.
  const tab: Tab = chosen ?? (['changed', 'added', 'removed'] as const).find((kind) => (diff.data?.[kind].length ?? 0) > 0) ?? 'changed';
  const setTab = setChosen;
  const name = (v: string) => (v === 'DRAFT' ? 'the draft' : `version ${v}`);
  const d = diff.data;
  return (
    <div className="diff-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={href('/')}>Datasets</Link> › <Link to={href('/agentcore/dataset', { id: datasetId })}>{diff.data?.name ?? datasetId}</Link> › <span aria-current="page">Compare</span>
      </nav>
      <h1>From {name(from)} to {name(to)}</h1>
      {diff.error !== undefined && <Problem error={diff.error} retry={diff.reload} />}
      {diff.loading && <p className="muted" aria-live="polite">Reading examples: {count(progress.from)} of {name(from)}, {count(progress.to)} of {name(to)}…</p>}
      {d && (
        <>
          <div role="tablist" aria-label="Kinds of difference" className="tabs">
            {(['changed', 'added', 'removed'] as const).map((kind) => (
              <button key={kind} role="tab" type="button" aria-selected={tab === kind} onClick={() => setTab(kind)} className={`tab tab-${kind}`}>
                {count(d[kind].length)} {kind}
              </button>
            ))}
            <span className="muted small">{count(d.unchanged)} unchanged</span>
          </div>
          <div role="tabpanel" aria-label={`${tab} examples`} className="diff-list">
            {tab === 'changed' && d.changed.map((change) => <ChangedView key={change.exampleId} change={change} />)}
            {tab !== 'changed' && d[tab].map((example) => (
              <div key={exampleIdOf(example)} className={`diff-whole diff-whole-${tab}`}>
                <p className="diff-kind">{readConversation(example).title}: {tab === 'added' ? `added in ${name(to)}` : `removed since ${name(from)}`}</p>
                <ExampleCard example={example} />
              </div>
            ))}
            {d[tab].length === 0 && <p className="muted">No {tab} examples.</p>}
          </div>
        </>
      )}
    </div>
  );
}

/** A changed example: the fields that changed, before and after, then the new conversation with them highlighted. */
function ChangedView({ change }: { change: ChangedExample }) {
  const [json, setJson] = useState(false);
  const title = readConversation(change.after).title;
  return (
    <section className="diff-changed-example" aria-labelledby={`change-${change.exampleId}`}>
      <h2 id={`change-${change.exampleId}`} className="change-title">
        {title} <span className="muted small">{title !== change.exampleId ? `id ${change.exampleId} · ` : ''}{change.changes.length} field{change.changes.length === 1 ? '' : 's'} changed</span>
      </h2>
      <table className="field-changes">
        <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
        <tbody>
          {change.changes.map((field) => (
            <tr key={formatPath(field.path)} className={`diff-${field.kind}`}>
              <th scope="row"><code>{formatPath(field.path)}</code></th>
              <td>{field.kind === 'added' ? <span className="muted">(absent)</span> : <Side value={field.before} other={field.after} side="before" />}</td>
              <td>{field.kind === 'removed' ? <span className="muted">(absent)</span> : <Side value={field.after} other={field.before} side="after" />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="small" aria-pressed={json} onClick={() => setJson(!json)}>{json ? 'Show conversation' : 'Show both as JSON'}</button>
      {json ? (
        <div className="side-by-side">
          <div><h4>Before</h4><JsonView value={change.before} changes={change.changes} side="before" /></div>
          <div><h4>After</h4><JsonView value={change.after} changes={change.changes} side="after" /></div>
        </div>
      ) : (
        <ExampleCard example={change.after} changes={change.changes} />
      )}
    </section>
  );
}

/** One side of a changed field: two texts show the words that changed, anything else the whole value. */
function Side({ value, other, side }: { value: unknown; other: unknown; side: 'before' | 'after' }) {
  const Mark = side === 'before' ? 'del' : 'ins';
  if (typeof value !== 'string' || typeof other !== 'string') {
    return <Mark className="value whole">{typeof value === 'string' ? value : JSON.stringify(value)}</Mark>;
  }
  const parts = side === 'before' ? diffWords(value, other) : diffWords(other, value);
  const hidden = side === 'before' ? 'added' : 'removed';
  return (
    <span className="value">
      {parts.filter((p) => p.kind !== hidden).map((part, i) => (part.kind === 'same' ? <span key={i}>{part.text}</span> : <Mark key={i}>{part.text}</Mark>))}
    </span>
  );
}
