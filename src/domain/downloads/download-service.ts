import type { DownloadLinks, LinkTarget } from './download-links.js';

/** A file ready to stream: its media type and its bytes, produced as they are sent. */
export interface DownloadBody {
  readonly contentType: string;
  readonly body: AsyncIterable<string | Buffer>;
}

export type DownloadOpen =
  | ({ status: 'ok' } & DownloadBody)
  | { status: 'forbidden'; message: string }
  | { status: 'gone'; message: string }
  | { status: 'refused'; message: string };

/**
 * What serves one kind of link: checks that what it pins still exists, then streams it. Its body
 * throws DownloadGone when what the link pins goes while the file is read, and reads the store
 * before its first piece (a piece made of nothing read could not tell that it went). Once
 * `signal` is aborted (the client went before the status was sent) its body reads no further
 * page: the first piece of a CSV or YOLO file can take a pass over the whole revision, work
 * nobody would receive. It throws the signal's reason at the next page boundary instead.
 */
export interface DownloadSource {
  open(target: LinkTarget, signal?: AbortSignal): Promise<DownloadOpen>;
}

/** What a link pins (a dataset, a revision) went away while its file was being read. */
export class DownloadGone extends Error {}

/** What a link pins cannot be made into its file (e.g. examples too irregular for CSV). */
export class DownloadRefused extends Error {}

/**
 * Serves every link under `/_trove/downloads/`: checks the signature and expiry once, here, then
 * hands the pinned target to the source of its kind (AgentCore versions, Rekognition exports).
 */
export class DownloadService {
  constructor(private readonly links: DownloadLinks, private readonly sources: Readonly<Record<string, DownloadSource>>) {}

  /** `signal`: aborted when the client goes; the first piece's reads stop at the next page. */
  async open(token: string, signal?: AbortSignal): Promise<DownloadOpen> {
    const check = this.links.check(token);
    if (!check.ok) {
      return { status: 'forbidden', message: check.reason === 'expired' ? 'Request has expired' : 'The request signature is invalid' };
    }
    const source = Object.hasOwn(this.sources, check.target.kind) ? this.sources[check.target.kind] : undefined;
    if (!source) return { status: 'forbidden', message: 'The request signature is invalid' };
    const opened = await source.open(check.target, signal);
    return opened.status === 'ok' ? firstPieceRead(opened) : opened;
  }
}

/**
 * Produces the body's first piece before anyone commits to a status: what a link pins can go
 * between the source's checks and its first read (DeleteDataset answers before its delete
 * runs), and then nothing has been sent, so the link answers `gone` as if it had already gone.
 * A failure after the first piece still ends the body with an error (a broken transfer, never a
 * short file). The rest of the body is the source's own iterator, closed when its reader stops.
 */
async function firstPieceRead(opened: DownloadBody & { status: 'ok' }): Promise<DownloadOpen> {
  const iterator = opened.body[Symbol.asyncIterator]();
  let first: IteratorResult<string | Buffer>;
  try {
    first = await iterator.next();
  } catch (error) {
    if (error instanceof DownloadGone) return { status: 'gone', message: error.message };
    if (error instanceof DownloadRefused) return { status: 'refused', message: error.message };
    throw error;
  }
  let pending: IteratorResult<string | Buffer> | undefined = first;
  // An iterator object, not a generator: a generator never started runs no `finally`, so a reader
  // that stops before its first pull (a client gone while the first piece was read) would leave
  // the source's iterator, and the store reads behind it, open.
  const rest: AsyncIterator<string | Buffer> = {
    next: async () => {
      const next = pending ?? await iterator.next();
      pending = undefined;
      return next;
    },
    return: async () => {
      pending = undefined;
      await iterator.return?.();
      return { done: true, value: undefined };
    },
  };
  return { ...opened, body: { [Symbol.asyncIterator]: () => rest } };
}
