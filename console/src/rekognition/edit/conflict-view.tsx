import { diffValues } from '../../agentcore/version-diff.js';
import { FieldChangesTable } from '../../shell/diff-parts.js';
import { EntryImage } from '../entry-image.js';
import { readEntry } from '../entry-model.js';
import type { EntryModel } from '../entry-model.js';
import { editableLine } from './entry-edit.js';
import type { Conflict } from './entry-saver.js';

/**
 * A save stopped because the entry changed since it was opened (another tab, user or script):
 * both versions side by side, what differs between them field by field, and the two ways on:
 * keep theirs (drop my edits) or save mine over theirs (a new save, conditional on theirs).
 */
export function ConflictView({ datasetArn, sourceRef, mine, conflict, onKeepTheirs, onOverwrite }: {
  datasetArn: string; sourceRef: string; mine: string; conflict: Conflict; onKeepTheirs: () => void; onOverwrite: () => void;
}) {
  const theirs = conflict.current?.line;
  const mineModel = readEntry(mine);
  const theirModel = theirs === undefined ? undefined : readEntry(theirs);
  const changes = theirs === undefined ? [] : diffValues(editableLine(theirs), editableLine(mine));
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-heading">
      <h3 id="conflict-heading">Not saved: this entry changed since you opened it</h3>
      <p className="small">
        {conflict.current === null
          ? 'It is no longer in the dataset (deleted or moved by someone else).'
          : 'Someone (another tab, another user or a script) saved it meanwhile. Nothing of yours was saved; choose which version to keep.'}
      </p>
      <div className="conflict-sides">
        <Side title="Yours (not saved)" datasetArn={datasetArn} entry={mineModel} />
        {theirModel ? <Side title="Now in the dataset" datasetArn={datasetArn} entry={theirModel} /> : <div><h4>Now in the dataset</h4><p className="muted">(no entry {sourceRef})</p></div>}
      </div>
      {changes.length > 0 && (
        <FieldChangesTable changes={changes.slice(0, 12)} caption="What differs (theirs → yours)" small />
      )}
      <div className="conflict-actions">
        <button type="button" onClick={onKeepTheirs}>Keep theirs (drop my changes)</button>
        {theirs !== undefined && <button type="button" className="primary" onClick={onOverwrite}>Save mine over theirs</button>}
      </div>
    </section>
  );
}

function Side({ title, datasetArn, entry }: { title: string; datasetArn: string; entry: EntryModel }) {
  const labels = [...new Set([...entry.imageLabels.map((l) => l.name), ...entry.boxes.map((b) => b.label ?? `class ${b.classId}`)])];
  return (
    <div className="conflict-side">
      <h4>{title}</h4>
      <EntryImage datasetArn={datasetArn} entry={entry} size="thumb" />
      <p className="small">{entry.boxes.length} box{entry.boxes.length === 1 ? '' : 'es'}{labels.length > 0 ? ` · ${labels.join(', ')}` : ''}</p>
    </div>
  );
}
