import { GetDatasetCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient, GetDatasetCommandOutput } from '@aws-sdk/client-bedrock-agentcore-control';
import { rawSql } from './raw-sql.js';
import type { StoreLocation } from './raw-sql.js';
import { eventually } from './server.js';

/** A JSON example document (the SDK types them as DocumentType). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Example = Record<string, any>;

const BUSY = new Set(['CREATING', 'UPDATING', 'DELETING']);

/** Waits until the dataset leaves CREATING/UPDATING/DELETING and returns GetDataset's answer. */
export async function settled(client: BedrockAgentCoreControlClient, datasetId: string): Promise<GetDatasetCommandOutput> {
  return eventually(async () => {
    const d = await client.send(new GetDatasetCommand({ datasetId }));
    return BUSY.has(d.status ?? '') ? undefined : d;
  }, 30_000, `dataset ${datasetId} to settle`);
}

/** Every example of a version, page by page. */
export async function allExamples(
  client: BedrockAgentCoreControlClient, datasetId: string, datasetVersion?: string, maxResults?: number,
): Promise<Example[]> {
  const examples: Example[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion, maxResults, nextToken }));
    examples.push(...((page.examples ?? []) as Example[]));
    nextToken = page.nextToken;
  } while (nextToken);
  return examples;
}

/** A valid AGENTCORE_EVALUATION_PREDEFINED_V1 example. */
export function predefined(scenario: string, input = `question ${scenario}`): Example {
  return { scenario_id: scenario, turns: [{ input, expected_response: `answer ${scenario}` }] };
}

/** A valid AGENTCORE_EVALUATION_SIMULATED_V1 example. */
export function simulated(scenario: string): Example {
  return { scenario_id: scenario, actor_profile: { context: 'Waiting 3 days', goal: 'Get a refund', traits: { mood: 'impatient' } }, input: 'I want my money back!' };
}

/** `n` predefined examples named `${prefix}${i}`. */
export function predefinedBatch(n: number, prefix = 's'): Example[] {
  return Array.from({ length: n }, (_, i) => predefined(`${prefix}${i}`));
}

/** A `source` union with inline examples. */
export function inline(examples: Example[]): { inlineExamples: { examples: Example[] } } {
  return { inlineExamples: { examples } };
}

/** Strips `exampleId` from listed examples, for comparing content. */
export function contentOf(example: Example): Example {
  const { exampleId: _id, ...content } = example;
  return content;
}

/**
 * Example row versions of a dataset written or superseded at a revision it has not published
 * (a staged batch, or what a failed job left behind), counted in its store.
 */
export async function unpublishedRows(store: StoreLocation, datasetId: string): Promise<number> {
  return (await rawSql<{ n: number }>(store,
    `SELECT COUNT(*) AS n FROM ac_examples e JOIN ac_datasets d ON d.id = e.dataset_id
     WHERE d.dataset_id = ? AND (e.created_rev > d.revision OR e.deleted_rev > d.revision)`, [datasetId])).rows[0].n;
}
