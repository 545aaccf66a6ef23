import { EXAMPLE_FORMATS, useExchangeClient } from '../lib/api-clients.js';
import { useCaller } from '../lib/caller.js';
import { agentCoreDatasetArn, decideTrove } from '../lib/permissions.js';
import { ExportMenu } from '../shell/export-menu.js';

/** Export of the version shown (a published one or the DRAFT) as JSON Lines or CSV (CreateAgentCoreDatasetExport). */
export function ExamplesExport({ datasetId, version }: { datasetId: string; version: string }) {
  const exchange = useExchangeClient();
  const caller = useCaller();
  const allowed = decideTrove(caller, 'CreateAgentCoreDatasetExport', caller ? [agentCoreDatasetArn(caller, datasetId)] : []);
  return (
    <span className="examples-export">
      <ExportMenu what={version === 'DRAFT' ? 'the draft' : `version ${version}`} choices={EXAMPLE_FORMATS}
        create={(format) => exchange.exportExamples(datasetId, format, version)} refused={allowed.allowed ? undefined : allowed.reason} />
    </span>
  );
}
