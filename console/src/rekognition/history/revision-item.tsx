import type { FormEvent, ReactNode } from 'react';
import { useState } from 'react';
import { snapshotNameProblem } from '../../../../src/domain/rekognition/history/snapshot-names.js';
import { useHistoryClient } from '../../lib/api-clients.js';
import { count, when } from '../../lib/format.js';
import type { Decision } from '../../lib/permissions.js';
import { href, Link } from '../../lib/router.js';
import { useAction } from '../../lib/use-action.js';
import { Problem } from '../../shell/problem.js';
import { StatusBadge } from '../../shell/status-badge.js';
import type { TimelineRow } from './history-model.js';

export interface HistoryPermissions {
  readonly create: Decision;
  readonly remove: Decision;
  readonly restore: Decision;
  readonly report: Decision;
  readonly diff: Decision;
  readonly exportEntries: Decision;
}

/** Why a revision's entries can't be read any more (docs/trove-api.md, "Old revisions"). */
export const COLLECTED = 'Its entries were garbage-collected: only snapshots keep old revisions readable.';

/** A control that may not be used: the first reason that applies, or undefined. */
function refusal(...reasons: (Decision | string | false | undefined)[]): string | undefined {
  for (const reason of reasons) {
    if (typeof reason === 'string') return reason;
    if (reason && !reason.allowed) return reason.reason;
  }
  return undefined;
}

/** One revision in the timeline: what made it, who and when, its counts, its snapshots, and what can be done with it. */
export function RevisionItem({ arn, row, current, previousReadable, picked, onPick, permissions, onSnapshot }: {
  arn: string; row: TimelineRow; current: boolean; previousReadable: boolean; picked: boolean; onPick: () => void;
  permissions: HistoryPermissions; onSnapshot: () => void;
}) {
  const [naming, setNaming] = useState(false);
  const id = `revision-${row.revision}`;
  const compareRefused = refusal(!row.readable && COLLECTED, permissions.diff);
  const snapshotRefused = refusal(!row.readable && COLLECTED, permissions.create);
  // What this revision changed: the diff from the one before (nothing to show for a failed change, or where history starts).
  const ownChange = !row.failed && row.operation !== 'HistoryStarted' && row.revision > 1;
  const ownChangeRefused = refusal(!(row.readable && previousReadable) && COLLECTED, permissions.diff);
  return (
    <li className={`revision${row.failed ? ' revision-failed' : ''}${current ? ' revision-current' : ''}`} aria-labelledby={id} data-revision={row.revision}>
      <input type="checkbox" checked={picked} onChange={onPick} disabled={compareRefused !== undefined}
        aria-label={`Select revision ${row.revision} to compare`} title={compareRefused} />
      <div className="revision-body">
        <div className="revision-head">
          <h3 id={id}>Revision {row.revision} <span className="revision-title">· {row.title}</span></h3>
          {current && <span className="badge badge-ok">current</span>}
          {row.failed && <StatusBadge status="FAILED" />}
          {row.snapshots.map((name) => <span key={name} className="snapshot-tag" title={`Snapshot ${name} names this revision`}>{name}</span>)}
        </div>
        <p className="revision-meta small muted">
          <time dateTime={new Date(row.committedAt * 1000).toISOString()}>{when(row.committedAt)}</time>
          {row.accessKeyId && <> · by <code>{row.accessKeyId}</code></>}
          {row.source && <> · <span className="break">{row.source}</span></>}
        </p>
        {row.failure && <p className="error-text small break">{row.failure.code}: {row.failure.message}</p>}
        <ul className="figures" aria-label={`What revision ${row.revision} did`}>
          {row.figures.map((figure) => <li key={figure.key} className={`figure figure-${figure.tone}`} data-count={figure.key} title={figure.title}>{figure.text}</li>)}
          <li className="figure figure-total">{count(row.entryCount)} {row.entryCount === 1 ? 'entry' : 'entries'}{row.failed ? ' (unchanged)' : ''}</li>
        </ul>
        <div className="revision-actions">
          {row.hasReport && <ActionLink to={href('/rekognition/dataset/report', { arn, revision: row.revision })} refused={refusal(permissions.report)}>Ingest report: {row.report}</ActionLink>}
          {!row.hasReport && row.readLines && row.linesCounted && <span className="small muted">Nothing dropped, no errors</span>}
          {ownChange && <ActionLink to={href('/rekognition/dataset/diff', { arn, from: row.revision - 1, to: row.revision })} refused={ownChangeRefused}>What changed</ActionLink>}
          <button type="button" className="small" onClick={() => setNaming(!naming)} aria-expanded={naming}
            disabled={snapshotRefused !== undefined} title={snapshotRefused ?? `Name revision ${row.revision} to keep its entries readable`}>
            Snapshot…
          </button>
        </div>
        {!row.readable && <p className="small muted">{COLLECTED}</p>}
        {naming && <SnapshotForm arn={arn} revision={row.revision} onDone={() => { setNaming(false); onSnapshot(); }} onCancel={() => setNaming(false)} />}
      </div>
    </li>
  );
}

/** A link, or when the key may not follow it, its text with the reason. */
export function ActionLink({ to, refused, children }: { to: string; refused: string | undefined; children: ReactNode }) {
  if (refused) return <span className="action-refused small" aria-disabled="true" title={refused}>{children}</span>;
  return <Link to={to} className="small">{children}</Link>;
}

/** Names a revision: CreateDatasetSnapshot, the name checked as it is typed with the server's rule. */
function SnapshotForm({ arn, revision, onDone, onCancel }: { arn: string; revision: number; onDone: () => void; onCancel: () => void }) {
  const history = useHistoryClient();
  const [name, setName] = useState('');
  const action = useAction();
  const problem = name === '' ? undefined : snapshotNameProblem(name);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem || name === '') return;
    if (await action.run(() => history.createSnapshot(arn, name, revision))) onDone();
  };
  const field = `snapshot-name-${revision}`;
  return (
    <form className="snapshot-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={field}>Name for revision {revision}</label>
      <div className="snapshot-form-row">
        <input id={field} value={name} onChange={(e) => setName(e.target.value.trim())} placeholder="e.g. flowers-v1" autoFocus spellCheck={false}
          aria-invalid={problem !== undefined} aria-describedby={`${field}-hint`} maxLength={100} />
        <button type="submit" className="primary" disabled={action.busy || name === '' || problem !== undefined}>{action.busy ? 'Creating…' : 'Create snapshot'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      <p id={`${field}-hint`} className={`small ${problem ? 'error-text' : 'muted'}`}>
        {problem ?? 'Letters, digits, “.”, “_” and “-”. The snapshot keeps this revision’s entries readable, whatever changes later, until it is deleted.'}
      </p>
      {action.error !== undefined && <Problem error={action.error} />}
    </form>
  );
}
