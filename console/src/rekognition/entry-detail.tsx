import type { SyntheticEvent } from 'react';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { typingIn } from '../lib/keys.js';
import type { PagedList } from '../lib/paged-list.js';
import { Problem } from '../shell/problem.js';
import { useEditing } from './edit/edit-context.js';
import { EntryWorkspace } from './edit/entry-workspace.js';
import type { WorkspaceHandle } from './edit/entry-workspace.js';
import { readEntry } from './entry-model.js';
import { findEntryLine } from './find-entry.js';
import type { EntryModel } from './entry-model.js';

export interface EntryDetailProps {
  readonly datasetArn: string;
  readonly sourceRef: string;
  /** The entry's position in the grid's listing, when it was opened from (or moved to in) the grid. */
  readonly index: number | undefined;
  /** The grid's listing: previous/next follow its filters and order. */
  readonly list: PagedList<string, EntryModel> | undefined;
  readonly onMove: (entry: EntryModel, index: number) => void;
  /** Brings position `index` into the grid's view, so its page is loaded. */
  readonly onSeek: (index: number) => void;
  readonly onClose: () => void;
}

/**
 * One entry, large, in a modal dialog (the EntryWorkspace: image, boxes, labels, errors, edits).
 * ← and → (or the buttons) move to the previous and next entry of the grid's listing, saving
 * unsaved edits first. Opened from a link without a position, the entry is found with
 * SourceRefContains. An entry saved on this page is shown as it was read back after the save.
 */
export function EntryDetail({ datasetArn, sourceRef, index, list, onMove, onSeek, onClose }: EntryDetailProps) {
  const { rekognition } = useClients();
  const dialog = useRef<HTMLDialogElement>(null);
  const workspace = useRef<WorkspaceHandle>(null);
  const editing = useEditing();
  const [leaving, setLeaving] = useState(false);
  useSyncExternalStore(useCallback((listener) => list?.subscribe(listener) ?? (() => undefined), [list]), () => list?.version ?? 0);
  const listed = index !== undefined ? list?.item(index) : undefined;
  const known = listed?.sourceRef === sourceRef ? listed : undefined;
  const found = useAsync(async (signal) => {
    if (known) return known;
    const line = await findEntryLine(rekognition, datasetArn, sourceRef, signal);
    return line === undefined ? undefined : readEntry(line);
  }, [datasetArn, sourceRef, known !== undefined]);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  // Moving waits for the neighbour's page (the grid scrolls to it, which loads it).
  const [pending, setPending] = useState<number>();
  const total = list?.status.length;
  const canMove = (step: number) => index !== undefined && list !== undefined && index + step >= 0 && (total === undefined || index + step < total);
  const move = async (step: number) => {
    if (!canMove(step)) return;
    // Unsaved edits are saved on the way (annotators move on with the arrow keys); a failed save stays.
    if (workspace.current?.dirty && !(await workspace.current.beforeLeave())) return;
    setPending(index! + step);
  };
  useEffect(() => {
    if (pending === undefined || !list) return;
    const entry = list.item(pending);
    if (entry) {
      setPending(undefined);
      onMove(entry, pending);
    }
  });
  useEffect(() => {
    if (pending !== undefined) onSeek(pending);
  }, [pending]);

  // On the window: a button that becomes disabled (Next on the last entry) drops the focus to the body.
  const keys = useRef<(event: globalThis.KeyboardEvent) => void>(() => undefined);
  keys.current = (event) => {
    if (event.defaultPrevented || typingIn(event.target)) return;
    if (event.key === 'ArrowRight') void move(1);
    else if (event.key === 'ArrowLeft') void move(-1);
    else return;
    event.preventDefault();
  };
  useEffect(() => {
    const listener = (event: globalThis.KeyboardEvent) => keys.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const entry = editing?.saved.get(sourceRef) ?? found.data;
  // Closing with unsaved edits asks first.
  const close = (event?: SyntheticEvent) => {
    if (workspace.current?.dirty) {
      event?.preventDefault();
      setLeaving(true);
      return;
    }
    onClose();
  };
  return (
    <dialog ref={dialog} className="entry-detail" aria-labelledby="entry-detail-title" onClose={onClose} onCancel={close}>
      <header>
        <h2 id="entry-detail-title" title={sourceRef}>{entry?.fileName ?? sourceRef}</h2>
        <nav className="detail-nav" aria-label="Entries">
          <button type="button" onClick={() => void move(-1)} disabled={!canMove(-1)} aria-keyshortcuts="ArrowLeft">← Previous</button>
          <span className="small muted" aria-live="polite">
            {index !== undefined && total !== undefined ? `${count(index + 1)} of ${count(total)}` : ''}
            {pending !== undefined ? ' · loading…' : ''}
          </span>
          <button type="button" onClick={() => void move(1)} disabled={!canMove(1)} aria-keyshortcuts="ArrowRight">Next →</button>
          <button type="button" onClick={() => close()} aria-label="Close">Close</button>
        </nav>
      </header>
      {leaving && (
        <div className="note leave-bar" role="alertdialog" aria-label="Unsaved changes">
          <span>This entry has unsaved changes.</span>
          <button type="button" className="primary" onClick={async () => {
            setLeaving(false);
            if (await workspace.current?.beforeLeave()) onClose();
          }}>Save and close</button>
          <button type="button" onClick={() => onClose()}>Discard and close</button>
          <button type="button" onClick={() => setLeaving(false)}>Keep editing</button>
        </div>
      )}
      {found.error !== undefined && <Problem error={found.error} retry={found.reload} />}
      {!found.loading && !entry && found.error === undefined && <p className="detail-missing">The dataset has no entry {sourceRef}.</p>}
      {entry && <EntryWorkspace key={entry.sourceRef} datasetArn={datasetArn} entry={entry} handle={workspace} />}
    </dialog>
  );
}
