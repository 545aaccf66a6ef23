import type { CreateDatasetSnapshotInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { snapshotView } from './history-views.js';
import type { TroveServices } from './services.js';

/** `POST .../snapshots` `{name, revision?}`: names a revision (default: the committed one) and keeps its entries. */
export function createDatasetSnapshot(services: TroveServices): Operation<CreateDatasetSnapshotInput> {
  return {
    name: 'CreateDatasetSnapshot',
    input: inputShapes.CreateDatasetSnapshot,
    async handle(input, { caller }) {
      return { snapshot: snapshotView(await services.snapshots.create(caller, input.datasetArn, { name: input.name, revision: input.revision })) };
    },
  };
}
