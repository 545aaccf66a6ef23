import type { ObjectAccess } from '../../buckets/object-access.js';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../store/store.js';
import type { Idempotency } from '../idempotency.js';
import type { PageTokens } from '../pagination.js';
import type { DownloadLinks } from '../downloads/download-links.js';

/**
 * Limits Trove enforces for AgentCore datasets. AWS documents the per-request ones (1..1000
 * examples, 5 MB); the per-account and per-dataset quotas are UNCONFIRMED (facts §5.12) and the
 * defaults are the facts' proposals. Exceeding one is ServiceQuotaExceededException (402).
 */
export interface AgentCoreLimits {
  readonly maxDatasetsPerAccount: number;
  readonly maxExamplesPerDataset: number;
  /** AWS: MAX_VERSIONS_PER_DATASET counts published versions only, never the DRAFT. */
  readonly maxVersionsPerDataset: number;
  /** Largest example (its JSON without exampleId), bytes. */
  readonly maxExampleBytes: number;
  /** AWS: ListDatasetExamples responses are capped at 5 MB; a page stops early to stay under. */
  readonly maxListResponseBytes: number;
}

export interface AgentCoreConfig extends AgentCoreLimits {
  /** AWS (CLI source comment, INFERRED): client tokens are remembered for 8 hours. */
  readonly idempotencyWindowMs: number;
  /** AWS: presigned download URLs live 5 minutes. */
  readonly downloadUrlTtlMs: number;
  /**
   * Superseded example rows are garbage-collected this long after a newer revision replaced
   * them, unless a published version sees them. Must exceed the page token lifetime
   * (pageTokenTtlMs) and the download link lifetime, or a live token could lose its rows.
   */
  readonly garbageAfterMs: number;
}

export const DEFAULT_AGENTCORE_CONFIG: AgentCoreConfig = Object.freeze({
  maxDatasetsPerAccount: 1000,
  maxExamplesPerDataset: 10_000,
  maxVersionsPerDataset: 100,
  maxExampleBytes: 1024 * 1024,
  maxListResponseBytes: 5 * 1024 * 1024,
  idempotencyWindowMs: 8 * 60 * 60 * 1000,
  downloadUrlTtlMs: 300_000,
  garbageAfterMs: 25 * 60 * 60 * 1000,
});

/** What the AgentCore domain needs from the outside, passed in once. */
export interface AgentCoreDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly pageTokens: PageTokens;
  readonly idempotency: Idempotency;
  readonly downloads: DownloadLinks;
  readonly limits: AgentCoreLimits;
  /** Decides, for the caller, whether an s3Source file may be read (the job reads it later, checked again). */
  readonly objects: ObjectAccess;
  /** Tells the job runner that a job was committed (it also polls, so this is only a nudge). */
  readonly jobsEnqueued: () => void;
  /**
   * Whether an accepting transaction publishes the inline batch it wrote itself (this node runs
   * jobs), rather than queue a job that publishes it (a paused runner, or a node that runs no
   * jobs: the batch waits for a runner, and readers see UPDATING meanwhile).
   */
  readonly publishesInline: () => boolean;
  /** How long superseded example rows are kept before a write collects them (garbage.ts). */
  readonly garbageAfterMs: number;
}
