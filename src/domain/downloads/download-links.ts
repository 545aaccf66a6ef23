import type { Clock } from '../../lib/clock.js';
import type { SignedTokenCodec } from '../../lib/signed-token.js';

/**
 * What a download link pins, e.g. a dataset (internal id) and the revision it resolved. `kind`
 * names the source that serves it (download-service.ts); the other members are that source's.
 */
export type LinkTarget = { readonly kind: string } & Readonly<Record<string, string | number>>;

export type LinkCheck = { ok: true; target: LinkTarget } | { ok: false; reason: 'forged' | 'expired' };

interface LinkState { t: LinkTarget; e: number }

const PURPOSE = 'download';

/**
 * Links to files Trove serves itself under `/_trove/downloads/`, fetchable without AWS
 * credentials, as AWS hands out presigned S3 URLs: GetDataset's `downloadUrl` (valid 5 minutes,
 * as AWS's) and the exports of Trove's own API. The token is HMAC-signed and carries its expiry
 * and what it serves, pinned (a revision), so the file is exactly what was described when the
 * link was issued, whatever is written afterwards. The last path segment is only a file name.
 */
export class DownloadLinks {
  constructor(private readonly codec: SignedTokenCodec, private readonly clock: Clock, private readonly ttlMs: number) {}

  /** The link path (to append to the server's origin) and its expiry in epoch ms. */
  issue(target: LinkTarget, fileName: string): { path: string; expiresAt: number } {
    const expiresAt = this.clock.now() + this.ttlMs;
    const token = this.codec.sign({ t: target, e: expiresAt } satisfies LinkState, PURPOSE);
    return { path: `/_trove/downloads/${token}/${encodeURIComponent(fileName)}`, expiresAt };
  }

  check(token: string): LinkCheck {
    const state = this.codec.verify<LinkState>(token, PURPOSE);
    if (!state || typeof state.e !== 'number' || typeof state.t !== 'object' || state.t === null || typeof state.t.kind !== 'string') {
      return { ok: false, reason: 'forged' };
    }
    if (this.clock.now() >= state.e) return { ok: false, reason: 'expired' };
    return { ok: true, target: state.t };
  }
}
