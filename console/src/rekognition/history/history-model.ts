// A Rekognition dataset's history as the console shows it: each revision (ListDatasetRevisions)
// as a row of the timeline, saying in words what made it, who, when, and what it did to the
// entries. Pure: no DOM, no React.

import type { PointWire, RevisionCountsWire, RevisionWire, SnapshotWire } from '../../../../src/api/trove/history-outputs.js';
import { count as number, plural } from '../../lib/format.js';
import { REVISION_NUMBER } from '../../../../src/domain/rekognition/history/snapshot-names.js';
import { linesCounted } from '../../../../src/domain/rekognition/history/lines-counted.js';

export type { BoxWire, ChangeWire, PointWire, ReportItemWire, RevisionWire, SnapshotWire } from '../../../../src/api/trove/history-outputs.js';

export interface CountFigure {
  readonly key: keyof RevisionCountsWire;
  /** `3 added` */
  readonly text: string;
  readonly value: number;
  /** How to colour it: problems in the error colour, nothing to say muted. */
  readonly tone: 'plain' | 'bad' | 'muted';
  /** Said on hover, when the text needs a reason. */
  readonly title?: string;
}

/** What a given-up or cancelled change shows instead of its zeros, which are not counts (lines-counted.ts). */
export const NOT_COUNTED: CountFigure = {
  key: 'linesReceived', text: 'lines not counted', value: 0, tone: 'muted',
  title: 'The change was given up or cancelled: its lines were not counted, and none of its entries were written.',
};

export interface TimelineRow {
  readonly revision: number;
  readonly operation: string;
  /** What made it, in words: `Entries updated`, `Snapshot restored`. */
  readonly title: string;
  /** Where its content came from, in words, when known. */
  readonly source: string | undefined;
  readonly failed: boolean;
  readonly failure: RevisionWire['failure'];
  readonly committedAt: number;
  readonly accessKeyId: string | undefined;
  /** Lines and entries, in the order a change is read: received, then what happened to them. */
  readonly figures: readonly CountFigure[];
  readonly entryCount: number;
  /** It read lines (a manifest, an update): its ingest report says what became of them. */
  readonly readLines: boolean;
  /** False for a given-up or cancelled change: its counts were not kept, so no figure is shown as one. */
  readonly linesCounted: boolean;
  /** Its ingest report lists something (dropped lines, entries with errors). */
  readonly hasReport: boolean;
  /** What its report holds, in words. */
  readonly report: string;
  readonly snapshots: readonly string[];
  /** Its entries can still be read (diffed, snapshotted, restored through a snapshot). */
  readonly readable: boolean;
}

const TITLES: Record<string, string> = {
  CreateDataset: 'Dataset created',
  UpdateDatasetEntries: 'Entries updated',
  DistributeDatasetEntries: 'Entries distributed',
  RestoreDatasetSnapshot: 'Snapshot restored',
  HistoryStarted: 'History started',
};

/** The timeline row of one revision. */
export function timelineRow(revision: RevisionWire): TimelineRow {
  return {
    revision: revision.revision,
    operation: revision.operation,
    title: TITLES[revision.operation] ?? revision.operation,
    source: sourceWords(revision),
    failed: revision.status === 'FAILED',
    failure: revision.failure,
    committedAt: revision.committedAt,
    accessKeyId: revision.accessKeyId,
    figures: figures(revision),
    entryCount: revision.entryCount,
    readLines: readsLines(revision),
    linesCounted: linesCounted(revision),
    hasReport: revision.report.items + revision.report.omitted > 0,
    report: reportSummary(revision.counts, revision.report.omitted),
    snapshots: revision.snapshots ?? [],
    readable: revision.entriesReadable ?? true,
  };
}

function sourceWords(revision: RevisionWire): string | undefined {
  const source = revision.source;
  switch (revision.operation) {
    case 'CreateDataset':
      if (!source) return 'empty';
      return source.startsWith('arn:') ? `a copy of ${source}` : `from the manifest ${source}`;
    case 'DistributeDatasetEntries':
      return source ? `with ${source}` : undefined;
    case 'RestoreDatasetSnapshot':
      return source;
    case 'HistoryStarted':
      return 'Trove started keeping history here; earlier changes are not recorded';
    default:
      return source ? `from ${source}` : undefined;
  }
}

/**
 * The counts worth reading for this revision. A change that reads lines (create from a
 * manifest, update) shows every figure, zeros muted, so rows line up; other revisions only what
 * they did.
 */
function readsLines(revision: RevisionWire): boolean {
  return revision.counts.linesReceived > 0 || revision.operation === 'UpdateDatasetEntries';
}

function figures(revision: RevisionWire): CountFigure[] {
  // Its zeros would read "0 lines received, 0 dropped" of a change that may have read them all.
  if (!linesCounted(revision)) return [NOT_COUNTED];
  const c = revision.counts;
  const lines = readsLines(revision);
  const all: [keyof RevisionCountsWire, string, 'plain' | 'bad'][] = [
    ['linesReceived', plural(c.linesReceived, 'line received', 'lines received'), 'plain'],
    ['entriesAdded', `${number(c.entriesAdded)} added`, 'plain'],
    ['entriesReplaced', `${number(c.entriesReplaced)} replaced`, 'plain'],
    ['entriesUnchanged', `${number(c.entriesUnchanged)} unchanged`, 'plain'],
    ['entriesRemoved', `${number(c.entriesRemoved)} removed`, 'plain'],
    ['entriesWithErrors', `${number(c.entriesWithErrors)} with errors`, 'bad'],
    ['linesDropped', `${number(c.linesDropped)} dropped`, 'bad'],
  ];
  return all
    // Removals happen only in distributions and restores: a column of "0 removed" says nothing.
    .filter(([key]) => (lines ? key !== 'entriesRemoved' || c.entriesRemoved > 0 : key !== 'linesReceived' && c[key] > 0))
    .map(([key, text, tone]) => ({ key, text, value: c[key], tone: c[key] === 0 ? 'muted' : tone }));
}

/** What a report holds, in words: `2 lines dropped, 1 entry with errors`. */
export function reportSummary(counts: RevisionCountsWire, omitted: number): string {
  const parts: string[] = [];
  if (counts.linesDropped > 0) parts.push(plural(counts.linesDropped, 'line dropped', 'lines dropped'));
  if (counts.entriesWithErrors > 0) parts.push(plural(counts.entriesWithErrors, 'entry with errors', 'entries with errors'));
  if (parts.length === 0) return 'nothing dropped, no errors';
  return parts.join(', ') + (omitted > 0 ? ` (${number(omitted)} past the report's limit not listed)` : '');
}

/** A revision or a snapshot, as a diff or a restore names it to a person. */
export function pointName(point: PointWire | undefined, now?: number): string {
  if (point === undefined) return 'now';
  const revision = `revision ${point.revision}`;
  if (point.snapshot) return `snapshot ${point.snapshot} (${revision})`;
  return point.revision === now ? `now (${revision})` : revision;
}

/** `3` → a revision; anything else a snapshot's name (as the API reads `at`, `from`, `to`). */
export function parsePoint(text: string): { revision: number } | { snapshot: string } {
  return REVISION_NUMBER.test(text) ? { revision: Number(text) } : { snapshot: text };
}

/** Two picked points in the order a diff reads them: the older first. Revision numbers; snapshot names by their revision. */
export function compareOrder(a: string, b: string, snapshots: readonly SnapshotWire[]): [string, string] {
  const at = (point: string) => {
    const parsed = parsePoint(point);
    return 'revision' in parsed ? parsed.revision : (snapshots.find((s) => s.name === parsed.snapshot)?.revision ?? Number.MAX_SAFE_INTEGER);
  };
  return at(a) <= at(b) ? [a, b] : [b, a];
}

/**
 * What restoring a snapshot will do, for the confirmation: a new revision whose entries are the
 * snapshot's; the current revision stays in history (its entries readable for the collection
 * horizon, a day, unless a snapshot keeps them).
 */
export function restoreConsequences(snapshot: SnapshotWire, current: { revision: number; entryCount: number } | undefined): string[] {
  const next = current ? `revision ${current.revision + 1}` : 'a new revision';
  const size = snapshot.entryCount === undefined ? '' : ` (${plural(snapshot.entryCount, 'entry', 'entries')})`;
  const now = current ? `Revision ${current.revision} (${plural(current.entryCount, 'entry', 'entries')})` : 'The current revision';
  return [
    `Trove writes ${next}, whose entries are exactly those of snapshot ${snapshot.name} at revision ${snapshot.revision}${size}: `
      + 'entries the snapshot had are written back as they were, entries it lacked are removed.',
    `${now} stays in the history; its entries stay readable for a day, or for good if you snapshot it first. The snapshot stays too.`,
    'The dataset is UPDATE_IN_PROGRESS until the restore is done, as during UpdateDatasetEntries: no other change is accepted meanwhile.',
  ];
}
