import type { ListDatasetRevisionEntriesInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/** `GET .../entries?at=`: the entries (ListDatasetEntries lines) at a revision or snapshot, in listing order. */
export function listDatasetRevisionEntries(services: TroveServices): Operation<ListDatasetRevisionEntriesInput> {
  return {
    name: 'ListDatasetRevisionEntries',
    input: inputShapes.ListDatasetRevisionEntries,
    async handle(input, { caller }) {
      const page = await services.history.listEntriesAt(caller, input.datasetArn, { at: input.at, maxResults: input.maxResults ?? 100, nextToken: input.nextToken });
      return { ...page.at, entries: page.entries, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  };
}
