import type { ChangeWire } from '../../api/trove/history-outputs.js';
import type { DiffDatasetRevisionsInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/** `GET .../diff?from=&to=`: a page of the entries added, removed and changed between two revisions or snapshots. */
export function diffDatasetRevisions(services: TroveServices): Operation<DiffDatasetRevisionsInput> {
  return {
    name: 'DiffDatasetRevisions',
    input: inputShapes.DiffDatasetRevisions,
    async handle(input, { caller }) {
      const page = await services.history.diff(caller, input.datasetArn, {
        from: input.from, to: input.to, maxResults: input.maxResults ?? 100, nextToken: input.nextToken,
      });
      const changes: ChangeWire[] = page.changes;
      return { from: page.from, to: page.to, changes, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  };
}
