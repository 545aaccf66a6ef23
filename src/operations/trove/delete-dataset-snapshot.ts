import type { DatasetSnapshotInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/** `DELETE .../snapshots/{name}` (204): the snapshot goes; entries only it kept are collected later. */
export function deleteDatasetSnapshot(services: TroveServices): Operation<DatasetSnapshotInput> {
  return {
    name: 'DeleteDatasetSnapshot',
    input: inputShapes.DeleteDatasetSnapshot,
    async handle(input, { caller }) {
      await services.snapshots.delete(caller, input.datasetArn, input.name);
      return {};
    },
  };
}
