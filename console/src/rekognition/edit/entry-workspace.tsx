import type { CSSProperties, Ref } from 'react';
import { useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useClients } from '../../lib/clients.js';
import { useAsync } from '../../lib/hooks.js';
import { typingIn } from '../../lib/keys.js';
import { labelColour } from '../../lib/palette.js';
import { Problem } from '../../shell/problem.js';
import { EntryImage } from '../entry-image.js';
import { boxCaption, boxKey, describePlace } from '../entry-model.js';
import type { EntryBox, EntryModel, PlacedError } from '../entry-model.js';
import { ConflictView } from './conflict-view.js';
import { useEditing } from './edit-context.js';
import { addBox, addImageLabel, deleteBox, lineText, removeImageLabel, renameImageLabel, setBoxLabel, setBoxRect } from './entry-edit.js';
import type { Size } from './entry-edit.js';
import type { Conflict, SavePhase } from './entry-saver.js';
import { LabelPicker } from './label-picker.js';
import { pixelSize } from './pixel-size.js';
import { useLineEditor } from './use-line-editor.js';

/** What the entry dialog asks of the workspace before moving to another entry. */
export interface WorkspaceHandle {
  /** Saves unsaved edits first; true when it is fine to leave (nothing to save, or saved). */
  beforeLeave(): Promise<boolean>;
  readonly dirty: boolean;
}

type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving'; phase: SavePhase }
  | { kind: 'saved'; status: string | undefined; message?: string; checked: boolean }
  | { kind: 'conflict'; conflict: Conflict; mine: string }
  | { kind: 'failed'; error: unknown };

const PHASES: Record<SavePhase, string> = {
  waiting: 'Waiting for the dataset to finish another change…',
  sending: 'Saving…',
  updating: 'UPDATE_IN_PROGRESS: Trove is applying the change…',
  reading: 'Reading the saved entry back…',
};

/**
 * One entry, large, where it is reviewed and fixed: the image with its boxes (drawn, moved,
 * resized, relabelled, deleted), its image-level labels, every error where it is, and the save.
 * Keyboard first: 1–9 pick a label, B draws a box, L toggles the label on the image, Delete
 * removes the selected box, Escape cancels, Ctrl+Z / Ctrl+Shift+Z undo and redo, S saves.
 * Without a DatasetEditing (or without the permission) it only shows.
 */
export function EntryWorkspace({ datasetArn, entry, handle }: { datasetArn: string; entry: EntryModel; handle?: Ref<WorkspaceHandle> }) {
  const editing = useEditing();
  const editor = useLineEditor(entry);
  const preview = editor.preview;
  const readOnly = !editing || !editing.permission.allowed ? (editing && !editing.permission.allowed ? editing.permission.reason : 'Read-only.') : undefined;
  const [highlight, setHighlight] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [drawing, setDrawing] = useState(false);
  const [active, setActive] = useState<string>();
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });

  const onImage = new Set(preview.imageLabels.map((l) => l.name));
  const labels = [...new Set([...(editing?.labels ?? []), ...onImage, ...preview.boxes.filter((b) => b.label !== undefined).map((b) => b.label!)])];
  const activeLabel = active !== undefined && labels.includes(active) ? active : undefined;
  const frame = useFrame(datasetArn, entry, !readOnly && preview.imageSize === undefined);

  const edit = (change: Parameters<typeof editor.apply>[0]) => {
    if (readOnly) return;
    editor.apply(change);
    if (save.kind !== 'saving') setSave({ kind: 'idle' });
  };
  const boxOf = (key: string | undefined) => preview.boxes.find((b) => boxKey(b) === key);
  const pick = (name: string) => {
    setActive(name);
    const box = boxOf(selected);
    if (box) edit((line) => setBoxLabel(line, box.attribute, box.index, name));
  };
  const toggleImage = (name: string) => edit((line) => (onImage.has(name) ? removeImageLabel(line, name) : addImageLabel(line, name, new Date())));
  const create = (name: string) => {
    editing?.createLabel(name);
    pick(name);
  };
  const startDrawing = () => {
    if (readOnly || !activeLabel) return;
    setSelected(undefined);
    setDrawing(true);
  };

  // One save at a time from here, from the press on: the saver first asks DescribeDataset, and a
  // second press meanwhile (S twice, Save then an arrow key) would queue the same edit on the same
  // base, to come back as a conflict with itself (or, without the conditional write, a second update).
  const sending = useRef(false);
  const send = async (line: string, base: string): Promise<boolean> => {
    if (!editing || sending.current) return false;
    sending.current = true;
    setSave({ kind: 'saving', phase: 'sending' });
    try {
      const result = await editing.saver.save([{ sourceRef: entry.sourceRef, line, base }], (phase) => setSave({ kind: 'saving', phase }));
      if (result.kind === 'saved') {
        const read = result.lines.get(entry.sourceRef);
        setSave({ kind: 'saved', status: result.status, message: result.message, checked: result.checked });
        if (read) editing.remember(new Map([[entry.sourceRef, read]]));
        editing.onSaved();
        return result.status !== 'UPDATE_FAILED';
      }
      if (result.kind === 'conflict') setSave({ kind: 'conflict', conflict: result.conflicts[0] ?? { sourceRef: entry.sourceRef, current: null }, mine: line });
      else setSave({ kind: 'failed', error: result.error });
      return false;
    } finally {
      sending.current = false;
    }
  };
  const saveNow = async (): Promise<boolean> => {
    if (!editing || readOnly || !editor.dirty) return !editor.dirty;
    return send(lineText(editor.line), entry.line);
  };
  useImperativeHandle(handle, () => ({ beforeLeave: saveNow, dirty: editor.dirty }));

  // Keys on the window while the dialog is open; typing in a field is left alone.
  const keys = useRef<(event: KeyboardEvent) => void>(() => undefined);
  keys.current = (event) => {
    if (event.defaultPrevented || typingIn(event.target)) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key;
    if (mod && (key === 'z' || key === 'Z')) {
      if (event.shiftKey) editor.redo();
      else editor.undo();
    } else if (mod && key === 'y') editor.redo();
    else if ((mod && key === 's') || (!mod && key === 's')) void saveNow();
    else if (mod || event.altKey) return;
    else if (/^[1-9]$/.test(key) && labels[Number(key) - 1] !== undefined) pick(labels[Number(key) - 1]);
    else if (key === 'b' || key === 'B') startDrawing();
    else if ((key === 'l' || key === 'L') && activeLabel) toggleImage(activeLabel);
    else if ((key === 'Delete' || key === 'Backspace') && selected) {
      const box = boxOf(selected);
      if (box) edit((line) => deleteBox(line, box.attribute, box.index));
      setSelected(undefined);
    } else if (key === 'Escape' && (drawing || selected)) {
      setDrawing(false);
      setSelected(undefined);
    } else return;
    event.preventDefault();
  };
  useEffect(() => {
    const listener = (event: KeyboardEvent) => keys.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const boxEditing = {
    selected, drawing, disabled: readOnly !== undefined, frame,
    drawColour: activeLabel ? labelColour(activeLabel) : 'var(--accent)',
    onSelect: setSelected,
    onChange: (box: EntryBox, rect: { left: number; top: number; width: number; height: number }) => edit((line) => setBoxRect(line, box.attribute, box.index, rect)),
    onDraw: (rect: { left: number; top: number; width: number; height: number }) => {
      setDrawing(false);
      const size = preview.imageSize ?? frame;
      if (activeLabel && size) edit((line) => addBox(line, rect, activeLabel, size, new Date()));
    },
  };

  return (
    <div className="detail-body">
      <EntryImage key={entry.sourceRef} datasetArn={datasetArn} entry={preview} size="large" highlight={highlight ?? selected} onPoint={setHighlight} edit={boxEditing} />
      <div className="detail-side">
        <p className="small muted break">{entry.sourceRef}</p>
        {readOnly && editing && <p className="note small read-only" role="note">{readOnly}</p>}
        {editing && (
          <div className="edit-toolbar" role="toolbar" aria-label="Edit this entry">
            <button type="button" onClick={() => (drawing ? setDrawing(false) : startDrawing())} aria-pressed={drawing} aria-keyshortcuts="B"
              disabled={readOnly !== undefined || !activeLabel} title={readOnly ?? (activeLabel ? `Draw a ${activeLabel} box (B); Escape cancels` : 'Pick or create a label first')}>
              {drawing ? 'Drawing… (Esc)' : 'Draw box'}
            </button>
            <button type="button" onClick={editor.undo} disabled={!editor.canUndo} aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)">Undo</button>
            <button type="button" onClick={editor.redo} disabled={!editor.canRedo} aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)">Redo</button>
            <button type="button" className="primary" onClick={() => void saveNow()} disabled={readOnly !== undefined || !editor.dirty || save.kind === 'saving'}
              aria-keyshortcuts="S" title={readOnly ?? 'Save (S): one UpdateDatasetEntries with this line'}>Save</button>
            {editor.dirty && <button type="button" onClick={editor.discard} title="Forget the unsaved changes">Discard</button>}
          </div>
        )}
        <SaveStatus save={save} dirty={editor.dirty} errors={preview.errors.length} />
        {save.kind === 'conflict' && (
          <ConflictView datasetArn={datasetArn} sourceRef={entry.sourceRef} mine={save.mine} conflict={save.conflict}
            onKeepTheirs={() => {
              setSave({ kind: 'idle' });
              if (save.conflict.current?.line && editing) editing.remember(new Map([[entry.sourceRef, save.conflict.current.line]]));
              else editor.discard();
            }}
            onOverwrite={() => {
              if (save.conflict.current?.line) void send(save.mine, save.conflict.current.line);
            }} />
        )}
        {editing ? (
          <LabelPicker labels={labels} active={activeLabel} onImage={onImage} disabled={readOnly} onPick={pick} onToggleImage={toggleImage} onCreate={create} />
        ) : null}
        <ImageLabels entry={preview} readOnly={readOnly} onRemove={(name) => edit((line) => removeImageLabel(line, name))}
          onRename={(attribute, name) => edit((line) => renameImageLabel(line, attribute, name))} />
        {preview.boxes.length > 0 && (
          <BoxList entry={preview} labels={labels} highlight={highlight ?? selected} selected={selected} readOnly={readOnly} onPoint={setHighlight} onSelect={setSelected}
            onLabel={(box, name) => edit((line) => setBoxLabel(line, box.attribute, box.index, name))}
            onDelete={(box) => {
              edit((line) => deleteBox(line, box.attribute, box.index));
              setSelected(undefined);
            }} />
        )}
        {editor.dropped && <p className="problem" role="alert">Trove would drop this line: {editor.dropped}</p>}
        <h3>{preview.errors.length === 0 ? 'No errors' : `${preview.errors.length} error${preview.errors.length === 1 ? '' : 's'}`}{editor.dirty && <span className="small muted"> (as it will be saved; images are checked when it is)</span>}</h3>
        <ul className="error-list">
          {preview.errors.map((error, i) => <ErrorItem key={i} error={error} entry={preview} onPoint={setHighlight} />)}
        </ul>
        <details>
          <summary>{editor.dirty ? 'The line to be saved' : 'The line as listed'}</summary>
          <pre className="json">{JSON.stringify(editor.dirty ? editor.line : JSON.parse(entry.line), null, 2)}</pre>
        </details>
      </div>
    </div>
  );
}

/** The image's stored pixel size (read from its bytes), needed only to draw a first box on an image without image_size. */
function useFrame(datasetArn: string, entry: EntryModel, needed: boolean): Size | undefined {
  const { images } = useClients();
  return useAsync(async (signal) => {
    if (!needed) return undefined;
    const response = await fetch(await images.url(datasetArn, entry.sourceRef), { signal });
    return response.ok ? pixelSize(new Uint8Array(await response.arrayBuffer())) : undefined;
  }, [datasetArn, entry.sourceRef, needed]).data;
}

function SaveStatus({ save, dirty, errors }: { save: SaveState; dirty: boolean; errors: number }) {
  if (save.kind === 'saving') return <p className="save-status busy" role="status">{PHASES[save.phase]}</p>;
  if (save.kind === 'failed') return <Problem error={save.error} change />;
  if (save.kind === 'saved') {
    const failed = save.status === 'UPDATE_FAILED';
    return (
      <p className={`save-status ${failed ? 'bad' : 'ok'}`} role="status">
        {failed ? `UPDATE_FAILED: ${save.message ?? 'the update failed.'} Nothing was saved: the entry is as it was.` : `Saved (${save.status ?? 'UPDATE_COMPLETE'}): ${errors === 0 ? 'no errors' : `${errors} error${errors === 1 ? '' : 's'}, below`}.`}
        {!save.checked && ' Saved without a conflict check: this key may not call trove:UpdateDatasetEntriesIfUnchanged.'}
      </p>
    );
  }
  return dirty ? <p className="save-status" role="status">Unsaved changes: S saves, Ctrl+Z undoes.</p> : null;
}

function ImageLabels({ entry, readOnly, onRemove, onRename }: {
  entry: EntryModel; readOnly: string | undefined; onRemove: (name: string) => void; onRename: (attribute: string, name: string) => void;
}) {
  const [renaming, setRenaming] = useState<{ attribute: string; name: string }>();
  if (entry.imageLabels.length === 0 && entry.labeled) return null;
  return (
    <>
      <h3>Image labels</h3>
      <ul className="tags">
        {entry.imageLabels.map((label) => (
          <li key={label.attribute} className={`tag${label.hasErrors ? ' tag-error' : ''}`} style={{ '--label': labelColour(label.name) } as CSSProperties} title={label.name}>
            {label.name}
            {!readOnly && <button type="button" className="tag-remove" onClick={() => onRemove(label.name)} aria-label={`Remove the image label ${label.name}`}>×</button>}
            {!readOnly && label.hasErrors && <button type="button" className="tag-remove" onClick={() => setRenaming({ attribute: label.attribute, name: label.name.slice(0, 255) })}>Rename</button>}
          </li>
        ))}
        {!entry.labeled && <li className="tag tag-muted">unlabeled</li>}
      </ul>
      {renaming && (
        <form className="rename" onSubmit={(e) => {
          e.preventDefault();
          if (renaming.name.trim()) onRename(renaming.attribute, renaming.name.trim());
          setRenaming(undefined);
        }}>
          <input aria-label="New name of the label" value={renaming.name} maxLength={255} onChange={(e) => setRenaming({ ...renaming, name: e.target.value })} autoFocus />
          <button type="submit">Rename</button>
          <button type="button" onClick={() => setRenaming(undefined)}>Cancel</button>
        </form>
      )}
    </>
  );
}

/** Every box: label (changeable), position and size in image pixels, confidence; a row and its box highlight each other. */
function BoxList({ entry, labels, highlight, selected, readOnly, onPoint, onSelect, onLabel, onDelete }: {
  entry: EntryModel; labels: readonly string[]; highlight: string | undefined; selected: string | undefined; readOnly: string | undefined;
  onPoint: (box: string | undefined) => void; onSelect: (box: string | undefined) => void; onLabel: (box: EntryBox, name: string) => void; onDelete: (box: EntryBox) => void;
}) {
  const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  return (
    <>
      <h3>{entry.boxes.length} bounding box{entry.boxes.length === 1 ? '' : 'es'}</h3>
      <div className="table-wrap box-table-wrap">
        <table className="box-table">
          <thead><tr><th scope="col">#</th><th scope="col">Label</th><th scope="col" className="num">Left, top</th><th scope="col" className="num">Size</th><th scope="col" className="num">Conf.</th><th scope="col"><span className="visually-hidden">Delete</span></th></tr></thead>
          <tbody>
            {entry.boxes.map((box) => {
              const key = boxKey(box);
              const bad = box.errors.length > 0;
              return (
                <tr key={key} data-box={key} className={`${bad ? 'row-error' : ''}${highlight === key ? ' row-highlight' : ''}${selected === key ? ' row-selected' : ''}`} tabIndex={0}
                  onClick={() => onSelect(key)} onMouseEnter={() => onPoint(key)} onMouseLeave={() => onPoint(undefined)} onFocus={() => onPoint(key)} onBlur={() => onPoint(undefined)}>
                  <td>{box.index + 1}</td>
                  <td className="box-label" title={boxCaption(box)}>
                    <span className="swatch" style={{ background: bad ? 'var(--error)' : labelColour(boxCaption(box)) }} />{bad ? '⚠ ' : ''}
                    {readOnly ? boxCaption(box) : (
                      <select aria-label={`Label of box ${box.index + 1}`} value={box.label ?? ''} onChange={(e) => onLabel(box, e.target.value)}>
                        {box.label === undefined && <option value="">{boxCaption(box)}</option>}
                        {labels.map((name) => <option key={name} value={name}>{name}</option>)}
                      </select>
                    )}
                  </td>
                  <td className="num">{number(box.left)}, {number(box.top)}</td>
                  <td className="num">{number(box.width)} × {number(box.height)}</td>
                  <td className="num">{box.confidence === undefined ? '—' : box.confidence.toFixed(2)}</td>
                  <td>{!readOnly && <button type="button" className="small" onClick={(e) => { e.stopPropagation(); onDelete(box); }} aria-label={`Delete box ${box.index + 1}`}>×</button>}</td>
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
    <li className="error-item" tabIndex={box ? 0 : undefined} onMouseEnter={() => onPoint(box)} onMouseLeave={() => onPoint(undefined)}
      onFocus={() => onPoint(box)} onBlur={() => onPoint(undefined)} data-code={error.code}>
      {error.explanation && <p className="error-words">{error.explanation}</p>}
      <p className="small">
        <span className="muted">In {describePlace(error.place, entry)}:</span> {error.message} <code>{error.code}</code>
      </p>
    </li>
  );
}
