import { memo } from 'react';
import type { CSSProperties, KeyboardEvent } from 'react';
import { labelColour } from '../lib/palette.js';
import { EntryImage } from './entry-image.js';
import type { EntryModel } from './entry-model.js';
import { boxCaption } from './entry-model.js';

export interface EntryCardProps {
  readonly datasetArn: string;
  readonly entry: EntryModel;
  readonly index: number;
  readonly focusable: boolean;
  /** The entry last moved to (by the keyboard or the dialog). */
  readonly selected: boolean;
  /** In the grid's selection mode: whether the entry is chosen (a click then chooses instead of opening). */
  readonly checked?: boolean;
  readonly onOpen: (entry: EntryModel, index: number) => void;
  readonly onFocusIndex: (index: number) => void;
  readonly onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
}

/** One entry in the grid: the thumbnail with its boxes, the file name, image-level labels as tags, the first error in words. */
export const EntryCard = memo(function EntryCard({ datasetArn, entry, index, focusable, selected, checked, onOpen, onFocusIndex, onKeyDown }: EntryCardProps) {
  const first = entry.errors[0];
  const boxNames = [...new Set(entry.boxes.map(boxCaption))];
  return (
    <button
      type="button"
      className={`entry-card${entry.errors.length > 0 ? ' has-errors' : ''}${selected ? ' selected' : ''}${checked ? ' checked' : ''}`}
      aria-pressed={checked}
      data-index={index}
      data-source-ref={entry.sourceRef}
      tabIndex={focusable ? 0 : -1}
      onClick={() => onOpen(entry, index)}
      onFocus={() => onFocusIndex(index)}
      onKeyDown={onKeyDown}
    >
      <EntryImage datasetArn={datasetArn} entry={entry} size="thumb" />
      {checked !== undefined && <span className="check" aria-hidden="true">{checked ? '✓' : ''}</span>}
      <span className="entry-caption">
        <span className="file-name" title={entry.sourceRef}>{entry.fileName}</span>
        <span className="tags">
          {entry.imageLabels.map((label) => (
            <span key={label.attribute} className={`tag${label.hasErrors ? ' tag-error' : ''}`} style={{ '--label': labelColour(label.name) } as CSSProperties} title={label.name}>
              {label.name}
            </span>
          ))}
          {boxNames.length > 0 && (
            <span className="tag tag-boxes" title={boxNames.join(', ')}>{entry.boxes.length} box{entry.boxes.length === 1 ? '' : 'es'}: {boxNames.join(', ')}</span>
          )}
          {!entry.labeled && <span className="tag tag-muted">unlabeled</span>}
        </span>
        {first && (
          <span className="entry-error" title={`${first.code}: ${first.message}`}>
            <span aria-hidden="true">⚠ </span>
            {entry.errors.length > 1 ? `${entry.errors.length} errors. ` : ''}
            {first.explanation ?? first.message}
          </span>
        )}
      </span>
    </button>
  );
});
