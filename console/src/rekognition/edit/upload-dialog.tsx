import type { DragEvent, FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { validateLine } from '../../../../src/domain/rekognition/manifest/validate-line.js';
import { useClients } from '../../lib/clients.js';
import { count, plural } from '../../lib/format.js';
import { useAsync } from '../../lib/hooks.js';
import { TroveApiError } from '../../lib/trove-api.js';
import { Problem } from '../../shell/problem.js';
import { useEditing } from './edit-context.js';
import { addImageLabel, lineText } from './entry-edit.js';
import type { Edit } from './entry-saver.js';
import { pixelSize } from './pixel-size.js';

/** AWS Custom Labels: an image is at most 15 MB. */
const MAX_BYTES = 15 * 1024 * 1024;

interface WritableBucket { readonly name: string; readonly access: string; readonly keyPrefixes?: readonly string[] }
interface Picked { readonly file: File; readonly bytes?: Uint8Array; readonly problem?: string; readonly size?: { width: number; height: number } }
type Phase = { kind: 'idle' } | { kind: 'uploading'; done: number } | { kind: 'saving' } | { kind: 'done'; added: number; status?: string; message?: string } | { kind: 'failed'; error: unknown };

/**
 * Images from the computer into the dataset: each file goes into a bucket the account may write
 * (Trove's UploadImage, one of ListWritableBuckets), then all become entries with one
 * UpdateDatasetEntries (conditional on their not being entries yet), optionally with a label.
 * The default bucket and folder are those of the dataset's images, when the account may write there.
 */
export function UploadDialog({ sampleRef, onClose }: { sampleRef: string | undefined; onClose: (added: boolean) => void }) {
  const { trove } = useClients();
  const editing = useEditing();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const writable = useAsync((signal) => trove.call<{ buckets: WritableBucket[]; anyBucket: boolean }>('GET', '/_trove/api/buckets/writable', { signal }), [trove]);
  const sample = /^s3:\/\/([^/]+)\/(.*)$/.exec(sampleRef ?? '');
  const [bucket, setBucket] = useState<string>();
  const [prefix, setPrefix] = useState<string>();
  const [label, setLabel] = useState('');
  const [files, setFiles] = useState<Picked[]>([]);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  // Each file's upload, by the bucket and key it was meant for: a retry after a failed save adds
  // the objects uploaded then instead of uploading them again under new (-2) names.
  const uploaded = useRef(new WeakMap<Picked, { readonly target: string; readonly uri: string }>());

  // Defaults once the writable buckets are known: the dataset's own bucket and folder where possible.
  const buckets = writable.data?.buckets ?? [];
  const defaultBucket = sample && (buckets.some((b) => b.name === sample[1]) || writable.data?.anyBucket) ? sample[1] : buckets[0]?.name;
  const chosen = bucket ?? defaultBucket ?? '';
  const reach = buckets.find((b) => b.name === chosen)?.keyPrefixes;
  const sampleFolder = sample && sample[1] === chosen ? sample[2].slice(0, sample[2].lastIndexOf('/') + 1) : undefined;
  // A key prefix the key's allow-lists reach, as a folder (up to its last /).
  const reachFolder = reach?.map((p) => p.slice(0, p.lastIndexOf('/') + 1)).find((p) => p !== '');
  const folder = prefix ?? (reachFolder ?? (sampleFolder || 'uploads/'));
  const keyOf = (name: string) => `${folder.replace(/^\/+/, '')}${folder && !folder.endsWith('/') ? '/' : ''}${safeName(name)}`;
  // The source-refs must be ones Rekognition takes (a bucket of 3..63 characters, ...): checked with Trove's own line validator.
  const refProblem = chosen && files.length > 0 ? lineProblem(`s3://${chosen}/${keyOf(files[0].file.name)}`) : undefined;

  const add = async (list: FileList | null) => {
    if (!list) return;
    const picked = await Promise.all([...list].map(async (file): Promise<Picked> => {
      if (file.size > MAX_BYTES) return { file, problem: `${count(file.size)} bytes: an image may have at most 15 MB` };
      const bytes = new Uint8Array(await file.arrayBuffer());
      const size = pixelSize(bytes);
      return size ? { file, bytes, size } : { file, problem: 'not a PNG or JPEG image (by its bytes)' };
    }));
    setFiles((current) => [...current, ...picked]);
  };
  const ready = files.filter((f) => f.bytes);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!editing || ready.length === 0 || !chosen) return;
    const uris: string[] = [];
    try {
      for (const [i, picked] of ready.entries()) {
        setPhase({ kind: 'uploading', done: i });
        const target = `${chosen}/${keyOf(picked.file.name)}`;
        const earlier = uploaded.current.get(picked);
        const uri = earlier?.target === target ? earlier.uri : await uploadOne(picked, chosen, keyOf(picked.file.name));
        uploaded.current.set(picked, { target, uri });
        uris.push(uri);
      }
    } catch (error) {
      setPhase({ kind: 'failed', error });
      return;
    }
    setPhase({ kind: 'saving' });
    const now = new Date();
    const name = label.trim();
    const edits: Edit[] = uris.map((uri) => ({ sourceRef: uri, line: lineText(name ? addImageLabel({ 'source-ref': uri }, name, now) : { 'source-ref': uri }), base: undefined }));
    const result = await editing.saver.save(edits);
    if (result.kind === 'saved') {
      setPhase({ kind: 'done', added: uris.length, status: result.status, message: result.message });
      editing.onSaved(true);
    } else if (result.kind === 'conflict') {
      setPhase({ kind: 'failed', error: new Error(`Not added: ${result.conflicts.map((c) => c.sourceRef).join(', ')} ${result.conflicts.length === 1 ? 'is' : 'are'} already entries of the dataset.`) });
    } else setPhase({ kind: 'failed', error: result.error });
  };
  /** Uploads one image; a key already taken gets -2, -3, ... before its extension. */
  const uploadOne = async (picked: Picked, bucketName: string, key: string): Promise<string> => {
    for (let n = 1; ; n++) {
      const attempt = n === 1 ? key : key.replace(/(\.[^./]*)?$/, (ext) => `-${n}${ext}`);
      try {
        const out = await trove.call<{ s3Uri: string }>('PUT', '/_trove/api/images', {
          query: { bucket: bucketName, key: attempt }, bytes: { data: picked.bytes!, contentType: picked.file.type || 'application/octet-stream' },
        });
        return out.s3Uri;
      } catch (error) {
        if (!(error instanceof TroveApiError && error.name === 'ConflictException') || n >= 20) throw error;
      }
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    void add(event.dataTransfer.files);
  };
  const busy = phase.kind === 'uploading' || phase.kind === 'saving';
  return (
    <dialog ref={dialog} className="upload-dialog" aria-labelledby="upload-title" onCancel={(e) => { if (busy) e.preventDefault(); }} onClose={() => onClose(phase.kind === 'done')}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="upload-title">Add images</h2>
        <p className="small muted">Each image is written into a bucket your account may write, then becomes an entry of this dataset (UpdateDatasetEntries). PNG or JPEG, at most 15 MB.</p>
        {writable.error !== undefined && <Problem error={writable.error} retry={writable.reload} />}
        {writable.data && buckets.length === 0 && !writable.data.anyBucket && (
          <p className="problem">This account may write no bucket. An operator can give it one: <code>bin/trove buckets create &lt;bucket&gt; --owner &lt;account&gt;</code>, or a read-write grant on another.</p>
        )}
        <div className="upload-where">
          <label>
            Bucket
            {writable.data?.anyBucket ? (
              <>
                <input list="upload-buckets" value={chosen} onChange={(e) => setBucket(e.target.value)} required spellCheck={false} />
                <datalist id="upload-buckets">{buckets.map((b) => <option key={b.name} value={b.name} />)}</datalist>
              </>
            ) : (
              <select value={chosen} onChange={(e) => { setBucket(e.target.value); setPrefix(undefined); }} required>
                {buckets.map((b) => <option key={b.name} value={b.name}>{b.name} ({b.access === 'owner' ? 'yours' : 'read-write grant'})</option>)}
              </select>
            )}
          </label>
          <label>
            Folder
            <input value={folder} onChange={(e) => setPrefix(e.target.value)} spellCheck={false} placeholder="uploads/" />
          </label>
          <label>
            Label them
            <input list="upload-labels" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="(no label)" maxLength={255} spellCheck={false} />
            <datalist id="upload-labels">{(editing?.labels ?? []).map((l) => <option key={l} value={l} />)}</datalist>
          </label>
        </div>
        {reach && <p className="small muted">Your key may write only under {reach.join(', ')} in this bucket.</p>}
        <div className="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
          <label className="button">
            Choose images…
            <input type="file" multiple accept="image/png,image/jpeg,.png,.jpg,.jpeg" className="visually-hidden" onChange={(e) => void add(e.target.files)} data-testid="upload-files" />
          </label>
          <span className="small muted">or drop them here</span>
        </div>
        {files.length > 0 && (
          <ul className="upload-files small">
            {files.map((f, i) => (
              <li key={i} className={f.problem ? 'error-text' : undefined}>
                {f.file.name} → {f.problem ?? `s3://${chosen}/${keyOf(f.file.name)} (${f.size!.width} × ${f.size!.height})`}
              </li>
            ))}
          </ul>
        )}
        {refProblem && <p className="problem">{refProblem}</p>}
        {phase.kind === 'uploading' && <p role="status">Uploading {count(phase.done + 1)} of {count(ready.length)}…</p>}
        {phase.kind === 'saving' && <p role="status">Adding the entries: UpdateDatasetEntries, UPDATE_IN_PROGRESS…</p>}
        {phase.kind === 'done' && (
          <p role="status" className={phase.status === 'UPDATE_FAILED' ? 'error-text' : undefined}>
            {phase.status === 'UPDATE_FAILED' ? `UPDATE_FAILED: ${phase.message ?? ''}` : `Added ${plural(phase.added, 'image', 'images')} to the dataset (${phase.status ?? 'UPDATE_COMPLETE'}).`}
          </p>
        )}
        {phase.kind === 'failed' && <Problem error={phase.error} change />}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>{phase.kind === 'done' ? 'Close' : 'Cancel'}</button>
          {phase.kind !== 'done' && (
            <button type="submit" className="primary" disabled={busy || ready.length === 0 || !chosen || refProblem !== undefined}>
              Upload and add {ready.length > 0 ? plural(ready.length, 'image', 'images') : 'images'}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}

/** A file name as a key segment: letters, digits, `.`, `_` and `-`; anything else becomes `-`. */
function safeName(name: string): string {
  const cleaned = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return cleaned || 'image';
}

function lineProblem(sourceRef: string): string | undefined {
  const outcome = validateLine(JSON.stringify({ 'source-ref': sourceRef }));
  return outcome.kind === 'dropped' ? `Rekognition would not take this source-ref: ${outcome.message}` : undefined;
}
