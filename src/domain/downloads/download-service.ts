import type { DownloadLinks, LinkTarget } from './download-links.js';

/** A file ready to stream: its media type and its bytes, produced as they are sent. */
export interface DownloadBody {
  readonly contentType: string;
  readonly body: AsyncIterable<string | Buffer>;
}

export type DownloadOpen =
  | ({ status: 'ok' } & DownloadBody)
  | { status: 'forbidden'; message: string }
  | { status: 'gone'; message: string };

/** What serves one kind of link: checks that what it pins still exists, then streams it. */
export interface DownloadSource {
  open(target: LinkTarget): Promise<DownloadOpen>;
}

/**
 * Serves every link under `/_trove/downloads/`: checks the signature and expiry once, here, then
 * hands the pinned target to the source of its kind (AgentCore versions, Rekognition exports).
 */
export class DownloadService {
  constructor(private readonly links: DownloadLinks, private readonly sources: Readonly<Record<string, DownloadSource>>) {}

  async open(token: string): Promise<DownloadOpen> {
    const check = this.links.check(token);
    if (!check.ok) {
      return { status: 'forbidden', message: check.reason === 'expired' ? 'Request has expired' : 'The request signature is invalid' };
    }
    const source = Object.hasOwn(this.sources, check.target.kind) ? this.sources[check.target.kind] : undefined;
    if (!source) return { status: 'forbidden', message: 'The request signature is invalid' };
    return source.open(check.target);
  }
}
