import type { CSSProperties } from 'react';
import { useState } from 'react';
import { useHistoryClient } from '../../lib/api-clients.js';
import { useTrovePermission } from '../../lib/caller.js';
import { errorCode } from '../../lib/errors.js';
import { count, plural } from '../../lib/format.js';
import { useAsync } from '../../lib/hooks.js';
import { labelColour } from '../../lib/palette.js';
import { href, Link } from '../../lib/router.js';
import { useAction } from '../../lib/use-action.js';
import { FieldChangesTable, firstKind, KindTabs } from '../../shell/diff-parts.js';
import type { DiffKind } from '../../shell/diff-parts.js';
import { Problem } from '../../shell/problem.js';
import { DatasetHead, DatasetNotFound } from '../dataset-head.js';
import { EntryImage } from '../entry-image.js';
import type { EntryModel } from '../entry-model.js';
import { boxCaption } from '../entry-model.js';
import { useDataset } from '../use-dataset.js';
import { boxText, changeCount, EMPTY_READING, readDiff } from './diff-model.js';
import type { DiffReading, EntryChangeModel } from './diff-model.js';
import { pointName } from './history-model.js';
import './history.css';

/** Changes read before the view shows them, and per "Read more". */
const ENOUGH = 200;

/**
 * What changed between two revisions or snapshots of a Rekognition dataset, or a snapshot and now
 * (DiffDatasetRevisions): entries added, removed and changed, each changed one with its labels
 * and boxes gained and lost, its image before and after, and the fields of its line that
 * changed. In the style of AgentCore's version diff (shell/diff-parts.tsx is shared).
 */
export function RevisionDiffPage({ arn, from, to }: { arn: string; from: string; to: string | undefined }) {
  const dataset = useDataset(arn);
  const history = useHistoryClient();
  const allowed = useTrovePermission('DiffDatasetRevisions', [arn]);
  const fetchPage = (nextToken: string | undefined) => history.diff(arn, from, to, { maxResults: 100, nextToken });
  const [more, setMore] = useState<DiffReading>();
  const [progress, setProgress] = useState(0);
  const first = useAsync(async () => {
    setMore(undefined);
    if (!allowed.allowed) return undefined;
    return readDiff(fetchPage, EMPTY_READING, ENOUGH, (reading) => setProgress(changeCount(reading)));
  }, [arn, from, to, allowed.allowed]);
  const reading = more ?? first.data;
  const readMore = useAction();
  const [chosen, setChosen] = useState<DiffKind>();
  if (dataset.error !== undefined && errorCode(dataset.error) === 'ResourceNotFoundException') return <DatasetNotFound arn={arn} />;

  const counts = { changed: reading?.changed.length ?? 0, added: reading?.added.length ?? 0, removed: reading?.removed.length ?? 0 };
  const tab = chosen ?? firstKind(counts);
  const fromName = reading ? pointName(reading.from) : from;
  const toName = reading ? (to === undefined ? `now (revision ${reading.to?.revision})` : pointName(reading.to)) : (to ?? 'now');
  const shown = reading?.[tab] ?? [];
  return (
    <div className="history-page diff-page">
      <DatasetHead arn={arn} dataset={dataset} view="history" trail={[{ label: 'History', to: href('/rekognition/dataset/history', { arn }) }, { label: 'Compare' }]} />
      <h2 className="diff-heading">From {fromName} to {toName}</h2>
      {!allowed.allowed && <p className="muted">{allowed.reason}</p>}
      {first.error !== undefined && <Problem error={first.error} retry={first.reload} />}
      {first.loading && <p className="muted" role="status">Comparing… {plural(progress, 'change', 'changes')} found so far.</p>}
      {reading && (
        <>
          <KindTabs counts={counts} selected={tab} onSelect={setChosen} more={reading.nextToken !== undefined}
            extra={changeCount(reading) === 0 && reading.nextToken === undefined ? <span className="muted small">The two have the same entries.</span> : undefined} />
          <div role="tabpanel" aria-label={`${tab} entries`} className="diff-list">
            {shown.map((change) => <EntryChangeView key={change.sourceRef} arn={arn} change={change} fromName={fromName} toName={toName} />)}
            {shown.length === 0 && <p className="muted">No {tab} entries{reading.nextToken ? ' among the changes read so far' : ''}.</p>}
          </div>
          {reading.nextToken !== undefined && (
            <div className="read-more">
              <p className="small muted">{plural(changeCount(reading), 'change', 'changes')} read; the diff goes on.</p>
              <button type="button" disabled={readMore.busy}
                onClick={() => void readMore.run(async () => setMore(await readDiff(fetchPage, reading, ENOUGH)))}>
                {readMore.busy ? 'Reading…' : `Read ${count(ENOUGH)} more changes`}
              </button>
              {readMore.error !== undefined && <Problem error={readMore.error} />}
            </div>
          )}
        </>
      )}
    </div>
  );
}

/** One entry that differs: added or removed whole, or changed with its labels, boxes and fields. */
function EntryChangeView({ arn, change, fromName, toName }: { arn: string; change: EntryChangeModel; fromName: string; toName: string }) {
  const entry = change.after ?? change.before!;
  const id = `change-${encodeURIComponent(change.sourceRef)}`;
  const kindWords = change.kind === 'added' ? `added in ${toName}` : change.kind === 'removed' ? `removed since ${fromName}` : 'changed';
  return (
    <section className={`rk-change diff-whole diff-whole-${change.kind}`} aria-labelledby={id} data-source-ref={change.sourceRef} data-change={change.kind}>
      <h3 id={id} className="change-title">
        {entry.fileName} <span className="muted small break">{change.sourceRef} · {kindWords}</span>
      </h3>
      <ChangeSummary change={change} />
      <div className="before-after">
        {change.before && <Side arn={arn} entry={change.before} side="Before" point={fromName} image={change.kind !== 'removed'} />}
        {change.after && <Side arn={arn} entry={change.after} side="After" point={toName} image />}
      </div>
      {change.fields.length > 0 && (
        <details className="changed-fields" open>
          <summary>{plural(change.fields.length, 'field', 'fields')} of the line changed</summary>
          <FieldChangesTable changes={change.fields} />
        </details>
      )}
      {change.kind !== 'removed' && <Link className="small" to={href('/rekognition/dataset', { arn, entry: change.sourceRef })}>Open the entry as it is now</Link>}
    </section>
  );
}

/** The labels and boxes gained and lost, as DiffDatasetRevisions counts them. */
function ChangeSummary({ change }: { change: EntryChangeModel }) {
  const items = [
    ...change.labelsAdded.map((label) => ({ kind: 'added', text: `label ${label}`, label })),
    ...change.labelsRemoved.map((label) => ({ kind: 'removed', text: `label ${label}`, label })),
    ...change.boxesAdded.map((box) => ({ kind: 'added', text: `box ${boxText(box)}`, label: box.label ?? '' })),
    ...change.boxesRemoved.map((box) => ({ kind: 'removed', text: `box ${boxText(box)}`, label: box.label ?? '' })),
  ];
  if (items.length === 0) return change.kind === 'changed' ? <p className="small muted">Same labels and boxes; other fields of the line changed.</p> : null;
  return (
    <ul className="change-summary" aria-label="Labels and boxes">
      {items.map((item) => (
        <li key={`${item.kind}:${item.text}`} className={`change-item change-${item.kind}`} style={{ '--label': labelColour(item.label) } as CSSProperties}>
          <span aria-hidden="true">{item.kind === 'added' ? '+ ' : '− '}</span>
          <span className="visually-hidden">{item.kind} </span>{item.text}
        </li>
      ))}
    </ul>
  );
}

/** One side of a change: the image with that side's boxes (only while the dataset still has the image), its labels. */
function Side({ arn, entry, side, point, image }: { arn: string; entry: EntryModel; side: string; point: string; image: boolean }) {
  const labels = [...new Set([...entry.imageLabels.map((l) => l.name), ...entry.boxes.map(boxCaption)])];
  return (
    <figure className="change-side">
      <figcaption className="small"><strong>{side}</strong><span title={point}>{point}</span></figcaption>
      {image && <EntryImage datasetArn={arn} entry={entry} size="thumb" />}
      <p className="small">{labels.length > 0 ? labels.join(', ') : <span className="muted">no labels</span>}{entry.errors.length > 0 && <span className="error-text"> · {plural(entry.errors.length, 'error', 'errors')}</span>}</p>
    </figure>
  );
}
