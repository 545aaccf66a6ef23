// The ingest report of one revision as rows a person reads: each dropped line with its line
// number, source-ref and reason in plain words, each entry written with errors with its codes
// explained. The words are Trove's own tables (src/domain/rekognition/manifest/error-codes.ts),
// the same the entry view uses. Pure: no DOM, no React.

import { DROP_REASONS } from '../../../../src/domain/rekognition/manifest/error-codes.js';
import type { DropReasonSpec } from '../../../../src/domain/rekognition/manifest/error-codes.js';
import { plural } from '../../lib/format.js';
import { explain } from '../entry-model.js';
import type { ReportItemWire, RevisionWire } from './history-model.js';

export interface ExplainedCode {
  readonly code: string;
  /** One plain sentence; undefined for a code Trove's table does not know. */
  readonly words: string | undefined;
}

export type ReportRow =
  | {
    readonly kind: 'dropped';
    readonly lineNumber: number;
    readonly sourceRef: string | undefined;
    readonly reason: ExplainedCode;
    /** The message Trove logged for the line (AWS's wording where AWS has one). */
    readonly message: string;
  }
  | {
    readonly kind: 'errors';
    readonly lineNumber: number;
    readonly sourceRef: string;
    readonly errors: readonly ExplainedCode[];
    /** The entry can be opened in the dataset: the change was applied (a failed one wrote nothing). */
    readonly linkable: boolean;
  };

export function explainDrop(reason: string): string | undefined {
  const specs: Record<string, DropReasonSpec> = DROP_REASONS;
  return Object.hasOwn(specs, reason) ? specs[reason].explanation : undefined;
}

export function reportRow(item: ReportItemWire, revision: Pick<RevisionWire, 'status'>): ReportRow {
  if (item.problem === 'DROPPED') {
    return { kind: 'dropped', lineNumber: item.lineNumber, sourceRef: item.sourceRef, reason: { code: item.reason, words: explainDrop(item.reason) }, message: item.message };
  }
  return {
    kind: 'errors', lineNumber: item.lineNumber, sourceRef: item.sourceRef,
    errors: item.errorCodes.map((code) => ({ code, words: explain(code) })),
    linkable: revision.status === 'COMPLETE',
  };
}

/** Why a revision's report is what it is, for the head of the report view. */
export function reportIntro(revision: Pick<RevisionWire, 'status' | 'failure' | 'counts' | 'report'>): string {
  const { linesReceived, linesDropped, entriesWithErrors } = revision.counts;
  if (revision.report.items === 0 && revision.report.omitted === 0) {
    return linesReceived > 0 ? 'Every line of this change became an entry without errors.' : 'This revision read no lines, so it has no ingest report.';
  }
  const failed = revision.status === 'FAILED'
    ? ' The change failed, so none of its entries were written: the report says what it held.'
    : '';
  const kept = `Of ${plural(linesReceived, 'line', 'lines')} received, ${plural(linesDropped, 'line was', 'lines were')} dropped and ${plural(entriesWithErrors, 'entry was', 'entries were')} written with errors.`;
  const omitted = revision.report.omitted > 0 ? ` The report keeps 8 MiB of items; ${plural(revision.report.omitted, 'more item is', 'more items are')} counted but not listed.` : '';
  return kept + failed + omitted;
}
