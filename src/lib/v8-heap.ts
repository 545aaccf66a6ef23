import { setFlagsFromString } from 'node:v8';

/**
 * Heap settings for a long-running server process (`trove serve`), set before it starts.
 *
 * No allocation-site pretenuring. V8 watches how many of the objects made at one place in the
 * code survive a young collection; past a threshold it allocates every later object of that
 * place directly in the old generation, which only a full collection empties. Whether that
 * happens depends on where the young collections fall: a collection during a change's chunk
 * finds most of the chunk's objects alive (they are mid-use), and from then on the validation
 * and write of every line of every change went straight to the old generation (0.5-1 MB per
 * young collection, 25-35 MB per 5 MB change, held until the next full collection). That was
 * the second mode of the ingest bench's peak RSS (13-20x the request instead of 8-10x, in about
 * half the runs, 2026-12-07; docs/performance.md). A server's objects are per request or per
 * chunk, so young collections free them without this heuristic.
 */
export function tuneHeapForServing(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
