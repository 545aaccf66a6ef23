import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { opendir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DescribeDatasetCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { ImportStats } from '../domain/exchange/import-lines.js';
import { yoloToLines } from '../domain/exchange/yolo-import.js';
import type { TarReadEntry } from '../lib/tar.js';
import type { UploadFile } from './exchange-client.js';
import { localImageSize } from './local-image-size.js';
import { uploadName } from './upload-name.js';

/** AWS: an UpdateDatasetEntries change is at most 5,242,880 bytes. */
export const MAX_CHANGE_BYTES = 5 * 1024 * 1024;
/** AWS's default entries per dataset: a local folder with more images is refused before anything is sent. */
const MAX_IMAGES = 250_000;
const TEXT_FILE = /\.(txt|ya?ml)$/i;
/** Bytes per read of a local file sent to the server (fewer, larger steps than the default 64 KB). */
const READ_CHUNK = 256 * 1024;

/**
 * The manifest lines of a local YOLO folder, converted here by the code the server's import job
 * runs, its images sized from its own image files (images/ beside labels/), which the server
 * cannot read. Files (a COCO file, a YOLO tar) are sent to the server instead (localUpload).
 */
export async function localFolderLines(
  folder: string, images: string | undefined, stats: ImportStats, notes: LocalImportNotes = { unsizable: 0 },
): Promise<AsyncIterable<string | readonly string[]>> {
  const imageSize = async (_sourceRef: string, localPath?: string) => {
    if (localPath) return localImageSize(join(folder, localPath));
    notes.unsizable++;
    return undefined;
  };
  return yoloToLines(() => walk(folder, ''), { images, creationDate: new Date().toISOString(), maxImages: MAX_IMAGES, imageSize }, stats);
}

/**
 * A local file as UploadDatasetImport sends it: one pass first for its SHA-256 (signed before the
 * body is sent), then read again while it is sent. Neither pass holds the file in memory.
 */
export async function localUpload(path: string): Promise<UploadFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { name: uploadName(basename(path)), data: createReadStream(path, { highWaterMark: READ_CHUNK }), bytes, sha256: hash.digest('hex') };
}

/** What a local conversion could not do that an import from s3:// does, for the command to explain. */
export interface LocalImportNotes {
  /**
   * YOLO images with boxes but no image file here (named by s3:// URIs in images.txt, as Trove's
   * export writes): their size, which YOLO's normalised boxes need, is not read.
   */
  unsizable: number;
}

/** A folder's files in name order, text files with their content, the others by name (images). */
async function* walk(root: string, relative: string): AsyncGenerator<TarReadEntry> {
  const entries: { name: string; directory: boolean }[] = [];
  for await (const entry of await opendir(join(root, relative))) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory() || entry.isFile()) entries.push({ name: entry.name, directory: entry.isDirectory() });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.directory) yield* walk(root, path);
    else if (TEXT_FILE.test(entry.name)) {
      const body = await readFile(join(root, path));
      yield { name: path, size: body.length, body };
    } else yield { name: path, size: 0 };
  }
}

export interface ChangeOutcome {
  readonly lines: number;
  readonly bytes: number;
  readonly status: string;
  readonly message?: string;
}

/**
 * Sends lines as UpdateDatasetEntries changes of at most 5 MB, one after another (a dataset
 * takes one change at a time), and stops at the first that fails. Each change is its own
 * revision. While the server applies a change, the next one is converted.
 */
export async function sendChanges(
  client: RekognitionClient, datasetArn: string, lines: AsyncIterable<string | readonly string[]>, onChange: (outcome: ChangeOutcome) => void = () => undefined,
): Promise<ChangeOutcome[]> {
  const outcomes: ChangeOutcome[] = [];
  let batch: Buffer[] = [];
  let bytes = 0;
  let applying: Promise<boolean> = Promise.resolve(true);
  // Milliseconds a byte of the last change took to apply: the next change is first asked about
  // once most of its expected time has passed, instead of every 10 ms from the start (each poll
  // costs this process an SDK call and the server a request, while both are busy with the change).
  let msPerByte = 0;
  const send = async (lines: Buffer[]): Promise<boolean> => {
    const body = Buffer.concat(lines.flatMap((line, i) => (i === 0 ? [line] : [NEWLINE, line])));
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: datasetArn, Changes: { GroundTruth: body } }));
    const accepted = performance.now();
    const settled = await settle(client, datasetArn, { pollMs: CHANGE_POLL_MS, firstPollMs: EXPECTED_SHARE * msPerByte * body.length });
    msPerByte = (performance.now() - accepted) / body.length;
    const outcome = { lines: lines.length, bytes: body.length, status: settled.Status ?? 'UNKNOWN', ...(settled.StatusMessage ? { message: settled.StatusMessage } : {}) };
    outcomes.push(outcome);
    onChange(outcome);
    return outcome.status === 'UPDATE_COMPLETE';
  };
  const next = async (): Promise<boolean> => {
    if (!(await applying)) return false;
    const full = batch;
    batch = [];
    bytes = 0;
    applying = send(full);
    // Awaited before the next change or at the end; until then a failure must not count as unhandled.
    applying.catch(() => undefined);
    return true;
  };
  // Lines come one by one or in batches (a COCO conversion hands out a few hundred at a time).
  for await (const item of lines) {
    for (const line of typeof item === 'string' ? [item] : item) {
      const encoded = Buffer.from(line);
      if (bytes + encoded.length + 1 > MAX_CHANGE_BYTES && !(await next())) return outcomes;
      batch.push(encoded);
      bytes += encoded.length + 1;
    }
  }
  if (batch.length > 0 && !(await next())) return outcomes;
  await applying;
  return outcomes;
}

const NEWLINE = Buffer.from('\n');
/** Share of a change's expected time (from the change before) waited before its first poll: a change slower than the last is not waited for longer. */
const EXPECTED_SHARE = 0.7;
/**
 * How often a sent change's status is asked for. The next change is sent only once it settles,
 * and a change of 5 MB takes a few hundred milliseconds: a 50 ms poll left the dataset idle 25 ms
 * a change on average, a DescribeDataset every 10 ms costs the server well under that.
 */
const CHANGE_POLL_MS = 10;

/** How settle polls: the first poll after `firstPollMs`, then every `pollMs`, each wait growing by a quarter up to `maxPollMs`. */
export interface SettlePolling {
  readonly pollMs: number;
  readonly firstPollMs?: number;
  /** The longest wait between two polls (default `pollMs`: no growth). */
  readonly maxPollMs?: number;
}

/** Polls DescribeDataset until the dataset leaves its *_IN_PROGRESS status. */
export async function settle(client: RekognitionClient, datasetArn: string, polling: SettlePolling = { pollMs: 50 }) {
  const { pollMs, firstPollMs = 0, maxPollMs = pollMs } = polling;
  if (firstPollMs > 0) await new Promise((resolve) => setTimeout(resolve, firstPollMs));
  // Growing by a quarter: the answer comes at most a quarter of the time waited so far late.
  for (let wait = pollMs; ; wait = Math.min(maxPollMs, wait * 1.25)) {
    const { DatasetDescription: description } = await client.send(new DescribeDatasetCommand({ DatasetArn: datasetArn }));
    if (description && !description.Status?.endsWith('_IN_PROGRESS')) return description;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
