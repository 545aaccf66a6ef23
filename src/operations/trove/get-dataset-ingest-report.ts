import type { ReportItemWire } from '../../api/trove/history-outputs.js';
import type { GetDatasetIngestReportInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { revisionView } from './history-views.js';
import type { TroveServices } from './services.js';

/** `GET .../revisions/{revision}/report`: the revision, and a page of the lines it dropped and the entries it wrote with errors. */
export function getDatasetIngestReport(services: TroveServices): Operation<GetDatasetIngestReportInput> {
  return {
    name: 'GetDatasetIngestReport',
    input: inputShapes.GetDatasetIngestReport,
    async handle(input, { caller }) {
      const page = await services.history.report(caller, input.datasetArn, Number(input.revision), {
        maxResults: input.maxResults ?? 100, nextToken: input.nextToken,
      });
      const items: ReportItemWire[] = page.items;
      return { revision: revisionView(page.revision), items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  };
}
