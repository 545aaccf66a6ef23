import { setFlagsFromString } from 'node:v8';

/**
 * Heap settings for a long-running server process (`trove serve`), set before it starts.
 *
 * No allocation-site pretenuring (the heuristic by which V8 watches how many objects made at one
 * place in the code survive young collections, to allocate that place's later objects in the old
 * generation). With it, in about half the runs of the ingest bench the old generation grew by
 * 25-35 MB per 5 MB change (objects promoted at every young collection of the change and of the
 * trigram catch-up after it, kept until the next full collection): peak RSS over three changes
 * 13-20x the request instead of 7-10x. Without it, that growth was gone in every run measured
 * (2026-12-07, docs/performance.md). V8's own trace (--trace-pretenuring-statistics) showed sites
 * only marked "maybe tenure" in the runs traced, so which part of the heuristic's bookkeeping
 * causes the promotions is not pinned down; the measurement is. A server's objects live for a
 * request or a chunk, which young collections free without the heuristic.
 */
export function tuneHeapForServing(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
