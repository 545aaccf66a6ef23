import { DescribeDatasetCommand } from '@aws-sdk/client-rekognition';
import type { DragEvent, FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { ImportAcceptedWire } from '../../../src/client/exchange-client.js';
import { useTrovePermission } from '../lib/caller.js';
import { useClients } from '../lib/clients.js';
import { useAsync } from '../lib/hooks.js';
import { href, Link } from '../lib/router.js';
import { Problem } from '../shell/problem.js';
import { fetchConsoleConfig } from '../shell/sign-in.js';
import { StatusBadge } from '../shell/status-badge.js';
import { IngestReport } from './history/report-page.js';
import { bytesText, formatProblem, imagesProblem, IMPORT_FORMATS, sizeProblem, sniff, SNIFF_BYTES, uploadName } from './import-file.js';
import type { ImportFormat } from './import-file.js';

/** How often the dataset is read while its import runs. */
const POLL_MS = 1_000;
/** Reads of the dataset that may fail in a row before the dialog stops following the import. */
const FOLLOW_ATTEMPTS = 10;

interface Picked { readonly file: File; readonly head: Uint8Array }
type Phase =
  | { kind: 'idle' }
  | { kind: 'hashing' }
  | { kind: 'uploading'; sent: number }
  | { kind: 'checking' }
  | { kind: 'importing'; accepted: ImportAcceptedWire; status?: string }
  | { kind: 'done'; accepted: ImportAcceptedWire; status?: string; message?: string }
  | { kind: 'stopped' }
  /** Accepted, but the dataset could not be read since: the import goes on without the dialog. */
  | { kind: 'lost'; accepted: ImportAcceptedWire; error: unknown }
  | { kind: 'failed'; error: unknown };

/**
 * A COCO file or a YOLO tar from this computer into the dataset: Trove's UploadDatasetImport,
 * the call `bin/trove import --from ./file` makes. The file is checked first (its format by its
 * first bytes, its size against the server's limit), then sent with its progress shown; the
 * dataset is followed through UPDATE_IN_PROGRESS, and the revision the import made is shown with
 * its ingest report (what the conversion left out, the lines dropped, the entries with errors).
 */
export function ImportDialog({ arn, onStarted, onDone, onClose }: {
  arn: string;
  /** The import was accepted: the dataset is UPDATE_IN_PROGRESS. */
  onStarted: () => void;
  /** The import has ended (the dataset settled), applied or failed. */
  onDone: () => void;
  onClose: () => void;
}) {
  const { trove, rekognition } = useClients();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const config = useAsync(() => fetchConsoleConfig(), []);
  const reportAllowed = useTrovePermission('GetDatasetIngestReport', [arn]);
  const maxBytes = config.data?.importUploadMaxBytes;
  const [picked, setPicked] = useState<Picked>();
  const [format, setFormat] = useState<ImportFormat>('COCO');
  const [images, setImages] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const running = useRef<AbortController | undefined>(undefined);
  // Closing the dialog stops following the import (the import itself goes on: the head shows it).
  useEffect(() => () => running.current?.abort(), []);

  const pick = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
    setPicked({ file, head });
    const seen = sniff(head);
    if (seen) setFormat(seen);
    setPhase({ kind: 'idle' });
  };
  const problem = picked ? (sizeProblem(picked.file.size, maxBytes) ?? formatProblem(format, picked.head)) : undefined;
  const imagesWrong = imagesProblem(images.trim());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!picked || problem || imagesWrong) return;
    const controller = new AbortController();
    running.current = controller;
    const folder = images.trim();
    let accepted: ImportAcceptedWire;
    setPhase({ kind: 'hashing' }); // the buttons are busy from the press on: a second press sends nothing
    try {
      // A dataset takes one change at a time, and Trove refuses a busy one before reading the body;
      // the browser may then see the connection closed mid-send rather than the answer, so ask first.
      const { DatasetDescription: before } = await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }), { abortSignal: controller.signal });
      if (before?.Status?.endsWith('_IN_PROGRESS')) {
        throw new Error(`The dataset is ${before.Status}: it takes one change at a time. Nothing was sent; import the file when that change has finished.`);
      }
      accepted = await trove.upload<ImportAcceptedWire>(`/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/uploads`, {
        query: { format, name: uploadName(picked.file.name), images: folder === '' ? undefined : folder },
        file: picked.file, contentType: format === 'COCO' ? 'application/json' : 'application/x-tar', signal: controller.signal,
        onProgress: (sent) => setPhase(sent >= picked.file.size ? { kind: 'checking' } : { kind: 'uploading', sent }),
      });
    } catch (error) {
      if (controller.signal.aborted) setPhase({ kind: 'stopped' });
      else setPhase({ kind: 'failed', error });
      return;
    }
    setPhase({ kind: 'importing', accepted, status: accepted.status });
    onStarted();
    // Followed as any change is: the dataset says UPDATE_IN_PROGRESS until the import's job has ended.
    // A read that fails (a throttled key, a moment's outage) is tried again: the import goes on regardless.
    for (let failures = 0; ;) {
      try {
        const { DatasetDescription: now } = await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }), { abortSignal: controller.signal });
        failures = 0;
        if (!now?.Status?.endsWith('_IN_PROGRESS')) {
          setPhase({ kind: 'done', accepted, status: now?.Status, message: now?.StatusMessage });
          onDone();
          return;
        }
        setPhase({ kind: 'importing', accepted, status: now.Status });
      } catch (error) {
        if (controller.signal.aborted) return;
        if (++failures >= FOLLOW_ATTEMPTS) {
          setPhase({ kind: 'lost', accepted, error });
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (controller.signal.aborted) return;
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    void pick(event.dataTransfer.files);
  };

  const sending = phase.kind === 'hashing' || phase.kind === 'uploading' || phase.kind === 'checking';
  const started = phase.kind === 'importing' || phase.kind === 'done' || phase.kind === 'lost';
  const size = picked?.file.size ?? 0;
  const showReport = phase.kind === 'done' && phase.accepted.revision !== undefined && reportAllowed.allowed;
  const limit = maxBytes === undefined ? '' : `, at most ${bytesText(maxBytes)}`;
  return (
    <dialog ref={dialog} className="upload-dialog import-dialog" aria-labelledby="import-title" onCancel={(e) => { if (sending) e.preventDefault(); }} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="import-title">Import a file</h2>
        <p className="small muted">
          A COCO instances file or a YOLO folder packed as a tar, from this computer{limit}. Trove converts it and applies it as one
          change of this dataset (UploadDatasetImport): all of it or, if it fails, nothing.
        </p>
        {!started && (
          <>
            <fieldset className="import-format" disabled={sending}>
              <legend>Format</legend>
              {IMPORT_FORMATS.map((choice) => (
                <label key={choice.format}>
                  <input type="radio" name="import-format" value={choice.format} checked={format === choice.format} onChange={() => setFormat(choice.format)} /> {choice.label}
                </label>
              ))}
            </fieldset>
            <div className="upload-where">
              <label>
                Images folder (optional)
                <input value={images} onChange={(e) => setImages(e.target.value)} spellCheck={false} placeholder="s3://bucket/folder/" disabled={sending}
                  aria-invalid={imagesWrong !== undefined} aria-describedby="import-images-help" />
              </label>
            </div>
            <p className="small muted" id="import-images-help">
              Where the images are, when the file names them by relative path (COCO's <code>file_name</code>, YOLO's <code>images/</code>).
              Files that name them by s3:// URI, as Trove's exports do, need none.
            </p>
            {imagesWrong && <p className="error-text small">{imagesWrong}</p>}
            <div className="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={sending ? undefined : onDrop} aria-disabled={sending}>
              <label className="button">
                Choose a file…
                <input type="file" accept={IMPORT_FORMATS.map((f) => f.accept).join(',')} className="visually-hidden" onChange={(e) => void pick(e.target.files)}
                  data-testid="import-file" disabled={sending} />
              </label>
              <span className="small muted">or drop it here</span>
            </div>
            {picked && (
              <p className={problem ? 'problem import-picked' : 'small import-picked'}>
                <strong className="break">{picked.file.name}</strong> · {bytesText(size)}{problem ? <><br />{problem}</> : ` · ${format}`}
              </p>
            )}
          </>
        )}
        {phase.kind === 'hashing' && <p role="status">Reading the file to sign it…</p>}
        {(phase.kind === 'uploading' || phase.kind === 'checking') && (
          <div className="import-progress" role="status">
            <progress max={size} value={phase.kind === 'checking' ? size : phase.sent} aria-label="Bytes sent" />
            <span>
              {phase.kind === 'checking'
                ? `Sent ${bytesText(size)}; Trove is checking it…`
                : `Uploading ${bytesText(phase.sent)} of ${bytesText(size)} (${Math.floor((phase.sent / Math.max(size, 1)) * 100)}%)`}
            </span>
          </div>
        )}
        {phase.kind === 'importing' && (
          <p role="status" className="import-status">
            Importing {picked?.file.name} as revision {phase.accepted.revision ?? '…'}: <StatusBadge status={phase.status ?? 'UPDATE_IN_PROGRESS'} />
            <span className="small muted"> The import goes on if you close this; its report stays in History.</span>
          </p>
        )}
        {phase.kind === 'done' && (
          <div role="status" className="import-status">
            <p>
              {phase.status === 'UPDATE_FAILED' ? 'The import failed: nothing of it was applied.' : 'Imported.'} <StatusBadge status={phase.status} />
            </p>
            {/* The report below says the same, as the failure of its revision; said here when there is none to show. */}
            {phase.message && !showReport && <p className={phase.status === 'UPDATE_FAILED' ? 'error-text break' : 'small muted break'}>{phase.message}</p>}
          </div>
        )}
        {phase.kind === 'done' && showReport && (
          <div className="import-report">
            <IngestReport arn={arn} revision={phase.accepted.revision!} />
          </div>
        )}
        {phase.kind === 'stopped' && <p role="status">The upload was stopped; nothing was imported.</p>}
        {phase.kind === 'lost' && (
          <>
            <p role="status">Trove accepted the file as revision {phase.accepted.revision ?? '…'}, but the dataset could not be read since; the import goes on. Its outcome and report are in History.</p>
            <Problem error={phase.error} />
          </>
        )}
        {phase.kind === 'failed' && <Problem error={phase.error} change />}
        <div className="dialog-actions">
          {phase.kind === 'done' && phase.accepted.revision !== undefined && (
            <Link to={href('/rekognition/dataset/report', { arn, revision: phase.accepted.revision })} onClick={() => dialog.current?.close()}>Open the report as a page</Link>
          )}
          {sending
            ? <button type="button" onClick={() => running.current?.abort()}>Stop</button>
            : <button type="button" onClick={() => dialog.current?.close()}>{started ? 'Close' : 'Cancel'}</button>}
          {!started && (
            <button type="submit" className="primary" disabled={sending || !picked || problem !== undefined || imagesWrong !== undefined}>
              Import{picked ? ` ${bytesText(size)}` : ''}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
