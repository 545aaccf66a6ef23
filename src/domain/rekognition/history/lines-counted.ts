// Whether a revision's line counts are counts. A change given up (SERVICE_ERROR: its job ran out
// of attempts) or cancelled (CANCELLED, CancelJob) is recorded by the give-up path
// (jobs/definitions/rekognition/batch-outcome.ts failForService), with a fresh change log: it never
// saw the lines an attempt read, so a 5 MB change cancelled while running shows 0 lines. Readers
// (bin/trove datasets report, the console's report view) say "not counted" for those, never
// "failed before reading any line".

/** The failure codes whose revision records no counts (zeros that are not counts). */
export const UNCOUNTED_FAILURE_CODES: ReadonlySet<string> = new Set(['SERVICE_ERROR', 'CANCELLED']);

/** False when the revision's counts were not kept (a given-up or cancelled change). */
export function linesCounted(revision: { readonly failure?: { readonly code: string } }): boolean {
  return !revision.failure || !UNCOUNTED_FAILURE_CODES.has(revision.failure.code);
}
