import type { ListDatasetRevisionsInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { revisionView } from './history-views.js';
import type { TroveServices } from './services.js';

/** `GET .../datasets/{datasetArn}/revisions`: the dataset's revisions, newest first, with who made each and what it did. */
export function listDatasetRevisions(services: TroveServices): Operation<ListDatasetRevisionsInput> {
  return {
    name: 'ListDatasetRevisions',
    input: inputShapes.ListDatasetRevisions,
    async handle(input, { caller }) {
      const page = await services.history.listRevisions(caller, input.datasetArn, { maxResults: input.maxResults ?? 100, nextToken: input.nextToken });
      return { revisions: page.revisions.map(revisionView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  };
}
