import { ResourceNotFoundException, ServiceQuotaExceededException } from '../../api/agentcore/errors.js';
import type { AcDatasetRecord } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';
import type { Caller } from '../caller.js';
import type { AgentCoreDeps } from './agentcore-deps.js';
import { datasetArn } from './ids.js';

/** AWS (TagsMap): at most 50 tags on a resource. */
export const MAX_TAGS = 50;

/**
 * TagResource, UntagResource and ListTagsForResource. Of AgentCore's taggable resources Trove
 * has only datasets: any other ARN, or a dataset of another account or region, is not found.
 * Tags belong to the dataset, not to a version, and are not an edit: they can change in any
 * status and leave `updatedAt` and `draftStatus` alone.
 */
export class TagService {
  constructor(private readonly deps: AgentCoreDeps) {}

  async list(caller: Caller, resourceArn: string): Promise<Record<string, string>> {
    return (await this.#dataset(this.deps.store, caller, resourceArn, false)).tags ?? {};
  }

  /** Adds tags, replacing the value of a key already there. */
  async tag(caller: Caller, resourceArn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      const dataset = await this.#dataset(tx, caller, resourceArn, true);
      const merged = { ...dataset.tags, ...tags };
      if (Object.keys(merged).length > MAX_TAGS) {
        throw new ServiceQuotaExceededException(
          `Resource ${resourceArn} would have ${Object.keys(merged).length} tags; at most ${MAX_TAGS} are allowed.`);
      }
      await tx.acDatasets.setTags(dataset.id, merged);
    });
  }

  /** Removes tags by key; a key that isn't there is ignored. */
  async untag(caller: Caller, resourceArn: string, tagKeys: readonly string[]): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      const dataset = await this.#dataset(tx, caller, resourceArn, true);
      const kept = Object.fromEntries(Object.entries(dataset.tags ?? {}).filter(([key]) => !tagKeys.includes(key)));
      await tx.acDatasets.setTags(dataset.id, kept);
    });
  }

  /**
   * The caller's dataset of `resourceArn`; `forWrite`: its row locked until the transaction ends,
   * so that tagging transactions on any node merge into each other's tags one after the other
   * (each counts and writes the whole set: unlocked, the later of two would write over the
   * other's keys). The row is all such a transaction locks: no lock order to keep.
   */
  async #dataset(repositories: Repositories, caller: Caller, resourceArn: string, forWrite: boolean): Promise<AcDatasetRecord> {
    const datasetId = /^arn:[^:]*:bedrock-agentcore:[^:]*:[^:]*:dataset\/([^/]+)$/.exec(resourceArn)?.[1];
    // The ARN must be the caller's own: the same id in another account or region is another dataset.
    const { acDatasets } = repositories;
    const dataset = datasetId !== undefined && datasetArn(caller, datasetId) === resourceArn
      ? await (forWrite ? acDatasets.lock(caller.account, caller.region, datasetId) : acDatasets.find(caller.account, caller.region, datasetId))
      : undefined;
    if (!dataset) throw new ResourceNotFoundException(`Resource ${resourceArn} not found.`);
    return dataset;
  }
}
