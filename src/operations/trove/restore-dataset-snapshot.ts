import type { DatasetSnapshotInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { snapshotView } from './history-views.js';
import type { TroveServices } from './services.js';

/**
 * `POST .../snapshots/{name}/restore` (202): the dataset goes UPDATE_IN_PROGRESS and a durable
 * job writes `revision`, whose entries are the snapshot's; DescribeDataset shows when it is done.
 */
export function restoreDatasetSnapshot(services: TroveServices): Operation<DatasetSnapshotInput> {
  return {
    name: 'RestoreDatasetSnapshot',
    input: inputShapes.RestoreDatasetSnapshot,
    async handle(input, { caller }) {
      const { revision, snapshot } = await services.snapshots.acceptRestore(caller, input.datasetArn, input.name);
      return { datasetArn: input.datasetArn, revision, status: 'UPDATE_IN_PROGRESS', snapshot: snapshotView(snapshot) };
    },
  };
}
