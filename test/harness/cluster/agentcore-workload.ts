import { randomUUID } from 'node:crypto';
import {
  AddDatasetExamplesCommand, CreateDatasetCommand, GetDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient, GetDatasetCommandOutput } from '@aws-sdk/client-bedrock-agentcore-control';
import type pg from 'pg';
import { expect } from 'vitest';
import { allExamples, contentOf, inline, predefined } from '../agentcore.js';
import type { Example } from '../agentcore.js';
import { eventually } from '../server.js';
import type { Balancer, Outcome } from './cluster.js';
import type { WorkloadCounts, WorkloadWorker } from './workload.js';

const INITIAL = 50;
const ADDED_PER_ROUND = 100;
const UPDATED_PER_ROUND = 20;

/**
 * An AgentCore worker: one dataset; even rounds add examples, odd rounds rewrite some, each with
 * a client token. A request cut off by a dying node is simply sent again with the same token
 * (AWS's own recipe): the service answers the original result if it had been accepted, or
 * applies it now, so each round is applied exactly once either way. The model
 * (exampleId → content) is the serial replay of the rounds.
 */
export function agentCoreWorker(worker: number, balancer: Balancer<BedrockAgentCoreControlClient>, db: pg.Client): WorkloadWorker {
  const model = new Map<string, Example>();
  const counts: WorkloadCounts = { sent: 0, accepted: 0, inDoubt: 0 };
  let datasetId = '';
  let revisionAfterSetup = 0;
  let rounds = 0;

  /** Sends until an answer comes back, resending the same request (same client token) after a cut-off. */
  const sendOnce = async <T>(send: (c: BedrockAgentCoreControlClient) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const outcome: Outcome<T> = await balancer.mutate(send);
      if (outcome.kind === 'answered') return outcome.value;
      if (outcome.kind === 'refused' || attempt >= 3) throw outcome.error;
      counts.inDoubt++;
    }
  };
  const revision = async () => {
    const { rows } = await db.query<{ revision: string; status: string }>('SELECT revision::text, status FROM ac_datasets WHERE dataset_id = $1', [datasetId]);
    expect(rows).toHaveLength(1);
    return { revision: Number(rows[0].revision), status: rows[0].status };
  };
  const settle = () => eventually<GetDatasetCommandOutput>(async () => {
    const d = await balancer.read((c) => c.send(new GetDatasetCommand({ datasetId })));
    return d.status === 'CREATING' || d.status === 'UPDATING' ? undefined : d;
  }, 60_000, `AgentCore dataset of worker ${worker} to settle`);

  return {
    name: `agentcore worker ${worker}`,
    counts,

    async setup() {
      const initial = Array.from({ length: INITIAL }, (_, i) => predefined(`w${worker}-init-${i}`));
      const created = await sendOnce((c) => c.send(new CreateDatasetCommand({
        datasetName: `cluster_${worker}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', clientToken: randomUUID(), source: inline(initial),
      })));
      datasetId = created.datasetId!;
      expect(await settle()).toMatchObject({ status: 'ACTIVE', exampleCount: INITIAL });
      for (const example of await balancer.read((c) => allExamples(c, datasetId))) model.set(example.exampleId as string, contentOf(example));
      revisionAfterSetup = (await revision()).revision;
    },

    async round(round) {
      counts.sent++;
      const clientToken = randomUUID();
      if (round % 2 === 0) {
        const examples = Array.from({ length: ADDED_PER_ROUND }, (_, i) => predefined(`w${worker}-r${round}-${i}`));
        const added = await sendOnce((c) => c.send(new AddDatasetExamplesCommand({ datasetId, clientToken, source: inline(examples) })));
        expect(added.exampleIds).toHaveLength(ADDED_PER_ROUND);
        added.exampleIds!.forEach((id, i) => model.set(id, examples[i]));
      } else {
        const ids = [...model.keys()].slice(0, UPDATED_PER_ROUND);
        const examples = ids.map((exampleId, i) => ({ exampleId, ...predefined(`w${worker}-r${round}-u${i}`, `rewritten in round ${round}`) }));
        const updated = await sendOnce((c) => c.send(new UpdateDatasetExamplesCommand({ datasetId, clientToken, examples })));
        expect(updated.updatedCount).toBe(ids.length);
        for (const { exampleId, ...content } of examples) model.set(exampleId, content);
      }
      counts.accepted++;
      rounds++;
      expect(await settle()).toMatchObject({ status: 'ACTIVE', exampleCount: model.size });
    },

    async verify() {
      const examples = await balancer.read((c) => allExamples(c, datasetId));
      expect(new Map(examples.map((e) => [e.exampleId as string, contentOf(e)]))).toEqual(model);
      expect(examples).toHaveLength(model.size);
      // Exactly once: each applied round committed one revision after the creation, and no more.
      expect(await revision()).toEqual({ revision: revisionAfterSetup + rounds, status: 'ACTIVE' });
    },
  };
}
