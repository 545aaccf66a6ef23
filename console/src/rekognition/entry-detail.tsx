import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { CSSProperties } from 'react';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useClients } from '../lib/clients.js';
import { count } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import type { PagedList } from '../lib/paged-list.js';
import { labelColour } from '../lib/palette.js';
import { Problem } from '../shell/problem.js';
import { EntryImage } from './entry-image.js';
import { boxCaption, boxKey, describePlace, readEntry } from './entry-model.js';
import type { EntryModel, PlacedError } from './entry-model.js';

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
 * One entry, large, in a modal dialog: the image with every box named (zoom and pan), the boxes
 * as a list with label, coordinates and confidence, and every error at its place, in words first
 * and AWS's code and message beside them. Pointing at a box, its row or its error highlights the
 * others. ← and → (or the buttons) move to the previous and next entry of the grid's listing.
 * Opened from a link without a position, the entry is found with SourceRefContains.
 */
export function EntryDetail({ datasetArn, sourceRef, index, list, onMove, onSeek, onClose }: EntryDetailProps) {
  const { rekognition } = useClients();
  const dialog = useRef<HTMLDialogElement>(null);
  const [highlight, setHighlight] = useState<string>();
  useSyncExternalStore(useCallback((listener) => list?.subscribe(listener) ?? (() => undefined), [list]), () => list?.version ?? 0);
  const listed = index !== undefined ? list?.item(index) : undefined;
  const known = listed?.sourceRef === sourceRef ? listed : undefined;
  const found = useAsync(async (signal) => {
    if (known) return known;
    let token: string | undefined;
    do {
      const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, SourceRefContains: sourceRef, MaxResults: 100, NextToken: token }), { abortSignal: signal });
      const match = (out.DatasetEntries ?? []).map(readEntry).find((e) => e.sourceRef === sourceRef);
      if (match) return match;
      token = out.NextToken;
    } while (token);
    return undefined;
  }, [datasetArn, sourceRef, known !== undefined]);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  // Moving waits for the neighbour's page (the grid scrolls to it, which loads it).
  const [pending, setPending] = useState<number>();
  const total = list?.status.length;
  const canMove = (step: number) => index !== undefined && list !== undefined && index + step >= 0 && (total === undefined || index + step < total);
  const move = (step: number) => {
    if (!canMove(step)) return;
    setHighlight(undefined);
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
    if (event.defaultPrevented || (event.target as Element | null)?.closest?.('input, select, textarea, summary')) return;
    if (event.key === 'ArrowRight') move(1);
    else if (event.key === 'ArrowLeft') move(-1);
    else return;
    event.preventDefault();
  };
  useEffect(() => {
    const listener = (event: globalThis.KeyboardEvent) => keys.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const entry = found.data;
  return (
    <dialog ref={dialog} className="entry-detail" aria-labelledby="entry-detail-title" onClose={onClose} onCancel={onClose}>
      <header>
        <h2 id="entry-detail-title" title={sourceRef}>{entry?.fileName ?? sourceRef}</h2>
        <nav className="detail-nav" aria-label="Entries">
          <button type="button" onClick={() => move(-1)} disabled={!canMove(-1)} aria-keyshortcuts="ArrowLeft">← Previous</button>
          <span className="small muted" aria-live="polite">
            {index !== undefined && total !== undefined ? `${count(index + 1)} of ${count(total)}` : ''}
            {pending !== undefined ? ' · loading…' : ''}
          </span>
          <button type="button" onClick={() => move(1)} disabled={!canMove(1)} aria-keyshortcuts="ArrowRight">Next →</button>
          <button type="button" onClick={() => dialog.current?.close()} aria-label="Close">Close</button>
        </nav>
      </header>
      {found.error !== undefined && <Problem error={found.error} retry={found.reload} />}
      {!found.loading && !entry && found.error === undefined && <p className="detail-missing">The dataset has no entry {sourceRef}.</p>}
      {entry && (
        <div className="detail-body">
          <EntryImage key={entry.sourceRef} datasetArn={datasetArn} entry={entry} size="large" highlight={highlight} onPoint={setHighlight} />
          <div className="detail-side">
            <p className="small muted break">{entry.sourceRef}</p>
            {entry.imageLabels.length > 0 && <h3>Image labels</h3>}
            <ul className="tags">
              {entry.imageLabels.map((label) => (
                <li key={label.attribute} className={`tag${label.hasErrors ? ' tag-error' : ''}`} style={{ '--label': labelColour(label.name) } as CSSProperties} title={label.name}>{label.name}</li>
              ))}
              {!entry.labeled && <li className="tag tag-muted">unlabeled</li>}
            </ul>
            {entry.boxes.length > 0 && <BoxList entry={entry} highlight={highlight} onPoint={setHighlight} />}
            <h3>{entry.errors.length === 0 ? 'No errors' : `${entry.errors.length} error${entry.errors.length === 1 ? '' : 's'}`}</h3>
            <ul className="error-list">
              {entry.errors.map((error, i) => (
                <ErrorItem key={i} error={error} entry={entry} onPoint={setHighlight} />
              ))}
            </ul>
            <details>
              <summary>The line as listed</summary>
              <pre className="json">{JSON.stringify(JSON.parse(entry.line), null, 2)}</pre>
            </details>
          </div>
        </div>
      )}
    </dialog>
  );
}

/** Every box: label, position and size in image pixels, confidence; a row and its box highlight each other. */
function BoxList({ entry, highlight, onPoint }: { entry: EntryModel; highlight: string | undefined; onPoint: (box: string | undefined) => void }) {
  const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  return (
    <>
      <h3>{entry.boxes.length} bounding box{entry.boxes.length === 1 ? '' : 'es'}</h3>
      <div className="table-wrap box-table-wrap">
        <table className="box-table">
          <thead><tr><th scope="col">#</th><th scope="col">Label</th><th scope="col" className="num">Left, top</th><th scope="col" className="num">Size</th><th scope="col" className="num">Conf.</th></tr></thead>
          <tbody>
            {entry.boxes.map((box) => {
              const key = boxKey(box);
              const bad = box.errors.length > 0;
              return (
                <tr key={key} data-box={key} className={`${bad ? 'row-error' : ''}${highlight === key ? ' row-highlight' : ''}`} tabIndex={0}
                  onMouseEnter={() => onPoint(key)} onMouseLeave={() => onPoint(undefined)} onFocus={() => onPoint(key)} onBlur={() => onPoint(undefined)}>
                  <td>{box.index + 1}</td>
                  <td className="box-label" title={boxCaption(box)}>
                    <span className="swatch" style={{ background: bad ? 'var(--error)' : labelColour(boxCaption(box)) }} />{bad ? '⚠ ' : ''}{boxCaption(box)}
                  </td>
                  <td className="num">{number(box.left)}, {number(box.top)}</td>
                  <td className="num">{number(box.width)} × {number(box.height)}</td>
                  <td className="num">{box.confidence === undefined ? '—' : box.confidence.toFixed(2)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ErrorItem({ error, entry, onPoint }: { error: PlacedError; entry: EntryModel; onPoint: (box: string | undefined) => void }) {
  const box = error.place.kind === 'box' ? boxKey(error.place) : undefined;
  return (
    <li
      className="error-item"
      tabIndex={box ? 0 : undefined}
      onMouseEnter={() => onPoint(box)}
      onMouseLeave={() => onPoint(undefined)}
      onFocus={() => onPoint(box)}
      onBlur={() => onPoint(undefined)}
      data-code={error.code}
    >
      {error.explanation && <p className="error-words">{error.explanation}</p>}
      <p className="small">
        <span className="muted">In {describePlace(error.place, entry)}:</span> {error.message} <code>{error.code}</code>
      </p>
    </li>
  );
}
