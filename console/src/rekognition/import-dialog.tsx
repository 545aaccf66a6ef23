import { DescribeDatasetCommand } from '@aws-sdk/client-rekognition';
import type { DragEvent, FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { ImportAcceptedWire } from '../../../src/client/exchange-client.js';
import type { RevisionWire } from '../../../src/client/dataset-history-client.js';
import { uploadName } from '../../../src/client/upload-name.js';
import { useHistoryClient } from '../lib/api-clients.js';
import { usePermission, useTrovePermission } from '../lib/caller.js';
import { useClients } from '../lib/clients.js';
import { useAsync } from '../lib/hooks.js';
import type { Decision } from '../lib/permissions.js';
import { href, Link } from '../lib/router.js';
import { UploadInterrupted } from '../lib/trove-api.js';
import { Problem } from '../shell/problem.js';
import { fetchConsoleConfig } from '../shell/sign-in.js';
import { StatusBadge } from '../shell/status-badge.js';
import { IngestReport } from './history/report-page.js';
import { bytesText, formatProblem, imagesProblem, IMPORT_FORMATS, sizeProblem, sniff, SNIFF_BYTES } from './import-file.js';
import type { ImportFormat } from './import-file.js';

/** How often the dataset is read while its import runs. */
const POLL_MS = 1_000;
/** Reads of the dataset that may fail in a row before the dialog stops following the import. */
const FOLLOW_ATTEMPTS = 10;
/**
 * After the whole file was sent but no answer came: how long the dialog looks for the revision the
 * upload made while the dataset is settled. Trove accepts a body it has whole within moments (it
 * is staged as it arrives); after this, the dialog says none appeared.
 */
const FIND_OUT_MS = 8_000;

interface Picked { readonly file: File; readonly head: Uint8Array }
/** How the import's own revision ended (ListDatasetRevisions), or the dataset's status when it cannot be read. */
interface Outcome { readonly failed: boolean; readonly message?: string }
type Phase =
  | { kind: 'idle' }
  | { kind: 'hashing'; read: number }
  | { kind: 'uploading'; sent: number }
  /** Every byte sent: the server has it or will; stopping now could not prevent the import. */
  | { kind: 'checking' }
  /** Stopped or the connection lost once sending began: Trove may have accepted it; the dialog finds out. */
  | { kind: 'unsure'; error: UploadInterrupted }
  /** It found no change of the dataset made by this upload. */
  | { kind: 'not-found'; error: UploadInterrupted }
  | { kind: 'importing'; accepted: ImportAcceptedWire; status?: string }
  | { kind: 'done'; accepted: ImportAcceptedWire; outcome: Outcome }
  | { kind: 'stopped' }
  /** The dataset was deleted while the dialog followed the import. */
  | { kind: 'gone'; accepted?: ImportAcceptedWire }
  /** Accepted, but the dataset could not be read since: the import goes on without the dialog. */
  | { kind: 'lost'; accepted: ImportAcceptedWire; error: unknown }
  | { kind: 'failed'; error: unknown };

const isNotFound = (error: unknown) => error instanceof Error && error.name === 'ResourceNotFoundException';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What Import… needs of the key: UploadDatasetImport (and the AWS actions behind it), and the reads
 * the dialog makes besides: DescribeDataset (before sending, and while following the import) and
 * ListDatasetRevisions (the outcome of the import's own revision).
 */
export function useImportPermission(arn: string): Decision {
  const upload = useTrovePermission('UploadDatasetImport', [arn]);
  const describe = usePermission(['rekognition:DescribeDataset', [arn]]);
  const revisions = useTrovePermission('ListDatasetRevisions', [arn]);
  return [upload, describe, revisions].find((decision) => !decision.allowed) ?? upload;
}

/**
 * A COCO file or a YOLO tar from this computer into the dataset: Trove's UploadDatasetImport,
 * the call `bin/trove import --from ./file` makes. The file is checked first (its format by its
 * first bytes, its size against the server's limit), then hashed and sent with its progress
 * shown; the dataset is followed through UPDATE_IN_PROGRESS, and the revision the import made is
 * shown with its outcome and its ingest report (what the conversion left out, the lines dropped,
 * the entries with errors).
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
  const history = useHistoryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const phaseLine = useRef<HTMLParagraphElement>(null);
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

  /** The newest revisions, newest first, down to (and including) `down`'s. */
  const revisionsDownTo = async (down: number, signal: AbortSignal): Promise<RevisionWire[]> => {
    const out: RevisionWire[] = [];
    let nextToken: string | undefined;
    do {
      signal.throwIfAborted();
      const page = await history.listRevisions(arn, { maxResults: 20, nextToken });
      out.push(...page.revisions);
      nextToken = page.revisions.some((r) => r.revision <= down) ? undefined : page.nextToken;
    } while (nextToken);
    return out;
  };
  const newest = async () => (await history.listRevisions(arn, { maxResults: 1 })).revisions[0]?.revision ?? 0;
  const outcomeOf = (revision: RevisionWire): Outcome => ({
    failed: revision.status === 'FAILED', message: revision.failure ? `${revision.failure.code}: ${revision.failure.message}` : undefined,
  });

  /**
   * Follows an accepted import until the dataset settles, then reads how the import's own revision
   * ended: another change may start right after it, so the dataset's status then is not its.
   * A read that fails (a throttled key, a moment's outage) is tried again: the import goes on regardless.
   */
  const follow = async (accepted: ImportAcceptedWire, signal: AbortSignal) => {
    for (let failures = 0; ;) {
      try {
        const { DatasetDescription: now } = await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }), { abortSignal: signal });
        if (!now?.Status?.endsWith('_IN_PROGRESS')) {
          const own = accepted.revision === undefined ? undefined : (await revisionsDownTo(accepted.revision, signal)).find((r) => r.revision === accepted.revision);
          // Settled, so the revision is written; if it is not listed (not yet visible to this node), the dataset's status says it.
          const outcome = own ? outcomeOf(own) : { failed: now?.Status === 'UPDATE_FAILED', message: now?.StatusMessage };
          setPhase({ kind: 'done', accepted, outcome });
          onDone();
          return;
        }
        failures = 0;
        setPhase({ kind: 'importing', accepted, status: now.Status });
      } catch (error) {
        if (signal.aborted) return;
        if (isNotFound(error)) {
          setPhase({ kind: 'gone', accepted });
          return;
        }
        if (++failures >= FOLLOW_ATTEMPTS) {
          setPhase({ kind: 'lost', accepted, error });
          return;
        }
      }
      await sleep(POLL_MS);
      if (signal.aborted) return;
    }
  };

  /**
   * No answer came, stopped or the connection lost once sending began: Trove may have
   * accepted it. Looks for a revision newer than `before` made by an upload of this name; while
   * the dataset is busy (perhaps with this import) it keeps looking, once it is settled for
   * FIND_OUT_MS without one it says none appeared.
   */
  const findOut = async (interrupted: UploadInterrupted, before: number, name: string) => {
    // A fresh controller: a press of Stop aborted the upload's, and the dialog still follows this.
    const controller = new AbortController();
    running.current = controller;
    const { signal } = controller;
    setPhase({ kind: 'unsure', error: interrupted });
    let settledSince: number | undefined;
    for (let failures = 0; ;) {
      try {
        const { DatasetDescription: now } = await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }), { abortSignal: signal });
        const made = (await revisionsDownTo(before, signal)).find((r) => r.revision > before && r.source?.endsWith(`upload ${name}`));
        failures = 0;
        if (made) {
          const accepted: ImportAcceptedWire = { datasetArn: arn, revision: made.revision, status: 'UPDATE_IN_PROGRESS', format, source: made.source ?? name };
          onStarted();
          setPhase({ kind: 'done', accepted, outcome: outcomeOf(made) });
          onDone();
          return;
        }
        if (now?.Status?.endsWith('_IN_PROGRESS')) settledSince = undefined;
        else if (settledSince === undefined) settledSince = Date.now();
        else if (Date.now() - settledSince >= FIND_OUT_MS) {
          setPhase({ kind: 'not-found', error: interrupted });
          return;
        }
      } catch (error) {
        if (signal.aborted) return;
        if (isNotFound(error)) {
          setPhase({ kind: 'gone' });
          return;
        }
        if (++failures >= FOLLOW_ATTEMPTS) {
          setPhase({ kind: 'failed', error });
          return;
        }
      }
      await sleep(POLL_MS);
      if (signal.aborted) return;
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!picked || problem || imagesWrong || config.loading) return;
    const controller = new AbortController();
    running.current = controller;
    const folder = images.trim();
    const name = uploadName(picked.file.name);
    let accepted: ImportAcceptedWire;
    let before = 0;
    setPhase({ kind: 'hashing', read: 0 }); // the buttons are busy from the press on: a second press sends nothing
    try {
      // A dataset takes one change at a time, and Trove refuses a busy one before reading the body;
      // the browser may then see the connection closed mid-send rather than the answer, so ask first.
      const { DatasetDescription: now } = await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }), { abortSignal: controller.signal });
      if (now?.Status?.endsWith('_IN_PROGRESS')) {
        throw new Error(`The dataset is ${now.Status}: it takes one change at a time. Nothing was sent; import the file when that change has finished.`);
      }
      // The newest revision now: one newer, made by this upload, is this import (should its answer be lost).
      before = await newest();
      controller.signal.throwIfAborted();
      accepted = await trove.upload<ImportAcceptedWire>(`/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/uploads`, {
        query: { format, name, images: folder === '' ? undefined : folder },
        file: picked.file, contentType: format === 'COCO' ? 'application/json' : 'application/x-tar', signal: controller.signal,
        onHashed: (read) => setPhase({ kind: 'hashing', read }),
        onProgress: (sent) => setPhase((now) => (now.kind === 'checking' ? now : { kind: 'uploading', sent })),
        onAllSent: () => setPhase({ kind: 'checking' }),
      });
    } catch (error) {
      // Once sending began, a Stop or a lost connection may have come after Trove had every byte,
      // whatever the browser reported sent (its progress trails the network: a Stop "before the
      // last byte" was seen imported in CI): the dialog looks before it says anything.
      if (error instanceof UploadInterrupted) void findOut(error, before, name);
      else if (controller.signal.aborted) setPhase({ kind: 'stopped' });
      else if (isNotFound(error)) setPhase({ kind: 'gone' });
      else setPhase({ kind: 'failed', error });
      return;
    }
    setPhase({ kind: 'importing', accepted, status: accepted.status });
    onStarted();
    await follow(accepted, controller.signal);
  };
  // Always refused to the browser (which would open the file in place of the console); taken only when idle.
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    if (!sending) void pick(event.dataTransfer.files);
  };

  const sending = phase.kind === 'hashing' || phase.kind === 'uploading' || phase.kind === 'checking';
  /** The form is gone: the file went, or may have. */
  const started = !['idle', 'hashing', 'uploading', 'checking', 'stopped', 'failed'].includes(phase.kind);
  const size = picked?.file.size ?? 0;
  const showReport = phase.kind === 'done' && phase.accepted.revision !== undefined && reportAllowed.allowed;
  const limit = maxBytes === undefined ? '' : `, at most ${bytesText(maxBytes)}`;
  const stoppable = phase.kind === 'hashing' || phase.kind === 'uploading';
  const percent = (part: number) => Math.floor((part / Math.max(size, 1)) * 100);

  // Focus follows the dialog's one control that matters: Stop while it can stop, then the line
  // saying what happens (Stop is gone, the buttons busy), then Close once it has ended.
  const ended = phase.kind === 'done' || phase.kind === 'stopped' || phase.kind === 'failed' || phase.kind === 'not-found'
    || phase.kind === 'gone' || phase.kind === 'lost';
  // The phase line is a new element at each phase (checking, finding out, importing): focused again each time.
  const focusOn = stoppable ? 'stop' : ended ? 'close' : phase.kind === 'idle' ? undefined : `phase ${phase.kind}`;
  useEffect(() => {
    if (focusOn === 'stop') stopButton.current?.focus();
    else if (focusOn === 'close') closeButton.current?.focus();
    else if (focusOn !== undefined) phaseLine.current?.focus();
  }, [focusOn]);

  /** The phase in words: the only live text (a progress bar's numbers are not announced as they change). */
  const phaseText = (() => {
    switch (phase.kind) {
      case 'hashing': return 'Preparing the file: reading it to sign it…';
      case 'uploading': return 'Sending the file…';
      case 'checking': return 'Sent; Trove is checking it…';
      case 'unsure': return phase.error.stopped
        ? `Stopped ${phase.error.allSent ? 'after the whole file was sent' : 'while sending'}: Trove may have received all of it and accepted it. Finding out…`
        : `${phase.error.message} Trove may have received all of it and accepted it. Finding out…`;
      case 'not-found': return `${phase.error.stopped ? 'Stopped.' : phase.error.message} No change of the dataset came from this upload: it was not imported. Should one appear later, History shows it.`;
      case 'stopped': return 'The upload was stopped before anything was sent: nothing was imported.';
      case 'gone': return 'The dataset was deleted: there is nothing to import into.';
      default: return undefined;
    }
  })();
  const progress = phase.kind === 'hashing'
    ? { value: phase.read, text: `Preparing… ${percent(phase.read)}%` }
    : phase.kind === 'uploading'
      ? { value: phase.sent, text: `Uploading ${bytesText(phase.sent)} of ${bytesText(size)} (${percent(phase.sent)}%)` }
      : phase.kind === 'checking' ? { value: size, text: `Sent ${bytesText(size)}` } : undefined;
  return (
    <dialog ref={dialog} className="upload-dialog import-dialog" aria-labelledby="import-title" onCancel={(e) => { if (sending) e.preventDefault(); }} onClose={onClose}
      onDragOver={(e) => e.preventDefault()} onDrop={(e) => e.preventDefault()}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="import-title">Import a file</h2>
        <p className="small muted">
          A COCO instances file or a YOLO folder packed as a tar, from this computer{limit}. Trove converts it and applies it as one
          change of this dataset (UploadDatasetImport): all of it or, if it fails, nothing.
        </p>
        {!config.loading && maxBytes === undefined && (
          <p className="small">This server&apos;s size limit could not be read: a file over it is refused by Trove once it starts to arrive, which can look like a closed connection.</p>
        )}
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
                  aria-invalid={imagesWrong !== undefined} aria-describedby={imagesWrong ? 'import-images-error import-images-help' : 'import-images-help'} />
              </label>
            </div>
            <p className="small muted" id="import-images-help">
              Where the images are, when the file names them by relative path (COCO's <code>file_name</code>, YOLO's <code>images/</code>).
              Files that name them by s3:// URI, as Trove's exports do, need none.
            </p>
            {imagesWrong && <p className="error-text small" id="import-images-error">{imagesWrong}</p>}
            <div className="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} aria-disabled={sending}>
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
        {phaseText !== undefined && <p role="status" className="import-phase" ref={phaseLine} tabIndex={-1}>{phaseText}</p>}
        {progress && (
          <div className="import-progress">
            <progress max={size} value={progress.value} aria-label={phase.kind === 'hashing' ? 'File read' : 'Bytes sent'} aria-valuetext={progress.text} />
            <span className="import-bytes">{progress.text}</span>
          </div>
        )}
        {phase.kind === 'importing' && (
          <p role="status" className="import-status" ref={phaseLine} tabIndex={-1}>
            Importing {picked?.file.name} as revision {phase.accepted.revision ?? '…'}: <StatusBadge status={phase.status ?? 'UPDATE_IN_PROGRESS'} />
            <span className="small muted"> The import goes on if you close this; its report stays in History.</span>
          </p>
        )}
        {phase.kind === 'done' && (
          <div role="status" className="import-status">
            <p>
              {phase.outcome.failed ? 'The import failed: nothing of it was applied.' : 'Imported.'} <StatusBadge status={phase.outcome.failed ? 'UPDATE_FAILED' : 'UPDATE_COMPLETE'} />
            </p>
            {/* The report below says the same, as the failure of its revision; said here when there is none to show. */}
            {phase.outcome.message && !showReport && <p className={phase.outcome.failed ? 'error-text break' : 'small muted break'}>{phase.outcome.message}</p>}
          </div>
        )}
        {phase.kind === 'done' && showReport && (
          <div className="import-report">
            <IngestReport arn={arn} revision={phase.accepted.revision!} />
          </div>
        )}
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
          {phase.kind === 'not-found' && <Link to={href('/rekognition/dataset/history', { arn })} onClick={() => dialog.current?.close()}>History</Link>}
          {stoppable
            ? <button type="button" ref={stopButton} onClick={() => running.current?.abort()}>Stop</button>
            : <button type="button" ref={closeButton} disabled={phase.kind === 'checking'} onClick={() => dialog.current?.close()}>{started ? 'Close' : 'Cancel'}</button>}
          {!started && (
            <button type="submit" className="primary" disabled={sending || config.loading || !picked || problem !== undefined || imagesWrong !== undefined}
              title={config.loading ? 'Reading this server\u2019s limits…' : undefined}>
              Import{picked ? ` ${bytesText(size)}` : ''}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
