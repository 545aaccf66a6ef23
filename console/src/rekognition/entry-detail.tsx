import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { CSSProperties } from 'react';
import { useEffect, useRef, useState } from 'react';
import { useClients } from '../lib/clients.js';
import { labelHue } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { Problem } from '../shell/problem.js';
import { EntryImage } from './entry-image.js';
import { boxKey, describePlace, readEntry } from './entry-model.js';
import type { EntryModel, PlacedError } from './entry-model.js';

/**
 * One entry, large, in a modal dialog: the image with every box named, and every error at its
 * place, in words first and AWS's code and message beside them. Pointing at (or focusing) an
 * error of a box highlights that box. Opened from the grid, or from a link (then the entry is
 * found with ListDatasetEntries' SourceRefContains).
 */
export function EntryDetail({ datasetArn, sourceRef, known, onClose }: { datasetArn: string; sourceRef: string; known?: EntryModel; onClose: () => void }) {
  const { rekognition } = useClients();
  const dialog = useRef<HTMLDialogElement>(null);
  const [highlight, setHighlight] = useState<string>();
  const found = useAsync(async (signal) => {
    if (known?.sourceRef === sourceRef) return known;
    let token: string | undefined;
    do {
      const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, SourceRefContains: sourceRef, MaxResults: 100, NextToken: token }), { abortSignal: signal });
      const match = (out.DatasetEntries ?? []).map(readEntry).find((e) => e.sourceRef === sourceRef);
      if (match) return match;
      token = out.NextToken;
    } while (token);
    return undefined;
  }, [datasetArn, sourceRef]);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const entry = found.data;
  return (
    <dialog ref={dialog} className="entry-detail" aria-labelledby="entry-detail-title" onClose={onClose} onCancel={onClose}>
      <header>
        <h2 id="entry-detail-title">{entry?.fileName ?? sourceRef}</h2>
        <button type="button" onClick={() => dialog.current?.close()} aria-label="Close">Close</button>
      </header>
      {found.error !== undefined && <Problem error={found.error} retry={found.reload} />}
      {!found.loading && !entry && found.error === undefined && <p>The dataset has no entry {sourceRef}.</p>}
      {entry && (
        <div className="detail-body">
          <EntryImage datasetArn={datasetArn} entry={entry} size="large" highlight={highlight} />
          <div className="detail-side">
            <p className="small muted break">{entry.sourceRef}</p>
            <h3>Labels</h3>
            <ul className="tags">
              {entry.imageLabels.map((label) => <li key={label.attribute} className={`tag${label.hasErrors ? ' tag-error' : ''}`} style={{ '--hue': labelHue(label.name) } as CSSProperties}>{label.name}</li>)}
              {entry.boxes.map((box) => (
                <li key={boxKey(box)} className={`tag tag-box${box.errors.length ? ' tag-error' : ''}`} onMouseEnter={() => setHighlight(boxKey(box))} onMouseLeave={() => setHighlight(undefined)}>
                  box {box.index + 1}: {box.label ?? 'no name'}
                </li>
              ))}
              {!entry.labeled && <li className="tag tag-muted">unlabeled</li>}
            </ul>
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
