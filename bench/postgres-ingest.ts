/**
 * Ingest on PostgreSQL with 1, 2 and 3 Trove nodes (issue #4): `--datasets` clients, spread
 * round-robin over the nodes, each send `--updates` UpdateDatasetEntries of ~5 MB of new
 * classification lines to their own dataset, waiting for UPDATE_COMPLETE in between. Reports
 * lines applied per second from the first request to the last completion, and, in the same run
 * and at the same concurrency, PostgreSQL doing the bulk upsert directly (multi-row
 * INSERT ... ON CONFLICT, 1000 rows per statement, one transaction per batch):
 *   - one-table: (dataset_id, source_ref) primary key and the line — the plain upsert;
 *   - same-schema: Trove's own tables and indexes (entry rows with the trigram index, label rows).
 *
 *   npm run build && npx tsx bench/postgres-ingest.ts [--nodes 1,2,3] [--datasets 6] [--updates 2] [--database-url URL]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { validateLine } from '../src/domain/rekognition/manifest/validate-line.js';
import { PostgresDriver } from '../src/store/postgres/postgres-driver.js';
import { blobOf, classificationLine } from './lib/fixtures.js';
import { benchPostgres, nodeCounts, perSecond, spawnNodes } from './lib/postgres.js';
import { median, ms, rekognition, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1,2,3' },
    datasets: { type: 'string', default: '6' },
    updates: { type: 'string', default: '2' },
    'database-url': { type: 'string' },
  },
});
const DATASETS = Number(values.datasets);
const UPDATES = Number(values.updates);
const LIMIT = 5_000_000;

interface Batch { dataset: number; lines: string[]; base64: string }
interface Row { sourceRef: string; line: string; labels: string; label: string }

/** Every batch, built before any clock starts: dataset d's update u holds fresh source-refs. */
function batches(): Batch[][] {
  return Array.from({ length: DATASETS }, (_, d) => Array.from({ length: UPDATES }, (_, u) => {
    const { blob, lines } = blobOf(classificationLine, LIMIT, (d * UPDATES + u) * 1_000_000);
    return { dataset: d, lines, base64: blob.toString('base64') };
  }));
}

async function troveRun(nodes: number, databaseUrl: string, work: Batch[][]): Promise<{ ms: number; lines: number; acks: number[] }> {
  const trove = await spawnNodes(nodes, databaseUrl);
  let next = 0;
  const node = () => trove[next++ % trove.length].url;
  try {
    const arns = await Promise.all(work.map(async (_, d) => {
      const { ProjectArn } = await rekognition<{ ProjectArn: string }>(node(), 'CreateProject', { ProjectName: `ingest-${d}` });
      const { DatasetArn } = await rekognition<{ DatasetArn: string }>(node(), 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
      await waitSettled(node(), DatasetArn);
      return DatasetArn;
    }));
    const acks: number[] = [];
    let lines = 0;
    const start = performance.now();
    await Promise.all(work.map(async (updates, d) => {
      for (const batch of updates) {
        const sent = performance.now();
        await rekognition(node(), 'UpdateDatasetEntries', { DatasetArn: arns[d], Changes: { GroundTruth: batch.base64 } });
        acks.push(performance.now() - sent);
        const settled = await waitSettled(node(), arns[d]);
        if (settled.Status !== 'UPDATE_COMPLETE') throw new Error(JSON.stringify(settled));
        lines += batch.lines.length;
      }
    }));
    return { ms: performance.now() - start, lines, acks };
  } finally {
    await Promise.all(trove.map((p) => p.stop()));
  }
}

function parse(batch: Batch): Row[] {
  return batch.lines.map((text) => {
    const outcome = validateLine(text);
    if (outcome.kind !== 'entry') throw new Error('fixture line dropped');
    const labels = outcome.entry.labels.map((l) => [l.name, l.boxes]);
    return { sourceRef: outcome.entry.sourceRef, line: outcome.entry.line, labels: JSON.stringify(labels), label: outcome.entry.labels[0].name };
  });
}

/** One connection per dataset, as many at once as Trove had clients; one transaction per batch. */
async function direct(databaseUrl: string, work: Row[][][], writeBatch: (client: pg.Client, dataset: number, rows: Row[]) => Promise<void>): Promise<number> {
  const clients = await Promise.all(work.map(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return client;
  }));
  try {
    const start = performance.now();
    await Promise.all(work.map(async (updates, d) => {
      for (const rows of updates) {
        await clients[d].query('BEGIN');
        for (let i = 0; i < rows.length; i += 1000) await writeBatch(clients[d], d + 1, rows.slice(i, i + 1000));
        await clients[d].query('COMMIT');
      }
    }));
    return performance.now() - start;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

function values_(rows: Row[], width: number, first = 1): string {
  return rows.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${first + r * width + c}`).join(', ')})`).join(', ');
}

async function oneTable(databaseUrl: string, work: Row[][][]): Promise<number> {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query('CREATE TABLE entries (dataset_id BIGINT NOT NULL, source_ref TEXT COLLATE "C" NOT NULL, line TEXT NOT NULL, PRIMARY KEY (dataset_id, source_ref))');
  await setup.end();
  return direct(databaseUrl, work, async (client, dataset, rows) => {
    await client.query(
      `INSERT INTO entries (dataset_id, source_ref, line) VALUES ${values_(rows, 3)} ON CONFLICT (dataset_id, source_ref) DO UPDATE SET line = excluded.line`,
      rows.flatMap((row) => [dataset, row.sourceRef, row.line]),
    );
  });
}

async function sameSchema(databaseUrl: string, work: Row[][][]): Promise<number> {
  const driver = new PostgresDriver({ url: databaseUrl, poolSize: 1 });
  await driver.migrate();
  await driver.close();
  return direct(databaseUrl, work, async (client, dataset, rows) => {
    const inserted = await client.query<{ id: string; source_ref: string }>(
      `INSERT INTO rk_entries (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES ${values_(rows, 7)} RETURNING id, source_ref`,
      rows.flatMap((row) => [dataset, row.sourceRef, row.line, row.labels, 1, 0, 1]),
    );
    const ids = new Map(inserted.rows.map((row) => [row.source_ref, row.id]));
    await client.query(
      `INSERT INTO rk_entry_labels (dataset_id, label, entry_id, has_errors, source_ref) VALUES ${values_(rows, 5)}`,
      rows.flatMap((row) => [dataset, row.label, ids.get(row.sourceRef)!, 0, row.sourceRef]),
    );
  });
}

async function main(): Promise<void> {
  const server = await benchPostgres(values['database-url']);
  try {
    const work = batches();
    const parsed = work.map((updates) => updates.map(parse));
    const total = work.flat().reduce((sum, b) => sum + b.lines.length, 0);
    console.log(`${DATASETS} clients × ${UPDATES} UpdateDatasetEntries of ~5 MB (${work[0][0].lines.length} lines each), ${total} lines per run; PostgreSQL at ${new URL(server.url).host}`);
    console.log('nodes | Trove lines/s (s)      | ack p50   | direct one-table upsert lines/s | ratio | direct same-schema lines/s | ratio');
    for (const nodes of nodeCounts(values.nodes)) {
      const forTrove = await server.database();
      const run = await troveRun(nodes, forTrove.url, work);
      await forTrove.drop();
      if (run.lines !== total) throw new Error(`applied ${run.lines} of ${total}`);
      const forOne = await server.database();
      const one = await oneTable(forOne.url, parsed);
      await forOne.drop();
      const forSame = await server.database();
      const same = await sameSchema(forSame.url, parsed);
      await forSame.drop();
      const rate = perSecond(total, run.ms);
      console.log(
        `${String(nodes).padStart(5)} | ${String(rate).padStart(8)} (${(run.ms / 1000).toFixed(1)} s)`.padEnd(32)
        + ` | ${ms(median(run.acks)).padStart(9)} | ${String(perSecond(total, one)).padStart(31)} | ${(one / run.ms).toFixed(2).padStart(5)}`
        + ` | ${String(perSecond(total, same)).padStart(26)} | ${(same / run.ms).toFixed(2).padStart(5)}`,
      );
    }
  } finally {
    await server.stop();
  }
}

await main();
