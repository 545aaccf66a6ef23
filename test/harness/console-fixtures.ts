import { mkdirSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { dirname, join } from 'node:path';
import {
  AddDatasetExamplesCommand, CreateDatasetCommand as CreateAcDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetExamplesCommand,
  ListDatasetExamplesCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { settled as acSettled } from './agentcore.js';
import type { Example } from './agentcore.js';
import { GIF } from './images.js';
import { picture } from './pictures.js';
import type { Shape } from './pictures.js';
import { classificationLine, detectionLine, settled } from './rekognition.js';

// A small, realistic set of datasets for the console's browser tests and screenshots, loaded
// through the official SDKs exactly as a user's code would: a Rekognition project whose TRAIN
// dataset mixes bounding boxes, image-level labels, unlabeled images and entries with errors,
// and an AgentCore dataset with two published versions that differ.

export const IMAGE_BUCKET = 'console-images';
const W = 320;
const H = 240;

type Box = { label: string; left: number; top: number; width: number; height: number };

export interface RekognitionFixture {
  readonly projectArn: string;
  readonly trainArn: string;
  readonly testArn: string;
  /** A 1600 × 1200 JPEG stored landscape with EXIF orientation 6 (phones' portrait photos), with one box. */
  readonly photoRef: string;
  /** source-ref → what the entry is meant to show. */
  readonly entries: ReadonlyMap<string, { boxes: readonly Box[]; imageLabels: readonly string[]; errorCodes: readonly string[] }>;
}

const HUES: Record<string, number> = { tulip: 345, rose: 5, daisy: 55, sunflower: 42, bee: 30 };

/** Writes the image into the folder object store of the server whose data dir is `dataDir`. */
export function putObject(dataDir: string, bucket: string, key: string, bytes: Buffer): string {
  const file = join(dataDir, 'buckets', bucket, key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return `s3://${bucket}/${key}`;
}

function shapes(boxes: readonly Box[]): Shape[] {
  return boxes.map((b) => ({ left: b.left, top: b.top, width: b.width, height: b.height, hue: HUES[b.label] ?? 200 }));
}

export async function loadRekognitionFixture(client: RekognitionClient, dataDir: string, name = 'flowers'): Promise<RekognitionFixture> {
  const entries = new Map<string, { boxes: Box[]; imageLabels: string[]; errorCodes: string[] }>();
  const lines: string[] = [];
  const put = (key: string, bytes: Buffer) => putObject(dataDir, IMAGE_BUCKET, `${name}/${key}`, bytes);

  const detection = (key: string, boxes: Box[], errorCodes: string[] = [], drawn = boxes, size = { width: W, height: H }) => {
    const ref = put(key, picture(W, H, shapes(drawn), lines.length));
    lines.push(detectionLine(ref, boxes, size));
    entries.set(ref, { boxes, imageLabels: [], errorCodes });
  };
  const classification = (key: string, label: string, picked: Box[] = []) => {
    const ref = put(key, picture(W, H, shapes(picked), lines.length));
    lines.push(classificationLine(ref, label));
    entries.set(ref, { boxes: [], imageLabels: [label], errorCodes: [] });
  };

  detection('tulips-01.png', [{ label: 'tulip', left: 40, top: 60, width: 90, height: 120 }, { label: 'rose', left: 190, top: 80, width: 80, height: 90 }]);
  // A box that runs off the right edge of the image: ERROR_INVALID_BOUNDING_BOX on that box only.
  detection('tulips-02.png', [{ label: 'tulip', left: 30, top: 50, width: 100, height: 130 }, { label: 'tulip', left: 250, top: 70, width: 120, height: 100 }],
    ['ERROR_INVALID_BOUNDING_BOX'], [{ label: 'tulip', left: 30, top: 50, width: 100, height: 130 }, { label: 'tulip', left: 250, top: 70, width: 70, height: 100 }]);
  // A 1-pixel box: ERROR_BOUNDING_BOX_TOO_SMALL.
  detection('bee-01.png', [{ label: 'bee', left: 150, top: 100, width: 1, height: 1 }, { label: 'sunflower', left: 110, top: 40, width: 110, height: 120 }],
    ['ERROR_BOUNDING_BOX_TOO_SMALL'], [{ label: 'sunflower', left: 110, top: 40, width: 110, height: 120 }]);
  // image_size that is not the image's: ERROR_INVALID_IMAGE_DIMENSION (the image check).
  detection('sunflower-01.png', [{ label: 'sunflower', left: 80, top: 30, width: 140, height: 160 }], ['ERROR_INVALID_IMAGE_DIMENSION'],
    [{ label: 'sunflower', left: 80, top: 30, width: 140, height: 160 }], { width: 640, height: 480 });
  for (let i = 1; i <= 6; i++) classification(`rose-${String(i).padStart(2, '0')}.png`, 'rose', [{ label: 'rose', left: 60 + i * 15, top: 70, width: 90, height: 90 }]);
  for (let i = 1; i <= 5; i++) classification(`daisy-${String(i).padStart(2, '0')}.png`, 'daisy', [{ label: 'daisy', left: 40 + i * 20, top: 90, width: 70, height: 70 }]);
  for (let i = 1; i <= 4; i++) {
    const ref = put(`meadow-${String(i).padStart(2, '0')}.png`, picture(W, H, [], lines.length + i));
    lines.push(JSON.stringify({ 'source-ref': ref }));
    entries.set(ref, { boxes: [], imageLabels: [], errorCodes: [] });
  }
  // A phone photo: the pixels are stored landscape, EXIF says "turn 90°". image_size and the box
  // are in the stored grid (as Rekognition reads it), so the console must show it unturned.
  const photo = await sharp(picture(400, 300, shapes([{ label: 'sunflower', left: 60, top: 60, width: 120, height: 150 }]), 7))
    .resize(1600, 1200).jpeg({ quality: 80 }).withMetadata({ orientation: 6 }).toBuffer();
  const photoRef = put('phone-photo.jpg', photo);
  const photoBoxes = [{ label: 'sunflower', left: 240, top: 240, width: 480, height: 600 }];
  lines.push(detectionLine(photoRef, photoBoxes, { width: 1600, height: 1200 }));
  entries.set(photoRef, { boxes: photoBoxes, imageLabels: [], errorCodes: [] });
  // Not a PNG or JPEG: ERROR_INVALID_IMAGE, and the image route refuses to serve it.
  const gif = putObject(dataDir, IMAGE_BUCKET, `${name}/animated.gif`, GIF);
  lines.push(classificationLine(gif, 'daisy'));
  entries.set(gif, { boxes: [], imageLabels: ['daisy'], errorCodes: ['ERROR_INVALID_IMAGE'] });

  const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: name }));
  const { DatasetArn: trainArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
  const { DatasetArn: testArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }));
  await settled(client, trainArn!);
  await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: trainArn, Changes: { GroundTruth: Buffer.from(lines.join('\n')) } }));
  await settled(client, trainArn!);
  await settled(client, testArn!);
  return { projectArn: ProjectArn!, trainArn: trainArn!, testArn: testArn!, entries, photoRef };
}

export interface AgentCoreFixture {
  readonly datasetId: string;
  /** exampleIds by what happened to them between version 1 and version 2. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** The expected response of example `changed[0]`'s first turn in version 1 and in version 2. */
  readonly changedFrom: string;
  readonly changedText: string;
  readonly simulatedId: string;
}

const SUPPORT: Example[] = [
  {
    exampleId: 'refund-policy', scenario_id: 'refund-policy',
    turns: [
      { input: 'Can I return shoes I bought 20 days ago?', expected_response: 'Yes: returns are accepted within 30 days with the receipt.' },
      { input: 'Do I need the box?', expected_response: 'No, the original box is not required.' },
    ],
    expected_trajectory: ['lookup_order', 'policy_search'],
    assertions: ['The agent cites the 30-day window', 'The agent does not ask for the box'],
  },
  {
    exampleId: 'order-status', scenario_id: 'order-status',
    turns: [{ input: 'Where is order 1182?', expected_response: 'Order 1182 shipped yesterday and arrives Friday.' }],
    expected_trajectory: ['lookup_order'],
  },
  {
    exampleId: 'store-hours', scenario_id: 'store-hours',
    turns: [{ input: 'When do you open on Sunday?', expected_response: 'We open at 10:00 on Sundays.' }],
  },
];

export async function loadAgentCoreFixture(client: BedrockAgentCoreControlClient, name = 'support_bot'): Promise<AgentCoreFixture> {
  const { datasetId } = await client.send(new CreateAcDatasetCommand({
    datasetName: name, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', description: 'Questions customers ask the support agent',
    source: { inlineExamples: { examples: SUPPORT } },
  }));
  await acSettled(client, datasetId!);
  await client.send(new CreateDatasetVersionCommand({ datasetId }));
  await acSettled(client, datasetId!);

  const changedText = 'Yes: returns are accepted within 45 days with the receipt or the order number.';
  const refund = structuredClone(SUPPORT[0]);
  refund['turns'][0].expected_response = changedText;
  refund['assertions'] = ['The agent cites the 45-day window'];
  await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [refund] }));
  await acSettled(client, datasetId!);
  await client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: ['store-hours'] }));
  await acSettled(client, datasetId!);
  await client.send(new AddDatasetExamplesCommand({
    datasetId,
    source: { inlineExamples: { examples: [{
      exampleId: 'damaged-item', scenario_id: 'damaged-item',
      turns: [{ input: 'My lamp arrived broken.', expected_response: 'Sorry! I have started a replacement; no need to send it back.' }],
      expected_trajectory: ['lookup_order', 'create_replacement'],
    }] } },
  }));
  await acSettled(client, datasetId!);
  await client.send(new CreateDatasetVersionCommand({ datasetId }));
  await acSettled(client, datasetId!);

  const { datasetId: simulatedId } = await client.send(new CreateAcDatasetCommand({
    datasetName: `${name}_simulated`, schemaType: 'AGENTCORE_EVALUATION_SIMULATED_V1',
    source: { inlineExamples: { examples: [{
      exampleId: 'angry-refund', scenario_id: 'angry-refund', scenario_description: 'A customer who waited too long for a refund',
      actor_profile: { context: 'Returned a jacket 3 weeks ago; no refund yet', goal: 'Get the refund today', traits: { mood: 'impatient' } },
      input: 'I want my money back!', max_turns: 6, assertions: ['The agent apologises', 'The agent gives a date'],
    }] } },
  }));
  await acSettled(client, simulatedId!);
  // Sanity: the examples are listed (the console reads them the same way).
  await client.send(new ListDatasetExamplesCommand({ datasetId }));
  return {
    datasetId: datasetId!, added: ['damaged-item'], removed: ['store-hours'], changed: ['refund-policy'],
    changedFrom: SUPPORT[0]['turns'][0].expected_response, changedText, simulatedId: simulatedId!,
  };
}
