import { csvExport } from '../exchange/csv-export.js';
import type { ExamplePages } from '../exchange/csv-export.js';
import type { LinkTarget } from '../downloads/download-links.js';
import { DownloadGone } from '../downloads/download-service.js';
import type { DownloadOpen, DownloadSource } from '../downloads/download-service.js';
import type { Store } from '../../store/store.js';
import { exampleLine } from './examples-batch.js';

/** Rows per read of a download, and bytes of content at most: a slow reader holds no more than one read. */
const PAGE_ROWS = 1000;
const PAGE_BYTES = 1024 * 1024;

/** The formats an AgentCore version downloads as: JSONL (what `downloadUrl` serves) and CSV (Trove's exports). */
export type ExampleFormat = 'jsonl' | 'csv';

/** A link to a version of an AgentCore dataset: its internal id, the version label it resolved, and its revision. */
export function versionLink(dataset: number, version: string, revision: number, format: ExampleFormat): LinkTarget {
  return { kind: AGENTCORE_LINK, dataset, version, revision, format };
}

export const AGENTCORE_LINK = 'agentcore';

/** Streams the pinned version of an AgentCore dataset, a page of examples at a time. */
export class AgentCoreDownloads implements DownloadSource {
  constructor(private readonly store: Store) {}

  async open(target: LinkTarget, signal?: AbortSignal): Promise<DownloadOpen> {
    const { dataset: id, version, revision, format } = target;
    if (typeof id !== 'number' || typeof version !== 'string' || typeof revision !== 'number') return { status: 'forbidden', message: 'The request signature is invalid' };
    const gone = await goneReason(this.store, id, version, revision);
    if (gone) return { status: 'gone', message: gone };
    const pages = this.#pages(id, version, revision, signal);
    return format === 'csv'
      ? { status: 'ok', contentType: 'text/csv; charset=utf-8', body: csvExport(pages) }
      : { status: 'ok', contentType: 'application/jsonl; charset=utf-8', body: jsonl(pages) };
  }

  /**
   * Pages of examples, each bounded by rows and by bytes (PAGE_BYTES), so a slow reader holds at
   * most one. Each page is followed by a look at the dataset's record, and at the version's for a
   * published one: DeleteDataset removes the dataset's before any example row, and deleting a
   * version removes its record in the transaction that collects the rows only it could see. The
   * DRAFT has no record of its own to go: what can go under it is its revision, once garbage
   * collection removes rows superseded after it (a download running past the collection horizon
   * while the DRAFT is edited), and the dataset's collected mark, raised in the transaction that
   * removes them, says so. So a page read while they were there is whole, and one read after
   * (short, or empty) fails the download (DownloadGone) instead of ending the file early. A
   * page is read only while `signal` is not aborted (DownloadSource), checked between reads so
   * that no read is left half done.
   */
  #pages(dataset: number, version: string, revision: number, signal: AbortSignal | undefined): ExamplePages {
    const store = this.store;
    return {
      async* pages() {
        for (let after = 0; ;) {
          signal?.throwIfAborted();
          const { rows, more } = await store.acExamples.page(dataset, revision, after, PAGE_ROWS, PAGE_BYTES);
          const gone = await goneReason(store, dataset, version, revision);
          if (gone) throw new DownloadGone(gone);
          if (rows.length > 0) yield rows;
          if (!more || rows.length === 0) return;
          after = rows[rows.length - 1].seq;
        }
      },
    };
  }
}

/**
 * Why a link to this version of the dataset, read at `revision`, can no longer be served, if it
 * cannot: the dataset or the (published) version is gone, or, for the DRAFT, rows superseded
 * after `revision` were garbage-collected (a published version's rows are never collected).
 */
async function goneReason(store: Store, dataset: number, version: string, revision: number): Promise<string | undefined> {
  const record = await store.acDatasets.findById(dataset);
  if (!record) return 'The dataset no longer exists.';
  if (version === 'DRAFT') {
    if (revision < record.collectedRev) return `The DRAFT as it was at revision ${revision} is no longer kept: examples it held were garbage-collected.`;
  } else if (!(await store.acVersions.find(dataset, Number(version)))) {
    return `Version ${version} of the dataset no longer exists.`;
  }
  return undefined;
}

/**
 * One JSON line per example (`exampleId` first, then the content), yielded line by line: the
 * consumer pulls only as fast as its client reads, so a download holds at most one page.
 */
async function* jsonl(source: ExamplePages): AsyncGenerator<string> {
  for await (const rows of source.pages()) for (const row of rows) yield `${exampleLine(row.exampleId, row.content)}\n`;
}
