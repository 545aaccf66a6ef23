import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '/work/main/src/config/load.js';
import { createLogger } from '/work/main/src/observability/logger.js';
import { startTrove } from '/work/main/src/trove.js';
import { blobOf, classificationLine } from '/work/main/bench/lib/fixtures.js';
import { rekognition, waitSettled } from '/work/main/bench/lib/trove-process.js';
const sync = (process.argv[2] ?? 'FULL') as 'FULL' | 'NORMAL';
const trove = await startTrove(loadConfig({ overrides: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'prof-')), logLevel: 'silent', sqliteSynchronous: sync } }), createLogger('silent'));
for (let run = 0; run < 3; run++) {
  const { blob } = blobOf(classificationLine, 5_242_880, run * 1_000_000);
  const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: `p${run}` });
  const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
  await waitSettled(trove.url, DatasetArn);
  const t = performance.now();
  await rekognition(trove.url, 'UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: blob.toString('base64') } });
  const ack = performance.now() - t;
  await trove.runner.idle();
  console.log(sync, 'ack', ack.toFixed(0), 'complete', (performance.now() - t).toFixed(0));
}
await trove.close();
