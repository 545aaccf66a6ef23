/**
 * How long a streamed upload (UploadDatasetImport) may take to arrive. Node's `requestTimeout`
 * bounds a whole request, so a 256 MiB file would need ~4.3 MB/s to arrive within the default
 * minute; an upload is bounded by its progress instead (docs/security.md, "Slow upload bodies"):
 *
 * - it never pauses longer than `requestTimeoutMs` (no request may stay silent longer);
 * - every byte it sent buys `1 / minBytesPerSecond` seconds on top of `requestTimeoutMs`: a
 *   sender averaging at least that rate is never cut, one trickling slower is cut once it falls
 *   behind, and the whole body takes at most `requestTimeoutMs` + its size / that rate.
 *
 * Only the time Trove spends waiting for the client counts: a store that is slow to take a piece
 * (backpressure) costs the sender nothing.
 */
export interface UploadPace {
  /** `--request-timeout-ms`: the grace at the start, and the longest pause. */
  readonly requestTimeoutMs: number;
  /** `--import-upload-min-bytes-per-second`: the slowest average a sender may keep. */
  readonly minBytesPerSecond: number;
}

/** How long the next wait for the client may last, having waited `waitedMs` in all for `receivedBytes`; 0: it is too slow already. */
export function nextWaitMs(pace: UploadPace, receivedBytes: number, waitedMs: number): number {
  const allowance = pace.requestTimeoutMs + (receivedBytes * 1000) / pace.minBytesPerSecond - waitedMs;
  return Math.max(0, Math.min(pace.requestTimeoutMs, allowance));
}

/**
 * How often (at most) an arriving upload records its progress time in the store, each time bytes
 * arrive after that long; a staging write records it too. So while its request lives, the time is
 * never older than `requestTimeoutMs` (the longest pause) plus this, plus the store's own time.
 */
export function progressMarkMs(pace: UploadPace): number {
  return pace.requestTimeoutMs / 4;
}

/**
 * An upload no job has taken whose progress time is older than this was abandoned: its node died
 * (or its request ended and the removal failed). It stops counting against the staging caps at
 * once and the maintenance sweep removes it, on any node. The margin beyond the longest gap
 * between marks (1.25x the request timeout) covers a slow store and the clocks of other nodes
 * (which must agree within it, as for job leases): 3 minutes with the default timeout. The sweep
 * waits longer before removing it (orphanUploadRemovalMs).
 */
export function abandonedUploadMs(pace: UploadPace): number {
  return 3 * pace.requestTimeoutMs;
}

/** The least time an abandoned upload is kept before the sweep removes it, however short the request timeout. */
const REMOVAL_FLOOR_MS = 10 * 60 * 1000;

/**
 * How old an abandoned upload's progress time must be before the maintenance sweep removes it:
 * the abandoned bound, but never less than 10 minutes. Counting it no more is cheap to get wrong
 * (an upload that was live after all counts again at its next write); removing it is not (the
 * late write fails, and the client must send the file again), so a short request timeout with
 * nodes' clocks or a store lagging by more than its margin costs room for a while, not a file.
 */
export function orphanUploadRemovalMs(pace: UploadPace): number {
  return Math.max(abandonedUploadMs(pace), REMOVAL_FLOOR_MS);
}
