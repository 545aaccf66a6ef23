import type { Store } from '../../store/store.js';
import type { DownloadLinks } from './download-links.js';
import { exampleLine } from './examples-batch.js';

/** Rows per read of a download, and bytes of content at most: a slow reader holds no more than one read. */
const PAGE_ROWS = 1000;
const PAGE_BYTES = 1024 * 1024;

export type DownloadOpen =
  | { status: 'ok'; lines: AsyncIterable<string> }
  | { status: 'forbidden'; message: string }
  | { status: 'gone'; message: string };

/** Serves download links: checks the signature and expiry, then streams the pinned version as JSONL. */
export class DownloadService {
  constructor(private readonly store: Store, private readonly links: DownloadLinks) {}

  async open(token: string): Promise<DownloadOpen> {
    const check = this.links.check(token);
    if (!check.ok) {
      return { status: 'forbidden', message: check.reason === 'expired' ? 'Request has expired' : 'The request signature is invalid' };
    }
    const { target } = check;
    const dataset = await this.store.acDatasets.findById(target.dataset);
    if (!dataset) return { status: 'gone', message: 'The dataset no longer exists.' };
    if (target.version !== 'DRAFT' && !(await this.store.acVersions.find(dataset.id, Number(target.version)))) {
      return { status: 'gone', message: `Version ${target.version} of the dataset no longer exists.` };
    }
    return { status: 'ok', lines: this.#lines(target.dataset, target.revision) };
  }

  /**
   * One JSON line per example (`exampleId` first, then the content), read a bounded page at a
   * time and yielded line by line: the consumer pulls only as fast as its client reads, so a
   * download of any size costs at most one page (about PAGE_BYTES) however slow the reader.
   */
  async *#lines(dataset: number, revision: number): AsyncGenerator<string> {
    for (let after = 0; ;) {
      const { rows, more } = await this.store.acExamples.page(dataset, revision, after, PAGE_ROWS, PAGE_BYTES);
      for (const row of rows) yield `${exampleLine(row.exampleId, row.content)}\n`;
      if (!more) return;
      after = rows[rows.length - 1].seq;
    }
  }
}
