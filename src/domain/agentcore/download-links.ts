import type { Clock } from '../../lib/clock.js';
import type { SignedTokenCodec } from '../../lib/signed-token.js';

/** What a download link pins: a dataset (internal id), the version label it resolved, and its revision. */
export interface DownloadTarget {
  readonly dataset: number;
  readonly version: string;
  readonly revision: number;
}

export type DownloadCheck = { ok: true; target: DownloadTarget } | { ok: false; reason: 'forged' | 'expired' };

interface LinkState { i: number; v: string; r: number; e: number }

const PURPOSE = 'agentcore-download';

/**
 * GetDataset's `downloadUrl`: AWS hands out a presigned S3 URL valid 5 minutes; Trove hands out
 * an HMAC-signed link to itself under `/_trove/downloads/`, fetchable without AWS credentials
 * (the AgentCore SDK downloads it with a plain HTTP GET). The link pins the revision, so it
 * serves exactly the version GetDataset described, whatever is written afterwards.
 */
export class DownloadLinks {
  constructor(private readonly codec: SignedTokenCodec, private readonly clock: Clock, private readonly ttlMs: number) {}

  /** The link path (to append to the server's origin) and its expiry in epoch ms. */
  issue(target: DownloadTarget): { path: string; expiresAt: number } {
    const expiresAt = this.clock.now() + this.ttlMs;
    const token = this.codec.sign({ i: target.dataset, v: target.version, r: target.revision, e: expiresAt } satisfies LinkState, PURPOSE);
    return { path: `/_trove/downloads/${token}/dataset.jsonl`, expiresAt };
  }

  check(token: string): DownloadCheck {
    const state = this.codec.verify<LinkState>(token, PURPOSE);
    if (!state || typeof state.i !== 'number' || typeof state.v !== 'string' || typeof state.r !== 'number' || typeof state.e !== 'number') {
      return { ok: false, reason: 'forged' };
    }
    if (this.clock.now() >= state.e) return { ok: false, reason: 'expired' };
    return { ok: true, target: { dataset: state.i, version: state.v, revision: state.r } };
  }
}
