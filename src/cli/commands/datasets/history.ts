import type { ConversionWire, ReportItemWire, RevisionWire } from '../../../client/dataset-history-client.js';
import { columns, required, revisionNumber, time } from './subcommand.js';
import type { DatasetsSubcommand } from './subcommand.js';
import { linesCounted } from '../../../domain/rekognition/history/lines-counted.js';
import { counted } from '../../terminal-text.js';

/** `trove datasets history`: every revision, newest first, with who made it and what it did. */
export const historyCommand: DatasetsSubcommand = {
  name: 'history',
  usage: 'history --dataset-arn ARN',
  summary: 'revisions, newest first, with who made each and what it did',
  async run({ values, history, out }) {
    const arn = values['dataset-arn']!;
    const revisions = await history.all((nextToken) => history.listRevisions(arn, { maxResults: 1000, nextToken }), (page) => page.revisions);
    if (values.json) {
      out(`${JSON.stringify({ revisions }, null, 2)}\n`);
      return 0;
    }
    out(columns([
      ['REV', 'COMMITTED', 'OPERATION', 'STATUS', 'ACCESS KEY', 'LINES', 'DROPPED', 'ADDED', 'REPLACED', 'UNCHANGED', 'REMOVED', 'ERRORS', 'ENTRIES', 'SNAPSHOTS'],
      ...revisions.map((r) => {
        // A given-up or cancelled change kept no line counts: its zeros are not counts (lines-counted.ts).
        const counted = linesCounted(r);
        return [
          String(r.revision), time(r.committedAt), r.operation, status(r), r.accessKeyId ?? '-', counted ? String(r.counts.linesReceived) : 'not counted',
          counted ? String(r.counts.linesDropped) : '-', String(r.counts.entriesAdded), String(r.counts.entriesReplaced), String(r.counts.entriesUnchanged),
          String(r.counts.entriesRemoved), counted ? String(r.counts.entriesWithErrors) : '-', String(r.entryCount), r.snapshots?.join(',') || '-',
        ];
      }),
    ]));
    return 0;
  },
};

/** `trove datasets report`: a revision's dropped lines and entries with errors (and an import's left-out items). */
export const reportCommand: DatasetsSubcommand = {
  name: 'report',
  usage: 'report --dataset-arn ARN --revision N',
  summary: 'the lines a revision dropped, the entries it wrote with errors, what an import left out',
  async run({ values, history, out }) {
    const arn = values['dataset-arn']!;
    const revision = revisionNumber(required(values, 'revision'), 'revision');
    let record: RevisionWire | undefined;
    const items = await history.all(async (nextToken) => {
      const page = await history.report(arn, revision, { maxResults: 1000, nextToken });
      record = page.revision;
      return page;
    }, (page) => page.items);
    if (values.json) {
      out(`${JSON.stringify({ revision: record, items }, null, 2)}\n`);
      return 0;
    }
    const r = record!;
    const dropped = items.filter((item) => item.problem === 'DROPPED').length;
    const counts = linesCounted(r);
    out(`revision ${r.revision} (${r.operation}, ${status(r)}): ${counts
      ? `${counted(r.counts.linesReceived, 'line')}, ${r.counts.linesDropped} dropped, ${counted(r.counts.entriesWithErrors, 'entry', 'entries')} with errors`
      : 'lines not counted (the change was given up or cancelled)'}\n`);
    // A change can fail before it reads a line (its file unreadable, past a limit): say so, not only
    // "0 lines". Not of a given-up or cancelled one: its zeros are not counts (lines-counted.ts).
    if (r.failure) out(`failed${counts && r.counts.linesReceived === 0 ? ' before reading any line' : ''}: ${r.failure.code}: ${r.failure.message}\n`);
    if (r.conversion) out(`${conversionSummary(r.conversion)}\n`);
    if (items.length > 0) out(columns(items.map(reportRow)));
    if (r.report.omitted > 0) out(`(${r.report.omitted} more items were not recorded: the report reached its size limit)\n`);
    const leftOut = items.filter((item) => item.problem === 'LEFT_OUT').length;
    if (items.length === 0) out(r.conversion ? 'nothing left out, nothing dropped, no entry with errors\n' : 'nothing dropped, no entry with errors\n');
    else out(`${leftOut > 0 ? `${leftOut} left out, ` : ''}${dropped} dropped, ${items.length - dropped - leftOut} with errors\n`);
    return 0;
  },
};

function reportRow(item: ReportItemWire): string[] {
  if (item.problem === 'LEFT_OUT') return ['-', 'left out', item.reason, item.sourceRef ?? '-', item.message];
  return item.problem === 'DROPPED'
    ? [`line ${item.lineNumber}`, 'dropped', item.reason, item.sourceRef ?? '-', item.message]
    : [`line ${item.lineNumber}`, 'errors', item.errorCodes.join(','), item.sourceRef, ''];
}

/** An import's conversion in one line: what it made, what it left out, and the counts by reason. */
export function conversionSummary(conversion: ConversionWire): string {
  const reasons = Object.entries(conversion.leftOut).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return `converted ${counted(conversion.images, 'image')} with ${counted(conversion.boxes, 'box', 'boxes')}; `
    + `left out ${counted(conversion.imagesLeftOut, 'image')} and ${counted(conversion.boxesLeftOut, 'box', 'boxes')}${reasons ? ` (by reason: ${reasons})` : ''}`;
}

function status(revision: RevisionWire): string {
  return revision.failure ? `${revision.status} ${revision.failure.code}` : revision.status;
}
