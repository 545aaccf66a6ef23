import type { RequestDigest } from '../idempotency.js';
import { ServiceQuotaExceededException } from '../../api/agentcore/errors.js';
import type { CreateDatasetVersionInput } from '../../api/agentcore/inputs.js';
import type { AcDatasetStatus, AcVersionRecord } from '../../store/agentcore-records.js';
import type { Caller } from '../caller.js';
import type { AgentCoreDeps } from './agentcore-deps.js';
import { invalidToken } from './dataset-service.js';
import type { DatasetService } from './dataset-service.js';
import { AgentCoreJobs } from './job-kinds.js';
import type { PublishVersionPayload } from './job-kinds.js';
import { GUARDS } from './status.js';
import { acceptWrite } from './accept-write.js';

export interface CreatedVersion { datasetArn: string; datasetId: string; status: AcDatasetStatus; datasetVersion: string; createdAt: number }

interface VersionPageState { d: number; b: number }

/**
 * Published versions. Publishing records "version N → the DRAFT's committed revision" (O(1)
 * whatever the dataset's size); the DRAFT stays editable and the version reads that revision
 * forever. Numbers are 1, 2, 3, ... and never reused (UNCONFIRMED; the facts' recommendation).
 */
export class VersionService {
  constructor(private readonly deps: AgentCoreDeps, private readonly datasets: DatasetService) {}

  /** AWS: 202 UPDATING with the number being created; ACTIVE with draftStatus UNMODIFIED once published. */
  async create(caller: Caller, input: CreateDatasetVersionInput, digest?: RequestDigest): Promise<CreatedVersion> {
    const { store, idempotency, limits } = this.deps;
    const token = idempotency.token(caller, 'CreateDatasetVersion', input.datasetId, input, digest);
    const earlier = await idempotency.earlier<CreatedVersion>(store, token);
    if (earlier) return earlier;
    const dataset = await this.datasets.find(caller, input.datasetId);
    return acceptWrite(this.deps, dataset, token, GUARDS.editCreated, async (tx, current, now) => {
      // AWS (original model docs): MAX_VERSIONS_PER_DATASET counts published versions only.
      if ((await tx.acVersions.count(current.id)) >= limits.maxVersionsPerDataset) {
        throw new ServiceQuotaExceededException(`Dataset ${current.datasetId} already has the maximum of ${limits.maxVersionsPerDataset} published versions.`);
      }
      const version = await tx.acDatasets.claimVersionNumber(current.id);
      const payload: PublishVersionPayload = { dataset: current.id, version };
      await tx.jobs.enqueue({ kind: AgentCoreJobs.publishVersion, payloadVersion: 1, resource: current.arn, payload, runAfter: now, createdAt: now });
      const answer: CreatedVersion = { datasetArn: current.arn, datasetId: current.datasetId, status: 'UPDATING', datasetVersion: String(version), createdAt: now };
      return { answer, queued: true };
    });
  }

  /** AWS: published versions only (never the DRAFT), newest first. */
  async list(caller: Caller, datasetId: string, query: { maxResults: number; nextToken?: string }): Promise<{ versions: AcVersionRecord[]; nextToken?: string }> {
    const dataset = await this.datasets.find(caller, datasetId);
    let before = Number.MAX_SAFE_INTEGER;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<VersionPageState>('ac-versions', query.nextToken);
      if (!state || state.d !== dataset.id || typeof state.b !== 'number') throw invalidToken();
      ({ b: before, t: startedAt } = state);
    }
    const rows = await this.deps.store.acVersions.pageNewestFirst(dataset.id, before, query.maxResults + 1);
    const versions = rows.slice(0, query.maxResults);
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue<VersionPageState>('ac-versions', { d: dataset.id, b: versions[versions.length - 1].version }, startedAt)
      : undefined;
    return { versions, nextToken };
  }
}
