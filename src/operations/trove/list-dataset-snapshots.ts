import type { ListDatasetSnapshotsInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { snapshotView } from './history-views.js';
import type { TroveServices } from './services.js';

/** `GET .../snapshots`: the dataset's snapshots in name order. */
export function listDatasetSnapshots(services: TroveServices): Operation<ListDatasetSnapshotsInput> {
  return {
    name: 'ListDatasetSnapshots',
    input: inputShapes.ListDatasetSnapshots,
    async handle(input, { caller }) {
      const page = await services.snapshots.list(caller, input.datasetArn, { maxResults: input.maxResults ?? 100, nextToken: input.nextToken });
      return { snapshots: page.snapshots.map(snapshotView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  };
}
