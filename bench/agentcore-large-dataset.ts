/**
 * Two costs that must not grow with a dataset's size, measured through the SDK against a real
 * Trove in its own process:
 *  - CreateDatasetVersion → ACTIVE on a 100,000-example dataset vs a 1,000-example one
 *    (target: at most 2x; publishing maps a version number to a revision, O(1));
 *  - listing a 100,000-example version page by page (1000 a page): a deep page vs the first
 *    (target: at most 1.5x; keyset pagination on the listing position).
 *
 *   npx tsx bench/agentcore-large-dataset.ts [examples=100000] [rounds=15]
 */
import { CreateDatasetVersionCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { filledDataset, median, ms, spawnBenchServer, untilSettled } from './agentcore-harness.js';

const LARGE = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 15);

async function main(): Promise<void> {
  const server = await spawnBenchServer(['--agentcore-max-examples', String(LARGE)]);
  const { client } = server;
  const fillStart = performance.now();
  const small = await filledDataset(client, 'small', 1000, 300);
  const large = await filledDataset(client, 'large', LARGE, 300);
  console.log(`filled 1,000 + ${LARGE.toLocaleString('en')} examples in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);

  const publish = async (datasetId: string) => {
    const started = performance.now();
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await untilSettled(client, datasetId);
    return performance.now() - started;
  };
  await publish(small);
  await publish(large);
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    smallTimes.push(await publish(small));
    largeTimes.push(await publish(large));
  }

  // One pass to collect every page's token of version 1, then first vs deep pages alternately.
  const tokens: (string | undefined)[] = [undefined];
  for (let token: string | undefined, page = 0; ; page++) {
    const result = await client.send(new ListDatasetExamplesCommand({ datasetId: large, datasetVersion: '1', maxResults: 1000, nextToken: token }));
    if (!result.nextToken) break;
    tokens.push(token = result.nextToken);
  }
  const deepIndex = tokens.length - 5;
  const page = async (nextToken: string | undefined) => {
    const started = performance.now();
    const result = await client.send(new ListDatasetExamplesCommand({ datasetId: large, datasetVersion: '1', maxResults: 1000, nextToken }));
    if (result.examples?.length !== 1000) throw new Error(`short page: ${result.examples?.length}`);
    return performance.now() - started;
  };
  const first: number[] = [];
  const deep: number[] = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    first.push(await page(undefined));
    deep.push(await page(tokens[deepIndex]));
  }
  await server.close();

  const publishRatio = median(largeTimes) / median(smallTimes);
  const pageRatio = median(deep) / median(first);
  console.log(`CreateDatasetVersion → ACTIVE (${ROUNDS} rounds, medians)`);
  console.log(`  1,000 examples    ${ms(median(smallTimes))}`);
  console.log(`  ${LARGE.toLocaleString('en')} examples  ${ms(median(largeTimes))}`);
  console.log(`  ratio large / small = ${publishRatio.toFixed(2)} (target <= 2)`);
  console.log(`ListDatasetExamples of a ${LARGE.toLocaleString('en')}-example version, 1000 a page (${ROUNDS * 2} rounds, medians)`);
  console.log(`  first page            ${ms(median(first))}`);
  console.log(`  page ${deepIndex + 1} of ${tokens.length}        ${ms(median(deep))}`);
  console.log(`  ratio deep / first = ${pageRatio.toFixed(2)} (target <= 1.5)`);
}

await main();
