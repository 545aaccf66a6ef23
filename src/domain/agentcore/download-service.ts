import type { Store } from '../../store/store.js';
import type { DownloadLinks } from './download-links.js';
import { exampleLine } from './examples-batch.js';

const PAGE = 1000;

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

  /** One JSON line per example (`exampleId` first, then the content), read a page at a time. */
  async *#lines(dataset: number, revision: number): AsyncGenerator<string> {
    let after = 0;
    for (;;) {
      const rows = await this.store.acExamples.page(dataset, revision, after, PAGE);
      if (rows.length === 0) return;
      yield rows.map((row) => `${exampleLine(row.exampleId, row.content)}\n`).join('');
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].seq;
    }
  }
}
