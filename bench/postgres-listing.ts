/**
 * Listing on PostgreSQL with 1, 2 and 3 Trove nodes (issue #4), on one dataset of `--entries`
 * entries (loaded through Trove). For each node count: `--clients` concurrent clients, spread
 * round-robin over the nodes, run a mix of ListDatasetEntries calls (unfiltered pages walked by
 * token, and the first page of each filter) for `--seconds`; pages per second are compared with
 * PostgreSQL answering the same page queries directly (the repository's own SQL through the
 * PostgreSQL driver in this process, same concurrency) in the same run. Single-client latencies
 * of a first, a deep and a filtered page are printed too.
 *
 *   npm run build && npx tsx bench/postgres-listing.ts [--nodes 1,2,3] [--entries 250000] [--clients 8] [--seconds 5] [--database-url URL]
 */
import { parseArgs } from 'node:util';
import { PostgresDriver } from '../src/store/postgres/postgres-driver.js';
import type { EntryFilter } from '../src/store/records.js';
import { RkEntriesRepository } from '../src/store/sql/rk-entries-repository.js';
import { classificationLine, detectionLine, unlabeledLine } from './lib/fixtures.js';
import { benchPostgres, nodeCounts, spawnNodes } from './lib/postgres.js';
import { loadLines, median, ms, rekognition, timed, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1,2,3' },
    entries: { type: 'string', default: '250000' },
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    'database-url': { type: 'string' },
  },
});
const ENTRIES = Number(values.entries);
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);

/** The same fixture as bench/rekognition-listing.ts: 70% image-level labels, 20% boxes, 10% unlabeled. */
function line(i: number): string {
  const kind = i % 10;
  if (kind < 7) return classificationLine(i);
  if (kind < 9) return detectionLine(i);
  return unlabeledLine(i);
}

/** The mix every client cycles through: [wire input, repository filter]. */
const MIX: [Record<string, unknown>, EntryFilter][] = [
  [{}, {}],
  [{ ContainsLabels: ['class_7'] }, { containsLabels: ['class_7'] }],
  [{ ContainsLabels: ['class_1', 'object_2', 'class_3'] }, { containsLabels: ['class_1', 'object_2', 'class_3'] }],
  [{ Labeled: false }, { labeled: false }],
  [{ HasErrors: true }, { hasErrors: true }],
  [{ SourceRefContains: '/f07/' }, { sourceRefContains: '/f07/' }],
  [{ SourceRefContains: 'img-0123456' }, { sourceRefContains: 'img-0123456' }],
];
const WALK = 5;

interface Page { DatasetEntries: string[]; NextToken?: string }

async function load(url: string): Promise<string> {
  const { ProjectArn } = await rekognition<{ ProjectArn: string }>(url, 'CreateProject', { ProjectName: 'listing' });
  const { DatasetArn } = await rekognition<{ DatasetArn: string }>(url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
  await waitSettled(url, DatasetArn);
  await loadLines(url, DatasetArn, ENTRIES, line);
  return DatasetArn;
}

/** Runs `step(client, i)` in a loop on CLIENTS clients for SECONDS; resolves to pages per second. */
async function throughput(step: (client: number, i: number) => Promise<void>): Promise<number> {
  let pages = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    for (let i = 0; performance.now() < end; i++) {
      await step(client, i);
      pages++;
    }
  }));
  return (pages * 1000) / (performance.now() - start);
}

async function main(): Promise<void> {
  const server = await benchPostgres(values['database-url']);
  const database = await server.database();
  try {
    const loader = await spawnNodes(1, database.url);
    const loadStart = performance.now();
    const DatasetArn = await load(loader[0].url);
    console.log(`loaded ${ENTRIES} entries through one node in ${ms(performance.now() - loadStart)}; PostgreSQL at ${new URL(server.url).host}`);
    await Promise.all(loader.map((p) => p.stop()));

    const driver = new PostgresDriver({ url: database.url, poolSize: CLIENTS });
    await driver.run('ANALYZE');
    const { id, revision } = (await driver.get<{ id: number; revision: number }>('SELECT id, revision FROM rk_datasets WHERE arn = ?', [DatasetArn]))!;
    const repository = new RkEntriesRepository(driver, driver.dialect);
    const directStep = async (client: number, i: number, after: number[]) => {
      const [, filter] = MIX[i % MIX.length];
      const rows = await repository.page(id, revision, filter, filter === MIX[0][1] ? after[client] : 0, 101);
      // The unfiltered walk goes on from its last row, WALK pages deep, then starts over.
      if (filter === MIX[0][1]) after[client] = rows.length > 100 && (i / MIX.length) % WALK !== WALK - 1 ? rows[99].id : 0;
    };
    const directAfter = new Array<number>(CLIENTS).fill(0);

    // Single-client latencies on one node against the direct query.
    const single = await spawnNodes(1, database.url);
    const url = single[0].url;
    const sample = async (fn: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) times.push((await timed(fn))[1]);
      return median(times);
    };
    let token: string | undefined;
    const deepPages = Math.min(1000, Math.floor(ENTRIES / 100) - 2);
    for (let p = 0; p < deepPages; p++) {
      token = (await rekognition<Page>(url, 'ListDatasetEntries', { DatasetArn, MaxResults: 100, NextToken: token })).NextToken;
    }
    const deepAfter = (await driver.get<{ id: number }>('SELECT id FROM rk_entries WHERE dataset_id = ? ORDER BY id OFFSET ? LIMIT 1', [id, deepPages * 100 - 1]))!.id;
    console.log('\nsingle client, one node: Trove ListDatasetEntries vs the same query run directly');
    const rows: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['first page, no filter', () => rekognition(url, 'ListDatasetEntries', { DatasetArn, MaxResults: 100 }), () => repository.page(id, revision, {}, 0, 101)],
      [`deep page (token after ${deepPages * 100} entries)`, () => rekognition(url, 'ListDatasetEntries', { DatasetArn, MaxResults: 100, NextToken: token }), () => repository.page(id, revision, {}, deepAfter, 101)],
      ...MIX.slice(1).map(([input, filter]): [string, () => Promise<unknown>, () => Promise<unknown>] => [
        `first page, ${JSON.stringify(input)}`, () => rekognition(url, 'ListDatasetEntries', { DatasetArn, MaxResults: 100, ...input }), () => repository.page(id, revision, filter, 0, 101),
      ]),
    ];
    for (const [name, viaTrove, viaSql] of rows) {
      const t = await sample(viaTrove);
      const d = await sample(viaSql);
      console.log(`  ${name.padEnd(62)} Trove ${ms(t).padStart(9)}  direct ${ms(d).padStart(9)}  (${(t / d).toFixed(1)}x)`);
    }
    await Promise.all(single.map((p) => p.stop()));

    console.log(`\n${CLIENTS} concurrent clients for ${SECONDS} s, mix of ${MIX.length} listings (unfiltered ones walked ${WALK} pages deep by token)`);
    console.log('nodes | Trove pages/s | direct SQL pages/s | ratio');
    for (const nodes of nodeCounts(values.nodes)) {
      const trove = await spawnNodes(nodes, database.url);
      const tokens = new Array<string | undefined>(CLIENTS).fill(undefined);
      let next = 0;
      const troveRate = await throughput(async (client, i) => {
        const [input] = MIX[i % MIX.length];
        const walking = input === MIX[0][0];
        const page = await rekognition<Page>(trove[next++ % nodes].url, 'ListDatasetEntries', { DatasetArn, MaxResults: 100, ...input, ...(walking && tokens[client] ? { NextToken: tokens[client] } : {}) });
        if (walking) tokens[client] = (i / MIX.length) % WALK !== WALK - 1 ? page.NextToken : undefined;
      });
      await Promise.all(trove.map((p) => p.stop()));
      const directRate = await throughput((client, i) => directStep(client, i, directAfter));
      console.log(`${String(nodes).padStart(5)} | ${troveRate.toFixed(0).padStart(13)} | ${directRate.toFixed(0).padStart(18)} | ${(troveRate / directRate).toFixed(2)}`);
    }
    await driver.close();
  } finally {
    await database.drop();
    await server.stop();
  }
}

await main();
