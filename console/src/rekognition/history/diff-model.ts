// What DiffDatasetRevisions says about a Rekognition dataset, as the diff view shows it: entries
// added, removed and changed between two revisions or snapshots, each changed one with the
// labels and boxes it gained and lost (the server's comparison) and the fields of its line that
// changed (the same field diff as AgentCore's version diff). The API pages the changes; a
// DiffReading gathers pages until it holds enough to show. Pure: no DOM, no React.

import { diffValues } from '../../agentcore/version-diff.js';
import type { FieldChange } from '../../agentcore/version-diff.js';
import { readEntry } from '../entry-model.js';
import type { EntryModel } from '../entry-model.js';
import type { BoxWire, ChangeWire, PointWire } from './history-model.js';

export type ChangeKind = 'changed' | 'added' | 'removed';

export interface EntryChangeModel {
  readonly sourceRef: string;
  readonly kind: ChangeKind;
  /** The entry at `from` and at `to` (absent where it did not exist). */
  readonly before: EntryModel | undefined;
  readonly after: EntryModel | undefined;
  readonly labelsAdded: readonly string[];
  readonly labelsRemoved: readonly string[];
  readonly boxesAdded: readonly BoxWire[];
  readonly boxesRemoved: readonly BoxWire[];
  /** The fields of the stored line that changed (changed entries only). */
  readonly fields: readonly FieldChange[];
}

const KINDS: Record<ChangeWire['change'], ChangeKind> = { ADDED: 'added', REMOVED: 'removed', CHANGED: 'changed' };

export function readChange(change: ChangeWire): EntryChangeModel {
  const before = change.before === undefined ? undefined : readEntry(change.before);
  const after = change.after === undefined ? undefined : readEntry(change.after);
  return {
    sourceRef: change.sourceRef,
    kind: KINDS[change.change],
    before, after,
    labelsAdded: change.labelsAdded, labelsRemoved: change.labelsRemoved,
    boxesAdded: change.boxesAdded, boxesRemoved: change.boxesRemoved,
    fields: change.before !== undefined && change.after !== undefined ? diffValues(parse(change.before), parse(change.after)) : [],
  };
}

/** `tulip at 40, 60, 90 × 120` (pixels of the image's image_size). */
export function boxText(box: BoxWire): string {
  return `${box.label ?? 'a class not in the class-map'} at ${box.left}, ${box.top}, ${box.width} × ${box.height}`;
}

/** The changes read so far, by kind, and whether the diff goes on. */
export interface DiffReading {
  readonly from: PointWire | undefined;
  readonly to: PointWire | undefined;
  readonly changed: readonly EntryChangeModel[];
  readonly added: readonly EntryChangeModel[];
  readonly removed: readonly EntryChangeModel[];
  /** The token of the next page; undefined once the whole diff is read. */
  readonly nextToken: string | undefined;
}

export const EMPTY_READING: DiffReading = { from: undefined, to: undefined, changed: [], added: [], removed: [], nextToken: undefined };

/** The reading with one more page of the diff. */
export function addPage(reading: DiffReading, page: { from: PointWire; to: PointWire; changes: readonly ChangeWire[]; nextToken?: string }): DiffReading {
  const next = { changed: [...reading.changed], added: [...reading.added], removed: [...reading.removed] };
  for (const change of page.changes) {
    const model = readChange(change);
    next[model.kind].push(model);
  }
  return { from: page.from, to: page.to, ...next, nextToken: page.nextToken };
}

export function changeCount(reading: DiffReading): number {
  return reading.changed.length + reading.added.length + reading.removed.length;
}

/** Reads the first pages of a diff until it holds `enough` changes or ends; later pages come on request. */
export async function readDiff(
  fetchPage: (nextToken: string | undefined) => Promise<{ from: PointWire; to: PointWire; changes: ChangeWire[]; nextToken?: string }>,
  reading: DiffReading, enough: number, onPage?: (reading: DiffReading) => void,
): Promise<DiffReading> {
  let current = reading;
  const target = changeCount(reading) + enough;
  do {
    current = addPage(current, await fetchPage(current.nextToken));
    onPage?.(current);
  } while (current.nextToken !== undefined && changeCount(current) < target);
  return current;
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
