import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand, DeleteDatasetExamplesCommand,
  GetDatasetCommand, paginateListDatasets, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient, GetDatasetCommandOutput } from '@aws-sdk/client-bedrock-agentcore-control';
import { until, untilGone } from './wait.js';

// The AgentCore half of `trove demo`: one evaluation dataset of each documented schema type, each
// with two published versions that differ (an example changed, one removed, new ones added), so
// the console's conversations, versions and diff have something to show.

type Example = Record<string, unknown>;

export interface AgentCoreDemoDataset {
  readonly name: string;
  readonly schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1' | 'AGENTCORE_EVALUATION_SIMULATED_V1';
  readonly description: string;
  /** Version 1. */
  readonly examples: readonly Example[];
  /** From version 1 to version 2. */
  readonly changed: readonly Example[];
  readonly removed: readonly string[];
  readonly added: readonly Example[];
}

const turn = (input: string, expected_response: string) => ({ input, expected_response });

export const AGENTCORE_DEMO: readonly AgentCoreDemoDataset[] = [
  {
    name: 'trove_demo_support',
    schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
    description: 'Trove demo: questions customers ask a support agent (bin/trove demo)',
    examples: [
      { exampleId: 'refund-window', scenario_id: 'refund-window', turns: [turn('Can I return shoes I bought 20 days ago?', 'Yes: returns are accepted within 30 days with the receipt.'), turn('Do I need the box?', 'No, the original box is not required.')], expected_trajectory: ['lookup_order', 'policy_search'], assertions: ['The agent cites the 30-day window'] },
      { exampleId: 'order-status', scenario_id: 'order-status', turns: [turn('Where is order 1182?', 'Order 1182 shipped yesterday and arrives Friday.')], expected_trajectory: ['lookup_order'] },
      { exampleId: 'store-hours', scenario_id: 'store-hours', turns: [turn('When do you open on Sunday?', 'We open at 10:00 on Sundays.')] },
      { exampleId: 'change-address', scenario_id: 'change-address', turns: [turn('I moved. Can you send order 2210 to my new address?', 'Yes, as long as it has not shipped: what is the new address?'), turn('12 Harbour Street, Leith.', 'Done: order 2210 goes to 12 Harbour Street, Leith.')], expected_trajectory: ['lookup_order', 'update_address'] },
      { exampleId: 'gift-card', scenario_id: 'gift-card', turns: [turn('Can I pay with two gift cards?', 'Yes, up to three gift cards per order.')] },
      { exampleId: 'warranty', scenario_id: 'warranty', turns: [turn('My kettle stopped working after 8 months.', 'It is under the 2-year warranty: I have started a replacement.')], expected_trajectory: ['lookup_order', 'create_replacement'], assertions: ['The agent does not ask for a receipt'] },
    ],
    changed: [
      { exampleId: 'refund-window', scenario_id: 'refund-window', turns: [turn('Can I return shoes I bought 20 days ago?', 'Yes: returns are accepted within 45 days with the receipt or the order number.'), turn('Do I need the box?', 'No, the original box is not required.')], expected_trajectory: ['lookup_order', 'policy_search'], assertions: ['The agent cites the 45-day window'] },
    ],
    removed: ['store-hours'],
    added: [
      { exampleId: 'damaged-item', scenario_id: 'damaged-item', turns: [turn('My lamp arrived broken.', 'Sorry! I have started a replacement; no need to send it back.')], expected_trajectory: ['lookup_order', 'create_replacement'] },
      { exampleId: 'cancel-order', scenario_id: 'cancel-order', turns: [turn('Please cancel order 3307.', 'Order 3307 is cancelled; the refund reaches your card in 3 to 5 days.')], expected_trajectory: ['lookup_order', 'cancel_order'] },
    ],
  },
  {
    name: 'trove_demo_simulated',
    schemaType: 'AGENTCORE_EVALUATION_SIMULATED_V1',
    description: 'Trove demo: simulated customers with a goal (bin/trove demo)',
    examples: [
      { exampleId: 'late-refund', scenario_id: 'late-refund', scenario_description: 'A customer who waited too long for a refund', actor_profile: { context: 'Returned a jacket 3 weeks ago; no refund yet', goal: 'Get the refund today', traits: { mood: 'impatient' } }, input: 'I want my money back!', max_turns: 6, assertions: ['The agent apologises', 'The agent gives a date'] },
      { exampleId: 'wrong-size', scenario_id: 'wrong-size', actor_profile: { context: 'Ordered running shoes in 42, needs 43', goal: 'Exchange them without paying postage' }, input: 'These shoes are too small.', max_turns: 4 },
      { exampleId: 'bulk-order', scenario_id: 'bulk-order', actor_profile: { context: 'Runs a small cafe', goal: 'Order 40 mugs with a discount', traits: { mood: 'friendly' } }, input: 'Do you do discounts for 40 mugs?', max_turns: 8 },
    ],
    changed: [
      { exampleId: 'wrong-size', scenario_id: 'wrong-size', actor_profile: { context: 'Ordered running shoes in 42, needs 43', goal: 'Exchange them without paying postage', traits: { mood: 'polite' } }, input: 'These shoes are too small, can I swap them?', max_turns: 4, assertions: ['The agent offers a free exchange label'] },
    ],
    removed: [],
    added: [
      { exampleId: 'lost-parcel', scenario_id: 'lost-parcel', actor_profile: { context: 'Tracking says delivered, nothing arrived', goal: 'Get the parcel resent', traits: { mood: 'worried' } }, input: 'My parcel never arrived.', max_turns: 6 },
    ],
  },
];

export interface LoadedAgentCoreDataset {
  readonly name: string;
  readonly datasetId: string;
}

/** Creates each demo dataset afresh (deleting the one an earlier run made, found by name) with versions 1 and 2. */
export async function loadAgentCoreDemo(client: BedrockAgentCoreControlClient): Promise<LoadedAgentCoreDataset[]> {
  const existing = new Map<string, string>();
  for await (const page of paginateListDatasets({ client }, {})) {
    for (const d of page.datasets ?? []) if (d.datasetName && d.datasetId) existing.set(d.datasetName.toLowerCase(), d.datasetId);
  }
  return Promise.all(AGENTCORE_DEMO.map(async (demo) => {
    const old = existing.get(demo.name.toLowerCase());
    if (old) await remove(client, old);
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: demo.name, schemaType: demo.schemaType, description: demo.description,
      source: { inlineExamples: { examples: [...demo.examples] as never[] } },
    }));
    const id = datasetId!;
    await step(client, id);
    await step(client, id, () => client.send(new CreateDatasetVersionCommand({ datasetId: id })));
    await step(client, id, () => client.send(new UpdateDatasetExamplesCommand({ datasetId: id, examples: [...demo.changed] as never[] })));
    if (demo.removed.length > 0) await step(client, id, () => client.send(new DeleteDatasetExamplesCommand({ datasetId: id, exampleIds: [...demo.removed] })));
    await step(client, id, () => client.send(new AddDatasetExamplesCommand({ datasetId: id, source: { inlineExamples: { examples: [...demo.added] as never[] } } })));
    await step(client, id, () => client.send(new CreateDatasetVersionCommand({ datasetId: id })));
    return { name: demo.name, datasetId: id };
  }));
}

/** Runs one write (if any) and waits until the dataset is ACTIVE again. */
async function step(client: BedrockAgentCoreControlClient, datasetId: string, write?: () => Promise<unknown>): Promise<GetDatasetCommandOutput> {
  await write?.();
  const done = await settled(client, datasetId);
  if (done.status !== 'ACTIVE') throw new Error(`dataset ${datasetId} ended in ${done.status}: ${done.failureReason ?? ''}`);
  return done;
}

async function remove(client: BedrockAgentCoreControlClient, datasetId: string): Promise<void> {
  const current = await settled(client, datasetId);
  if (current.status !== 'DELETING') await client.send(new DeleteDatasetCommand({ datasetId }));
  await untilGone(`the old dataset ${datasetId} to be deleted`, () => client.send(new GetDatasetCommand({ datasetId })));
}

async function settled(client: BedrockAgentCoreControlClient, datasetId: string): Promise<GetDatasetCommandOutput> {
  return until(`dataset ${datasetId}`, async () => {
    const d = await client.send(new GetDatasetCommand({ datasetId }));
    return d.status === 'CREATING' || d.status === 'UPDATING' ? undefined : d;
  });
}
