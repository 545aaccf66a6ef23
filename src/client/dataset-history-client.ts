import type {
  ChangeWire, PointWire, ReportItemWire, RevisionWire, SnapshotWire,
} from '../api/trove/history-outputs.js';
import type { TroveApiCaller } from './trove-api-caller.js';

export type {
  BoxWire, ChangeWire, ConversionWire, LeftOutItemWire, LineItemWire, PointWire, ReportItemWire, RevisionWire, SnapshotWire,
} from '../api/trove/history-outputs.js';

interface Page { nextToken?: string }

/**
 * Typed calls of the Rekognition history operations over a TroveApiClient, with helpers that
 * walk every page (what `bin/trove datasets` and the web console use).
 */
export class DatasetHistoryClient {
  constructor(private readonly api: TroveApiCaller) {}

  listRevisions(datasetArn: string, page: { maxResults?: number; nextToken?: string } = {}) {
    return this.api.call<{ revisions: RevisionWire[] } & Page>('GET', this.#path(datasetArn, 'revisions'), { query: page });
  }

  report(datasetArn: string, revision: number, page: { maxResults?: number; nextToken?: string } = {}) {
    return this.api.call<{ revision: RevisionWire; items: ReportItemWire[] } & Page>('GET', this.#path(datasetArn, 'revisions', String(revision), 'report'), { query: page });
  }

  entriesAt(datasetArn: string, at: string | undefined, page: { maxResults?: number; nextToken?: string } = {}) {
    return this.api.call<PointWire & { entries: string[] } & Page>('GET', this.#path(datasetArn, 'entries'), { query: { at, ...page } });
  }

  diff(datasetArn: string, from: string, to?: string, page: { maxResults?: number; nextToken?: string } = {}) {
    return this.api.call<{ from: PointWire; to: PointWire; changes: ChangeWire[] } & Page>('GET', this.#path(datasetArn, 'diff'), { query: { from, to, ...page } });
  }

  createSnapshot(datasetArn: string, name: string, revision?: number) {
    return this.api.call<{ snapshot: SnapshotWire }>('POST', this.#path(datasetArn, 'snapshots'), { body: { name, ...(revision === undefined ? {} : { revision }) } });
  }

  listSnapshots(datasetArn: string, page: { maxResults?: number; nextToken?: string } = {}) {
    return this.api.call<{ snapshots: SnapshotWire[] } & Page>('GET', this.#path(datasetArn, 'snapshots'), { query: page });
  }

  async deleteSnapshot(datasetArn: string, name: string): Promise<void> {
    await this.api.call('DELETE', this.#path(datasetArn, 'snapshots', name));
  }

  restore(datasetArn: string, name: string) {
    return this.api.call<{ datasetArn: string; revision: number; status: string; snapshot: SnapshotWire }>('POST', this.#path(datasetArn, 'snapshots', name, 'restore'));
  }

  /** Every item of a paged listing, page by page. */
  async all<T, P extends Page>(fetch: (nextToken?: string) => Promise<P>, items: (page: P) => readonly T[]): Promise<T[]> {
    const out: T[] = [];
    let nextToken: string | undefined;
    do {
      const page = await fetch(nextToken);
      out.push(...items(page));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  #path(datasetArn: string, ...rest: string[]): string {
    return ['/_trove/api/rekognition/datasets', datasetArn, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');
  }
}
