import { GetDatasetCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useState } from 'react';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { FieldChangesTable, firstKind, KindTabs } from '../shell/diff-parts.js';
import type { DiffKind } from '../shell/diff-parts.js';
import { Problem } from '../shell/problem.js';
import { ExampleCard } from './example-card.js';
import { readConversation } from './example-model.js';
import { JsonView } from './json-view.js';
import { diffVersions, exampleIdOf } from './version-diff.js';
import type { ChangedExample, Example, VersionDiff } from './version-diff.js';

/** Both versions read in full (the quota bounds them: 10,000 by default, 1,000 a page) and compared, with reading progress. */
export function useVersionDiff(datasetId: string, from: string, to: string) {
  const { agentcore } = useClients();
  const [progress, setProgress] = useState({ from: 0, to: 0 });
  const diff = useAsync(async (signal) => {
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
  return { diff, progress };
}

const versionName = (v: string) => (v === 'DRAFT' ? 'the draft' : `version ${v}`);

/** Two versions compared: examples added, removed and changed, with the changed fields highlighted. */
export function VersionDiffPage({ datasetId, from, to }: { datasetId: string; from: string; to: string }) {
  const { diff, progress } = useVersionDiff(datasetId, from, to);
  return (
    <div className="diff-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={href('/')}>Datasets</Link> › <Link to={href('/agentcore/dataset', { id: datasetId })}>{diff.data?.name ?? datasetId}</Link> › <span aria-current="page">Compare</span>
      </nav>
      <h1>From {versionName(from)} to {versionName(to)}</h1>
      {diff.error !== undefined && <Problem error={diff.error} retry={diff.reload} />}
      {diff.loading && <p className="muted" aria-live="polite">Reading examples: {count(progress.from)} of {versionName(from)}, {count(progress.to)} of {versionName(to)}…</p>}
      {diff.data && <DiffTabs diff={diff.data} from={from} to={to} />}
    </div>
  );
}

/** The difference as tabs (changed, added, removed), opening on the first kind there is. */
export function DiffTabs({ diff, from, to }: { diff: VersionDiff; from: string; to: string }) {
  const [chosen, setChosen] = useState<DiffKind>();
  const tab = chosen ?? firstKind({ changed: diff.changed.length, added: diff.added.length, removed: diff.removed.length });
  return (
    <>
      <KindTabs counts={{ changed: diff.changed.length, added: diff.added.length, removed: diff.removed.length }} selected={tab} onSelect={setChosen}
        extra={<span className="muted small">{count(diff.unchanged)} unchanged</span>} />
      <div role="tabpanel" aria-label={`${tab} examples`} className="diff-list">
        {tab === 'changed' && diff.changed.map((change) => <ChangedView key={change.exampleId} change={change} />)}
        {tab !== 'changed' && diff[tab].map((example) => (
          <div key={exampleIdOf(example)} className={`diff-whole diff-whole-${tab}`}>
            <p className="diff-kind">{readConversation(example).title}: {tab === 'added' ? `added in ${versionName(to)}` : `removed since ${versionName(from)}`}</p>
            <ExampleCard example={example} />
          </div>
        ))}
        {diff[tab].length === 0 && <p className="muted">No {tab} examples.</p>}
      </div>
    </>
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
      <FieldChangesTable changes={change.changes} />
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
