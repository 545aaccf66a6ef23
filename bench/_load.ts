import { classificationLine, detectionLine, unlabeledLine } from './lib/fixtures.js';
import { rekognition, spawnTrove, waitSettled } from './lib/trove-process.js';
const trove = await spawnTrove(['--data-dir', process.argv[2]]);
const call = <T>(op: string, input: unknown) => rekognition<T>(trove.url, op, input);
const { ProjectArn } = await call<{ ProjectArn: string }>('CreateProject', { ProjectName: 'p' });
const { DatasetArn } = await call<{ DatasetArn: string }>('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
await waitSettled(trove.url, DatasetArn);
const line = (i: number) => (i % 10 < 7 ? classificationLine(i) : i % 10 < 9 ? detectionLine(i) : unlabeledLine(i));
for (let s = 0; s < Number(process.argv[3]); s += 10000) {
  await call('UpdateDatasetEntries', { DatasetArn, Changes: { GroundTruth: Buffer.from(Array.from({ length: 10000 }, (_, i) => line(s + i)).join('\n')).toString('base64') } });
  await waitSettled(trove.url, DatasetArn);
}
console.log(await waitSettled(trove.url, DatasetArn));
await trove.stop();
