import { stat } from 'node:fs/promises';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { DatasetHistoryClient } from '../../client/dataset-history-client.js';
import type { ConversionWire, LeftOutItemWire } from '../../client/dataset-history-client.js';
import { ExchangeClient } from '../../client/exchange-client.js';
import { localFolderLines, localUpload, sendChanges, settle } from '../../client/local-import.js';
import type { SettlePolling } from '../../client/local-import.js';
import type { ChangeOutcome, LocalImportNotes } from '../../client/local-import.js';
import { TroveApiClient } from '../../client/trove-api-client.js';
import { newImportStats } from '../../domain/exchange/import-lines.js';
import type { Command } from '../index.js';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, resolveClientTarget } from '../client-target.js';
import { commandFlags } from '../command-args.js';
import { counted, forTerminal } from '../terminal-text.js';
import { conversionSummary } from './datasets/history.js';

const USAGE = `Usage: trove import --dataset-arn ARN --format coco|yolo --from PATH|s3://bucket/key [--images s3://bucket/prefix/] [--json]

Imports a COCO instances file or a YOLO folder into a Rekognition dataset, converted to Ground
Truth manifest lines and applied as UpdateDatasetEntries applies a change (same validation,
errors and limits); waits until the dataset has settled, then prints what the conversion left
out (for a file the server imports: read from the revision's ingest report).
  --from s3://...  the file (COCO JSON, or a YOLO folder as .tar / .tar.gz) in the object store:
                   the server reads it as you and applies it as one change (one revision)
  --from FILE      a local COCO file or YOLO .tar / .tar.gz: sent to the server, which applies it
                   as from s3:// (one change, one revision, all or nothing)
  --from FOLDER    a local YOLO folder: converted here (images sized from its own image files) and
                   sent as UpdateDatasetEntries changes of at most 5 MB each (several revisions
                   for a large import)
  --images PREFIX  where the images are, by file name (COCO file_name, YOLO images/<path>);
                   without it COCO images need an s3:// coco_url (as Trove's COCO export writes)
${CLIENT_OPTIONS_HELP}
`;

/**
 * How an import's outcome is asked for: a 12 MB COCO file imports in about a second, so the first
 * polls come every 20 ms (a short import is answered at once); the waits then grow to a second, so
 * a long import is not asked about 50 times a second for minutes.
 */
export const IMPORT_POLLING: SettlePolling = { pollMs: 20, maxPollMs: 1000 };

const OPTIONS = {
  ...CLIENT_OPTIONS,
  'dataset-arn': { type: 'string' }, format: { type: 'string' }, from: { type: 'string' }, images: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `trove import`: COCO or YOLO into a Rekognition dataset, from a local path or the object store. */
export const importCommand: Command = {
  name: 'import',
  async run(args, env) {
    const values = commandFlags(args, OPTIONS, USAGE);
    if (!values) return 0;
    const arn = values['dataset-arn'];
    const format = (values.format ?? '').toLowerCase();
    if (!arn) throw new Error('--dataset-arn is required.');
    if (format !== 'coco' && format !== 'yolo') throw new Error('--format must be coco or yolo.');
    if (!values.from) throw new Error('--from PATH or s3://bucket/key is required.');
    if (values.images !== undefined && !/^s3:\/\/[^/]+\/(.*\/)?$/.test(values.images)) {
      throw new Error(`--images must be an s3:// prefix ending in /, like s3://bucket/ or s3://bucket/folder/ (got ${values.images}).`);
    }
    const target = await resolveClientTarget(values, env);
    const rekognition = new RekognitionClient({ endpoint: target.endpoint, region: target.region, credentials: target.credentials });
    try {
      // A local COCO file or YOLO tar goes to the server as it is, and is imported there exactly as
      // from s3://. A local YOLO folder is converted here: its images are sized from its own image
      // files, which the server cannot read.
      const fromS3 = values.from.startsWith('s3://');
      const folder = !fromS3 && (await stat(values.from)).isDirectory();
      if (folder && format === 'coco') throw new Error(`${values.from} is a folder: a COCO import is one JSON file.`);
      if (!folder) {
        const api = new TroveApiClient(target);
        const exchange = new ExchangeClient(api);
        const wire = format.toUpperCase() as 'COCO' | 'YOLO';
        const accepted = fromS3
          ? await exchange.startImport(arn, wire, values.from, values.images)
          : await exchange.uploadImport(arn, wire, await localUpload(values.from), values.images);
        const done = await settle(rekognition, arn, IMPORT_POLLING);
        const left = await leftOutOf(new DatasetHistoryClient(api), arn, accepted.revision ?? `${wire} ${accepted.source}`);
        const summary = { ...accepted, status: done.Status, statusMessage: done.StatusMessage, stats: done.DatasetStats, ...left };
        process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n`
          : forTerminal(`imported ${values.from} (${format}) into ${arn}: ${done.Status}${done.Status === 'UPDATE_COMPLETE' ? '' : ` ${done.StatusMessage}`}; `
            + `the dataset has ${counted(done.DatasetStats?.TotalEntries ?? 0, 'entry', 'entries')} (${done.DatasetStats?.ErrorEntries ?? 0} with errors)\n${leftOutText(left, arn)}`));
        return done.Status === 'UPDATE_COMPLETE' ? 0 : 1;
      }
      const stats = newImportStats();
      const notes: LocalImportNotes = { unsizable: 0 };
      const changes = await sendChanges(rekognition, arn, await localFolderLines(values.from, values.images, stats, notes), (outcome) => {
        if (!values.json) process.stderr.write(`change of ${counted(outcome.lines, 'line')} (${counted(outcome.bytes, 'byte')}): ${outcome.status}\n`);
      });
      const failed = changes.find((change) => change.status !== 'UPDATE_COMPLETE');
      if (changes.length === 0) throw new Error(`${values.from} holds no images to import.`);
      const summary = { datasetArn: arn, format, from: values.from, converted: stats, changes };
      process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : forTerminal(human(summary.converted, changes, failed, notes, values.from)));
      return failed ? 1 : 0;
    } finally {
      rekognition.destroy();
    }
  },
};

/** Revisions looked through for the import's on a server that does not answer it (newest first): it is the newest, unless changes came after it. */
const REVISIONS_LOOKED_AT = 10;
/** Left-out items the summary lists; the rest are in `trove datasets report`. */
const LEFT_OUT_SHOWN = 10;

interface LeftOutSummary {
  revision?: number;
  conversion?: ConversionWire;
  /** The report's first left-out items (at most a page). */
  leftOut?: LeftOutItemWire[];
  /** Why what was left out could not be read (e.g. no trove:GetDatasetIngestReport). */
  leftOutUnread?: string;
}

/**
 * What the server's conversion left out: read from the ingest report of the revision the import
 * made, which the server answered when it accepted the import (`made`). A server older than that
 * answer is given the import's source instead (`COCO s3://...`, `YOLO upload name`), and the
 * newest revision from it is taken: another import of a file of the same name, committed after
 * this one, would be taken for it. The report lists left-out items before its lines, so its
 * first page holds the first of them, and its `revision` says what the conversion counted.
 */
export async function leftOutOf(history: DatasetHistoryClient, arn: string, made: number | string): Promise<LeftOutSummary> {
  try {
    const revision = typeof made === 'number' ? made : await newestFrom(history, arn, made);
    if (revision === undefined) return { leftOutUnread: `no revision of the last ${REVISIONS_LOOKED_AT} came from ${made}` };
    const { revision: read, items } = await history.report(arn, revision, { maxResults: 100 });
    if (!read.conversion) return { revision };
    return { revision, conversion: read.conversion, leftOut: items.filter((item): item is LeftOutItemWire => item.problem === 'LEFT_OUT') };
  } catch (error) {
    return { leftOutUnread: error instanceof Error ? error.message : String(error) };
  }
}

/** The newest of the dataset's last revisions whose source is `source`: the import's, unless another of the same name came after it. */
async function newestFrom(history: DatasetHistoryClient, arn: string, source: string): Promise<number | undefined> {
  const { revisions } = await history.listRevisions(arn, { maxResults: REVISIONS_LOOKED_AT });
  return revisions.find((revision) => revision.operation === 'UpdateDatasetEntries' && revision.source === source)?.revision;
}

function leftOutText(left: LeftOutSummary, arn: string): string {
  if (left.leftOutUnread) return `(what the conversion left out could not be read: ${left.leftOutUnread})\n`;
  // Nothing left out: the first line said it all (the dataset's entries).
  if (!left.conversion || Object.keys(left.conversion.leftOut).length === 0) return '';
  const items = left.leftOut ?? [];
  const listed = Object.entries(left.conversion.leftOut).reduce((sum, [reason, count]) => sum + (reason === 'BOXES_OF_LEFT_OUT_IMAGE' ? 0 : count), 0);
  const lines = [
    `revision ${left.revision}: ${conversionSummary(left.conversion)}`,
    ...items.slice(0, LEFT_OUT_SHOWN).map((item) => `  left out: ${item.reason}: ${item.message}`),
    ...(listed > Math.min(items.length, LEFT_OUT_SHOWN)
      ? [`  (${listed - Math.min(items.length, LEFT_OUT_SHOWN)} more: trove datasets report --dataset-arn ${arn} --revision ${left.revision})`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function appliedBefore(count: number): string {
  return count === 0 ? 'nothing was applied' : count === 1 ? 'the change before it was applied' : `the ${count} changes before it were applied`;
}

function human(stats: ReturnType<typeof newImportStats>, changes: ChangeOutcome[], failed: ChangeOutcome | undefined, notes: LocalImportNotes, from: string): string {
  const lines = [
    `converted ${counted(stats.images, 'image')} with ${counted(stats.boxes, 'box', 'boxes')}; left out ${counted(stats.skippedImages, 'image')} and ${counted(stats.skippedBoxes, 'box', 'boxes')}`,
    ...stats.problems.map((problem) => `  left out: ${problem}`),
    failed
      ? `change ${changes.indexOf(failed) + 1} of the import failed: ${failed.message}; ${appliedBefore(changes.indexOf(failed))}`
      : `applied as ${changes.length} UpdateDatasetEntries change${changes.length === 1 ? '' : 's'}`,
    ...(notes.unsizable === 0 ? [] : [
      `${notes.unsizable === 1 ? 'one of the images with boxes has' : `${notes.unsizable} of the images with boxes have`} no image file in ${from} (images.txt names them by s3:// URI, as \`trove export --format yolo\` writes),`
      + ` so ${notes.unsizable === 1 ? 'its' : 'their'} size, which YOLO boxes need, could not be read here. Pack the folder as a tar and import the tar:`
      + ' the server reads each image\'s size (e.g. `tar -cf yolo.tar -C <folder> .`, then --from yolo.tar).',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
