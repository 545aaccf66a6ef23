/**
 * Errors by code on a dataset whose every entry has errors (the worst case: no index narrows the
 * walk), against a real `bin/trove` process on SQLite: GetDatasetErrorCounts followed to its end
 * (the console's summary) against reading every entry with errors through ListDatasetEntries
 * (what the console did before, capped at 2,000 entries).
 *
 *   npm run build && npx tsx bench/rekognition-error-counts.ts [--entries 250000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLines, ms, rekognition, spawnTrove, timed, troveApi, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '250000' } } });
const ENTRIES = Number(values.entries);

/** Two or three boxes, the first off the frame; every third entry's last box also too small. */
function line(i: number): string {
  const boxes = [{ class_id: 0, top: 10, left: 1000, width: 100, height: 80 }, { class_id: 1, top: 100, left: 20, width: 100, height: 80 }];
  if (i % 3 === 0) boxes.push({ class_id: 1, top: 200, left: 20, width: 0, height: 80 });
  return JSON.stringify({
    'source-ref': `s3://bench-bucket/errors/${Math.floor(i / 1000)}/img-${String(i).padStart(7, '0')}.png`,
    'bounding-box': { image_size: [{ width: 1024, height: 768, depth: 3 }], annotations: boxes },
    'bounding-box-metadata': {
      objects: boxes.map(() => ({ confidence: 1 })), 'class-map': { 0: 'car', 1: 'bike' }, type: 'groundtruth/object-detection',
      'human-annotated': 'yes', 'creation-date': '2024-01-01T00:00:00', 'job-name': 'bench',
    },
  });
}

interface Counts { entriesRead: number; errorCounts: { code: string; entries: number }[]; nextToken?: string }
interface Page { DatasetEntries: string[]; NextToken?: string }

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-error-counts-'));
  const trove = await spawnTrove(['--data-dir', dataDir]);
  const call = <T>(operation: string, input: unknown) => rekognition<T>(trove.url, operation, input);
  try {
    const { ProjectArn } = await call<{ ProjectArn: string }>('CreateProject', { ProjectName: 'errors' });
    const { DatasetArn } = await call<{ DatasetArn: string }>('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    await waitSettled(trove.url, DatasetArn);
    await loadLines(trove.url, DatasetArn, ENTRIES, line);
    const described = await waitSettled(trove.url, DatasetArn);
    console.log(`loaded: ${JSON.stringify(described.DatasetStats)}`);

    const path = `/_trove/api/rekognition/datasets/${encodeURIComponent(DatasetArn)}/error-counts`;
    for (let run = 0; run < 3; run++) {
      let calls = 0;
      let read = 0;
      const totals = new Map<string, number>();
      const [, walkMs] = await timed(async () => {
        let token: string | undefined;
        do {
          const answer = await troveApi<Counts>(trove.url, 'GET', token ? `${path}?nextToken=${encodeURIComponent(token)}` : path);
          calls += 1;
          read += answer.entriesRead;
          for (const { code, entries } of answer.errorCounts) totals.set(code, (totals.get(code) ?? 0) + entries);
          token = answer.nextToken;
        } while (token);
      });
      console.log(`GetDatasetErrorCounts to the end: ${ms(walkMs)} in ${calls} calls, ${read} entries, ${JSON.stringify(Object.fromEntries(totals))}`);
    }
    const [, listMs] = await timed(async () => {
      let token: string | undefined;
      do token = (await call<Page>('ListDatasetEntries', { DatasetArn, HasErrors: true, MaxResults: 100, NextToken: token })).NextToken;
      while (token);
    });
    console.log(`ListDatasetEntries HasErrors=true, every page (the transfer alone, no parsing in a browser): ${ms(listMs)}`);
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
