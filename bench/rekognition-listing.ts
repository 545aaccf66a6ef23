/**
 * Listing benchmark (issue #2) on a 250,000-entry dataset (the AWS maximum), against a real
 * `bin/trove` process. Targets: a page deep in the listing costs at most 1.5x the first page;
 * each filter's page at most 2x the unfiltered one; DescribeDataset does not slow down with size;
 * a page token for any position (GetDatasetEntriesPageToken, Trove's API) in under 1 s, against
 * walking the pages there.
 *
 *   npm run build && npx tsx bench/rekognition-listing.ts [--entries 250000] [--samples 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { classificationLine, detectionLine, unlabeledLine } from './lib/fixtures.js';
import { loadLines, median, ms, rekognition, spawnTrove, timed, troveApi, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '250000' }, samples: { type: 'string', default: '30' } } });
const ENTRIES = Number(values.entries);
const SAMPLES = Number(values.samples);

/** 70% image-level labels (50 classes), 20% boxes (every 10th with an off-frame box), 10% unlabeled. */
function line(i: number): string {
  const kind = i % 10;
  if (kind < 7) return classificationLine(i);
  if (kind < 9) return detectionLine(i);
  return unlabeledLine(i);
}

interface Page { DatasetEntries: string[]; NextToken?: string }

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-listing-'));
  const trove = await spawnTrove(['--data-dir', dataDir]);
  const call = <T>(operation: string, input: unknown) => rekognition<T>(trove.url, operation, input);
  try {
    const { ProjectArn } = await call<{ ProjectArn: string }>('CreateProject', { ProjectName: 'listing' });
    const { DatasetArn } = await call<{ DatasetArn: string }>('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    const { DatasetArn: small } = await call<{ DatasetArn: string }>('CreateDataset', { ProjectArn, DatasetType: 'TEST' });
    await waitSettled(trove.url, DatasetArn);
    await waitSettled(trove.url, small);
    await call('UpdateDatasetEntries', { DatasetArn: small, Changes: { GroundTruth: Buffer.from(Array.from({ length: 100 }, (_, i) => line(i)).join('\n')).toString('base64') } });
    const loadStart = performance.now();
    await loadLines(trove.url, DatasetArn, ENTRIES, line);
    const described = await waitSettled(trove.url, DatasetArn);
    console.log(`loaded ${described.DatasetStats.TotalEntries} entries in ${ms(performance.now() - loadStart)}; stats ${JSON.stringify(described.DatasetStats)}`);

    const sample = async (input: Record<string, unknown>): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) times.push((await timed(() => call<Page>('ListDatasetEntries', { DatasetArn, MaxResults: 100, ...input })))[1]);
      return median(times);
    };

    // Walk the whole listing once, keeping the token of the middle and of the last full page.
    const tokens: string[] = [];
    const walkStart = performance.now();
    let page = await call<Page>('ListDatasetEntries', { DatasetArn, MaxResults: 100 });
    let count = page.DatasetEntries.length;
    while (page.NextToken) {
      tokens.push(page.NextToken);
      page = await call<Page>('ListDatasetEntries', { DatasetArn, MaxResults: 100, NextToken: page.NextToken });
      count += page.DatasetEntries.length;
    }
    if (count !== ENTRIES) throw new Error(`listed ${count} of ${ENTRIES}`);
    const walkMs = performance.now() - walkStart;
    const first = await sample({});
    const middle = await sample({ NextToken: tokens[Math.floor(tokens.length / 2)] });
    const deep = await sample({ NextToken: tokens[tokens.length - 2] });
    console.log(`\nunfiltered page of 100: first ${ms(first)}, middle ${ms(middle)} (${(middle / first).toFixed(2)}x), deep (page ${tokens.length - 1}) ${ms(deep)} (${(deep / first).toFixed(2)}x, target <= 1.5x)`);

    console.log('\nfirst page of 100 per filter, vs the unfiltered first page (target <= 2x):');
    const filters: [string, Record<string, unknown>][] = [
      ['ContainsLabels [class_7] (~1.4%)', { ContainsLabels: ['class_7'] }],
      ['ContainsLabels [class_1, object_2, class_3]', { ContainsLabels: ['class_1', 'object_2', 'class_3'] }],
      ['ContainsLabels [nothing-has-it]', { ContainsLabels: ['nothing-has-it'] }],
      ['Labeled=true (90%)', { Labeled: true }],
      ['Labeled=false (10%)', { Labeled: false }],
      ['HasErrors=true (2%)', { HasErrors: true }],
      ['HasErrors=false (98%)', { HasErrors: false }],
      ['SourceRefContains "/f07/" (1%)', { SourceRefContains: '/f07/' }],
      ['SourceRefContains "img-0123456" (1 match)', { SourceRefContains: 'img-0123456' }],
      ['SourceRefContains ".png" (20%)', { SourceRefContains: '.png' }],
      ['SourceRefContains "7." (2 chars, 10%)', { SourceRefContains: '7.' }],
      ['SourceRefContains "img-00001" (100-entry prefix)', { SourceRefContains: 'img-00001' }],
      ['SourceRefContains "nothing-has-it"', { SourceRefContains: 'nothing-has-it' }],
      ['ContainsLabels + HasErrors + SourceRefContains', { ContainsLabels: ['object_1', 'object_2'], HasErrors: true, SourceRefContains: '.png' }],
      // Combinations whose filters each match many entries but together none or few (issue #16).
      ['ContainsLabels + HasErrors + SourceRefContains (none)', { ContainsLabels: ['class_1'], HasErrors: true, SourceRefContains: '.png' }],
      ['ContainsLabels + HasErrors (none)', { ContainsLabels: ['class_1'], HasErrors: true }],
      ['ContainsLabels + Labeled=false (none)', { ContainsLabels: ['object_3'], Labeled: false }],
      ['ContainsLabels + SourceRefContains (none)', { ContainsLabels: ['class_1'], SourceRefContains: '.png' }],
      ['ContainsLabels + SourceRefContains (1 match)', { ContainsLabels: ['class_1'], SourceRefContains: 'img-0000010.' }],
      ['HasErrors + SourceRefContains (none)', { HasErrors: true, SourceRefContains: '.jpg' }],
      ['HasErrors + Labeled=false (none)', { HasErrors: true, Labeled: false }],
      ['Labeled=false + SourceRefContains (none)', { Labeled: false, SourceRefContains: '.png' }],
      ['HasErrors=false + SourceRefContains "img-0123456"', { HasErrors: false, SourceRefContains: 'img-0123456' }],
    ];
    for (const [name, filter] of filters) {
      const time = await sample(filter);
      const matches = (await call<Page>('ListDatasetEntries', { DatasetArn, MaxResults: 100, ...filter })).DatasetEntries.length;
      console.log(`  ${name.padEnd(48)} ${ms(time).padStart(9)}  ${(time / first).toFixed(2)}x  (${matches} on the page)`);
    }

    // Any position at once: the token for position N, then its page (what the console does on a far jump).
    console.log(`\nGetDatasetEntriesPageToken + that page of 100 (target < 1 s; walking all ${tokens.length + 1} pages took ${ms(walkMs)}, ${ms(walkMs / 2)} to the middle):`);
    const positions: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['no filter', {}, {}],
      ['Labeled=true (90%)', { labeled: true }, { Labeled: true }],
      ['HasErrors=true (2%)', { hasErrors: true }, { HasErrors: true }],
      ['ContainsLabels [class_1, object_2, class_3]', { containsLabels: ['class_1', 'object_2', 'class_3'] }, { ContainsLabels: ['class_1', 'object_2', 'class_3'] }],
      ['SourceRefContains ".png" (20%)', { sourceRefContains: '.png' }, { SourceRefContains: '.png' }],
    ];
    for (const [name, filter, listFilter] of positions) {
      const { entryCount } = await troveApi<{ entryCount: number }>(trove.url, 'POST', '/_trove/api/rekognition/entries-page-token', { datasetArn: DatasetArn, position: 1e9, ...filter });
      const at = async (position: number) => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          times.push((await timed(async () => {
            const { nextToken } = await troveApi<{ nextToken: string }>(trove.url, 'POST', '/_trove/api/rekognition/entries-page-token', { datasetArn: DatasetArn, position, ...filter });
            await call<Page>('ListDatasetEntries', { DatasetArn, MaxResults: 100, NextToken: nextToken, ...listFilter });
          }))[1]);
        }
        return median(times);
      };
      const [middleAt, endAt] = [await at(Math.floor(entryCount / 2)), await at(entryCount - 1)];
      console.log(`  ${name.padEnd(48)} ${entryCount} entries: middle ${ms(middleAt).padStart(9)}, last ${ms(endAt).padStart(9)} (${(endAt / first).toFixed(1)}x the first page)`);
    }

    const describe = async (arn: string) => {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) times.push((await timed(() => call('DescribeDataset', { DatasetArn: arn })))[1]);
      return median(times);
    };
    const big = await describe(DatasetArn);
    const tiny = await describe(small);
    console.log(`\nDescribeDataset: ${ENTRIES} entries ${ms(big)}, 100 entries ${ms(tiny)} (${(big / tiny).toFixed(2)}x)`);
    const labelsTime = median(await Promise.all(Array.from({ length: 5 }, async () => (await timed(() => call('ListDatasetLabels', { DatasetArn })))[1])));
    console.log(`ListDatasetLabels (100 labels) on ${ENTRIES} entries: ${ms(labelsTime)}`);
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
