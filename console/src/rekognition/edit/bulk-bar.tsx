import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { Dispatch, FormEvent, SetStateAction } from 'react';
import { useState } from 'react';
import { useClients } from '../../lib/clients.js';
import { count, plural } from '../../lib/format.js';
import { Problem } from '../../shell/problem.js';
import { listFilters } from '../entry-filters.js';
import type { EntryFilters } from '../entry-filters.js';
import { readEntry } from '../entry-model.js';
import { findEntryLine } from '../find-entry.js';
import { applyToAll } from './bulk-edit.js';
import type { BulkChange, BulkOutcome, BulkProgress } from './bulk-edit.js';
import { useEditing } from './edit-context.js';

/**
 * What is chosen in the grid: some entries (their lines as listed; undefined once a change made here
 * has changed the entry since, so it is read again before the next change), or every entry the filters match.
 */
export type Selection = { readonly kind: 'some'; readonly lines: ReadonlyMap<string, string | undefined> } | { readonly kind: 'all' };

/**
 * The grid's selection and what to do with it: add an image-level label to every chosen entry,
 * or remove one. "Select all" takes every entry the filters match, however many (they are read
 * and saved in batches of 500).
 */
export function BulkBar({ datasetArn, filters, total, selection, onSelection, onDone }: {
  datasetArn: string; filters: EntryFilters; total: number | undefined; selection: Selection;
  onSelection: Dispatch<SetStateAction<Selection | undefined>>; onDone: () => void;
}) {
  const { rekognition } = useClients();
  const editing = useEditing();
  const [label, setLabel] = useState('');
  const [progress, setProgress] = useState<BulkProgress & { change: BulkChange }>();
  const [outcome, setOutcome] = useState<BulkOutcome & { change: BulkChange }>();
  const chosen = selection.kind === 'all' ? total : selection.lines.size;
  const busy = progress !== undefined && outcome === undefined;
  const denied = editing && !editing.permission.allowed ? editing.permission.reason : undefined;

  async function* pages(): AsyncGenerator<readonly string[]> {
    if (selection.kind === 'some') {
      // The newest line of each: one saved on this page since it was listed is the version to build on.
      const lines: string[] = [];
      for (const [ref, line] of selection.lines) {
        const current = editing?.saved.get(ref)?.line ?? line ?? await findEntryLine(rekognition, datasetArn, ref);
        if (current !== undefined) lines.push(current);
      }
      yield lines;
      return;
    }
    const members = listFilters(filters);
    let token: string | undefined;
    do {
      const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, ...members, MaxResults: 100, NextToken: token }));
      const lines = out.DatasetEntries ?? [];
      yield filters.errorCode === undefined ? lines : lines.filter((line) => readEntry(line).errors.some((e) => e.code === filters.errorCode));
      token = out.NextToken;
    } while (token);
  }
  const run = async (kind: BulkChange['kind']) => {
    if (!editing) return;
    const change = { kind, label: label.trim() };
    setOutcome(undefined);
    setProgress({ seen: 0, changed: 0, unchanged: 0, skipped: [], change });
    const result = await applyToAll(pages(), change, editing.saver, (p) => setProgress({ ...p, change }));
    setOutcome({ ...result, change });
    // The chosen lines are the base of the next change (a second change built on the lines chosen
    // before the first undid it): each as this change left it, known from what it sent and its
    // outcome; read again then only where it does not know (an entry changed meanwhile, a failure).
    if (selection.kind === 'some') {
      const ran = selection.lines;
      onSelection((current) => (current?.kind !== 'some' ? current : {
        kind: 'some', lines: new Map([...current.lines].map(([ref, line]) => [ref, ran.has(ref) ? result.lines.get(ref) : line])),
      }));
    }
    editing.onSaved(true);
  };
  const submit = (event: FormEvent) => event.preventDefault();
  const name = label.trim();
  const ready = name !== '' && !busy && (chosen ?? 0) > 0 && denied === undefined;
  return (
    <div className="bulk-bar" role="region" aria-label="Selected entries">
      <span className="bulk-count" aria-live="polite">{selection.kind === 'all' ? `All ${total === undefined ? '' : `${count(total)} `}matching entries` : `${plural(selection.lines.size, 'entry', 'entries')} selected`}</span>
      {selection.kind === 'some' && <button type="button" onClick={() => onSelection({ kind: 'all' })} disabled={busy}>Select all{total === undefined ? '' : ` ${count(total)}`} matching</button>}
      <button type="button" onClick={() => onSelection({ kind: 'some', lines: new Map() })} disabled={busy}>Clear</button>
      <form onSubmit={submit} className="bulk-label">
        <input list="bulk-labels" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Label" aria-label="Label to add or remove" maxLength={255} spellCheck={false} />
        <datalist id="bulk-labels">{(editing?.labels ?? []).map((l) => <option key={l} value={l} />)}</datalist>
        <button type="button" className="primary" disabled={!ready} onClick={() => void run('add')} title={denied ?? 'Add this image-level label to every chosen entry'}>Add label</button>
        <button type="button" disabled={!ready} onClick={() => void run('remove')} title={denied ?? 'Remove this image-level label from every chosen entry'}>Remove label</button>
      </form>
      <button type="button" onClick={() => { onSelection(undefined); onDone(); }} disabled={busy}>Done</button>
      {progress && !outcome && (
        <p className="bulk-status small" role="status">
          {progress.change.kind === 'add' ? 'Adding' : 'Removing'} {progress.change.label}: {count(progress.seen)} read, {count(progress.changed)} saved
          {progress.phase === 'updating' ? ' · UPDATE_IN_PROGRESS' : progress.phase === 'waiting' ? ' · waiting for the dataset' : ''}…
        </p>
      )}
      {outcome && (
        <div className="bulk-status small" role="status">
          {outcome.failed !== undefined ? <Problem error={outcome.failed} change /> : (
            <p>
              {outcome.change.kind === 'add' ? 'Added' : 'Removed'} {outcome.change.label} {outcome.change.kind === 'add' ? 'to' : 'from'} {plural(outcome.changed, 'entry', 'entries')}
              {outcome.unchanged > 0 && `; ${plural(outcome.unchanged, 'entry', 'entries')} needed no change`}
              {outcome.status === 'UPDATE_FAILED' && `. UPDATE_FAILED: ${outcome.message ?? ''}`}.
            </p>
          )}
          {outcome.skipped.length > 0 && (
            <p className="error-text">
              {plural(outcome.skipped.length, 'entry was', 'entries were')} left as they are because someone changed them meanwhile: {outcome.skipped.slice(0, 5).map((ref) => ref.slice(ref.lastIndexOf('/') + 1)).join(', ')}{outcome.skipped.length > 5 ? ', …' : ''}.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
