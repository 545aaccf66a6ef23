// The ingest report of one revision as rows a person reads: each dropped line with its line
// number, source-ref and reason in plain words, each entry written with errors with its codes
// explained. The words are Trove's own tables (src/domain/rekognition/manifest/error-codes.ts),
// the same the entry view uses. An import's report starts with what its conversion left out,
// each item with its reason (src/domain/rekognition/history/left-out.ts LEFT_OUT_REASONS). Pure: no DOM, no React.

import { LEFT_OUT_REASONS } from '../../../../src/domain/rekognition/history/left-out.js';
import { linesCounted } from '../../../../src/domain/rekognition/history/lines-counted.js';
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
    readonly kind: 'left-out';
    /** The image's s3:// location, where the conversion knew one. */
    readonly sourceRef: string | undefined;
    readonly reason: ExplainedCode;
    /** What was left out, in the source's own terms (annotation id, label file, line). */
    readonly message: string;
  }
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

export function explainLeftOut(reason: string): string | undefined {
  const specs: Record<string, { meaning: string }> = LEFT_OUT_REASONS;
  if (!Object.hasOwn(specs, reason)) return undefined;
  const { meaning } = specs[reason];
  return `${meaning[0].toUpperCase()}${meaning.slice(1)}.`;
}

export function reportRow(item: ReportItemWire, revision: Pick<RevisionWire, 'status'>): ReportRow {
  if (item.problem === 'LEFT_OUT') {
    return { kind: 'left-out', sourceRef: item.sourceRef, reason: { code: item.reason, words: explainLeftOut(item.reason) }, message: item.message };
  }
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
export function reportIntro(revision: Pick<RevisionWire, 'status' | 'failure' | 'counts' | 'report' | 'conversion'>): string {
  const { linesReceived, linesDropped, entriesWithErrors } = revision.counts;
  const converted = revision.conversion ? `${conversionIntro(revision.conversion)} ` : '';
  if (revision.report.items === 0 && revision.report.omitted === 0) {
    // A failed change wrote nothing, whatever its lines were: its failure (shown above) says why.
    if (revision.status === 'FAILED') {
      // A given-up or cancelled change's zeros are not counts: it may have read every line (lines-counted.ts).
      if (!linesCounted(revision)) return `${converted}The change was given up or cancelled: its lines were not counted, and none of its entries were written.`;
      return converted + (linesReceived > 0
        ? `The change failed after reading ${plural(linesReceived, 'line', 'lines')}, none dropped or with errors, so none of its entries were written.`
        : 'The change failed before reading any line, so it applied nothing and has no ingest report.');
    }
    return converted + (linesReceived > 0 ? 'Every line of this change became an entry without errors.' : 'This revision read no lines, so it has no ingest report.');
  }
  const failed = revision.status === 'FAILED'
    ? ' The change failed, so none of its entries were written: the report says what it held.'
    : '';
  const kept = `Of ${plural(linesReceived, 'line', 'lines')} received, ${plural(linesDropped, 'line was', 'lines were')} dropped and ${plural(entriesWithErrors, 'entry was', 'entries were')} written with errors.`;
  const omitted = revision.report.omitted > 0 ? ` The report keeps 8 MiB of items; ${plural(revision.report.omitted, 'more item is', 'more items are')} counted but not listed.` : '';
  return converted + kept + failed + omitted;
}

/** An import's conversion in words: what it made and left out (its counts by reason: leftOutCounts). */
export function conversionIntro(conversion: NonNullable<RevisionWire['conversion']>): string {
  const made = `The import's conversion made ${plural(conversion.images, 'image', 'images')} with ${plural(conversion.boxes, 'box', 'boxes')}`;
  if (Object.keys(conversion.leftOut).length === 0) return `${made} and left nothing out.`;
  return `${made} and left out ${plural(conversion.imagesLeftOut, 'image', 'images')} and ${plural(conversion.boxesLeftOut, 'box', 'boxes')}, listed first below.`;
}

/** What an import left out, counted by reason, each reason in words. */
export function leftOutCounts(conversion: NonNullable<RevisionWire['conversion']>): { reason: ExplainedCode; count: number }[] {
  return Object.entries(conversion.leftOut).map(([code, count]) => ({ reason: { code, words: explainLeftOut(code) }, count }));
}
