import { ResourceNotFoundException, ValidationException } from '../../api/trove/errors.js';
import type { Store } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { belongsTo } from '../rekognition/arns.js';
import type { RevisionEntries, RevisionOpener } from './export-service.js';

const PAGE = 1000;

/**
 * Reads a dataset at its committed revision only (no history yet: `at` must be absent or that
 * revision). Replaced by the history room's HistoryService.openRevision, which also reads
 * snapshots and older revisions.
 */
export class CommittedRevisions implements RevisionOpener {
  constructor(private readonly store: Store) {}

  async openRevision(caller: Caller, datasetArn: string, at?: string): Promise<RevisionEntries> {
    const dataset = belongsTo(datasetArn, caller) ? await this.store.rkDatasets.findByArn(datasetArn) : undefined;
    if (!dataset) throw new ResourceNotFoundException(`The dataset ${datasetArn} does not exist.`);
    const revision = at === undefined ? dataset.revision : Number(at);
    if (revision !== dataset.revision) throw new ValidationException(`Only the dataset's current revision (${dataset.revision}) can be read.`);
    const store = this.store;
    return {
      datasetArn, revision,
      async* pages(pageSize = PAGE) {
        for (let afterId = 0; ;) {
          const rows = await store.rkEntries.scan(dataset.id, revision, afterId, pageSize);
          if (rows.length === 0) return;
          yield rows;
          afterId = rows[rows.length - 1].id;
        }
      },
    };
  }
}
