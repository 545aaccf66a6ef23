import {
  CreateDatasetCommand, CreateProjectCommand, DeleteDatasetCommand, DescribeDatasetCommand, DescribeProjectsCommand,
  UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { DatasetDescription, RekognitionClient } from '@aws-sdk/client-rekognition';
import { DEMO_BUCKET, DEMO_PROJECT } from './names.js';
import { drawScene, OBJECTS, SCENES, seededRandom } from './scenes.js';
import type { Box, Scene } from './scenes.js';
import { isError, until, untilGone } from './wait.js';

// The Rekognition half of `trove demo`: a Custom Labels project whose TRAIN and TEST datasets hold
// generated pictures with image-level labels (the time of day) and boxes (balloons, kites,
// parcels), a few unlabeled images, and a few deliberate mistakes of different kinds, so every
// view of the console has something to show. Loaded only through the public API.


const WIDTH = 320;
const HEIGHT = 240;
const CREATED = '2026-01-15T09:30:00.000Z';

export interface DemoImage {
  /** Key in DEMO_BUCKET. */
  readonly key: string;
  readonly bytes: Buffer;
}

export interface DemoDataset {
  readonly type: 'TRAIN' | 'TEST';
  /** Ground Truth manifest lines, one per image. */
  readonly lines: readonly string[];
  readonly images: readonly DemoImage[];
}

/** What a picture shows and how its line labels it (a mistake makes the two differ). */
interface Picture {
  readonly scene: Scene;
  readonly boxes: readonly Box[];
  readonly labeled: boolean;
  readonly mistake?: Mistake;
}

/**
 * The deliberate labelling mistakes, each giving a different error code:
 * off-frame box ERROR_INVALID_BOUNDING_BOX, unknown class ERROR_MISSING_CLASS_MAP_ID, a 1-pixel box
 * ERROR_BOUNDING_BOX_TOO_SMALL, an image_size that is not the image's ERROR_INVALID_IMAGE_DIMENSION
 * (found by the image checks, so only where Trove can read the image), a scene label without its
 * confidence ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT, a box without its confidence
 * ERROR_MISSING_BOUNDING_BOX_CONFIDENCE.
 */
type Mistake = 'off-frame' | 'unknown-class' | 'tiny-box' | 'wrong-size' | 'scene-confidence' | 'box-confidence';

const TRAIN_MISTAKES: Readonly<Record<number, Mistake>> = { 4: 'off-frame', 9: 'unknown-class', 14: 'tiny-box', 19: 'wrong-size', 24: 'scene-confidence' };
const TEST_MISTAKES: Readonly<Record<number, Mistake>> = { 7: 'box-confidence' };

/** The TRAIN entries with errors once Trove has read the pictures (the wrong image_size is found only then). */
export const TRAIN_ERRORS = Object.keys(TRAIN_MISTAKES).length;

/** The demo's two datasets: 30 TRAIN images (3 unlabeled, 5 with mistakes) and 10 TEST images (1 mistake). Same bytes every run. */
export function rekognitionDemoData(): { train: DemoDataset; test: DemoDataset } {
  return { train: dataset('TRAIN', 30, 3, TRAIN_MISTAKES, 1), test: dataset('TEST', 10, 0, TEST_MISTAKES, 2) };
}

function dataset(type: 'TRAIN' | 'TEST', count: number, unlabeled: number, mistakes: Readonly<Record<number, Mistake>>, seed: number): DemoDataset {
  const random = seededRandom(seed);
  const lines: string[] = [];
  const images: DemoImage[] = [];
  for (let i = 0; i < count; i++) {
    const scene = SCENES[Math.floor(random() * SCENES.length)];
    const picture: Picture = { scene, boxes: placeObjects(random, 1 + Math.floor(random() * 3)), labeled: i < count - unlabeled, mistake: mistakes[i] };
    // Every fourth picture is a JPEG, the others PNGs: both formats Custom Labels accepts (JPEG
    // encoding in JavaScript is the slowest step of the demo).
    const jpeg = i % 4 === 2;
    const key = `rekognition/${type.toLowerCase()}/${scene}-${String(i + 1).padStart(2, '0')}.${jpeg ? 'jpg' : 'png'}`;
    const raster = drawScene(WIDTH, HEIGHT, scene, drawnObjects(picture), seed * 100 + i);
    images.push({ key, bytes: jpeg ? raster.jpeg() : raster.png() });
    lines.push(JSON.stringify(manifestLine(`s3://${DEMO_BUCKET}/${key}`, picture)));
  }
  return { type, lines, images };
}

/** Up to `count` objects that do not overlap: balloons and kites in the sky, parcels on the ground. */
function placeObjects(random: () => number, count: number): Box[] {
  const boxes: Box[] = [];
  for (let attempt = 0; boxes.length < count && attempt < 50; attempt++) {
    const label = OBJECTS[Math.floor(random() * OBJECTS.length)];
    const width = Math.round(36 + random() * 54);
    const height = Math.round(label === 'balloon' ? width * 1.2 : label === 'kite' ? width * 1.3 : width * 0.75);
    const left = Math.round(4 + random() * (WIDTH - width - 8));
    const top = label === 'parcel'
      ? Math.round(HEIGHT * 0.7 + random() * Math.max(1, HEIGHT * 0.3 - height - 4)) - Math.round(height / 2)
      : Math.round(4 + random() * Math.max(1, HEIGHT * 0.6 - height));
    const box = { label, left, top, width, height };
    if (boxes.every((other) => !overlaps(box, other))) boxes.push(box);
  }
  return boxes;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.left + b.width + 6 && b.left < a.left + a.width + 6 && a.top < b.top + b.height + 6 && b.top < a.top + a.height + 6;
}

/** What the picture shows: the mistakes are in the labels, not in the image (a 1-pixel box marks nothing). */
function drawnObjects(picture: Picture): readonly Box[] {
  if (picture.mistake === 'off-frame') return [...picture.boxes, offFrameBox()];
  return picture.boxes;
}

function offFrameBox(): Box {
  return { label: 'kite', left: WIDTH - 40, top: 30, width: 70, height: 80 };
}

function manifestLine(sourceRef: string, picture: Picture): Record<string, unknown> {
  if (!picture.labeled) return { 'source-ref': sourceRef };
  const { mistake } = picture;
  const boxes = [...picture.boxes];
  if (mistake === 'off-frame') boxes.push(offFrameBox());
  if (mistake === 'tiny-box') boxes.push({ label: 'balloon', left: 150, top: 20, width: 1, height: 1 });
  const annotations = boxes.map((b, i) => ({
    // A class the class-map does not name (a "drone" nobody added to the labelling job).
    class_id: mistake === 'unknown-class' && i === 0 ? OBJECTS.length : OBJECTS.indexOf(b.label),
    left: b.left, top: b.top, width: b.width, height: b.height,
  }));
  const size = mistake === 'wrong-size' ? { width: WIDTH * 2, height: HEIGHT * 2 } : { width: WIDTH, height: HEIGHT };
  return {
    'source-ref': sourceRef,
    scene: SCENES.indexOf(picture.scene),
    'scene-metadata': {
      ...(mistake === 'scene-confidence' ? {} : { confidence: 1 }),
      'job-name': 'labeling-job/scene', 'class-name': picture.scene, 'human-annotated': 'yes', 'creation-date': CREATED,
      type: 'groundtruth/image-classification',
    },
    'bounding-box': { image_size: [{ ...size, depth: 3 }], annotations },
    'bounding-box-metadata': {
      objects: (mistake === 'box-confidence' ? annotations.slice(1) : annotations).map(() => ({ confidence: 1 })),
      'class-map': Object.fromEntries(OBJECTS.map((name, id) => [String(id), name])),
      type: 'groundtruth/object-detection', 'human-annotated': 'yes', 'creation-date': CREATED, 'job-name': 'labeling-job/bounding-box',
    },
  };
}

/** A demo dataset Trove did not accept (the command explains the likely cause). */
export class DemoDatasetFailed extends Error {
  override readonly name = 'DemoDatasetFailed';
}

export interface LoadedProject {
  readonly projectArn: string;
  readonly datasets: readonly { readonly type: 'TRAIN' | 'TEST'; readonly datasetArn: string; readonly description: DatasetDescription }[];
}

/**
 * Creates (or empties) the project `trove-demo` and loads the two datasets through the API,
 * replacing what an earlier run left. Only this project is touched. `prepare` makes the datasets
 * (and puts their pictures where Trove reads them); it runs once the first call has shown that
 * Trove answers and accepts the credentials, so a mistake there is reported at once.
 */
export async function loadRekognitionDemo(client: RekognitionClient, prepare: () => { train: DemoDataset; test: DemoDataset }): Promise<LoadedProject> {
  const projectArn = await emptyProject(client);
  const data = prepare();
  const datasets = await Promise.all([data.train, data.test].map(async (demo) => {
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn: projectArn, DatasetType: demo.type }));
    await settled(client, DatasetArn!);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: Buffer.from(demo.lines.join('\n')) } }));
    const done = await settled(client, DatasetArn!);
    if (done.Status !== 'UPDATE_COMPLETE') throw new DemoDatasetFailed(`the ${demo.type} dataset ended in ${done.Status}: ${done.StatusMessage}`);
    return { type: demo.type, datasetArn: DatasetArn!, description: done };
  }));
  return { projectArn, datasets };
}

/** The demo project without datasets: created, or emptied when an earlier run made it. */
async function emptyProject(client: RekognitionClient): Promise<string> {
  const { ProjectDescriptions = [] } = await client.send(new DescribeProjectsCommand({ ProjectNames: [DEMO_PROJECT] }));
  const project = ProjectDescriptions.find((p) => p.Status !== 'DELETING');
  if (!project) return (await client.send(new CreateProjectCommand({ ProjectName: DEMO_PROJECT }))).ProjectArn!;
  await Promise.all((project.Datasets ?? []).map(async ({ DatasetArn }) => {
    const current = await settled(client, DatasetArn!).catch((error: unknown) => (isError(error, 'ResourceNotFoundException') ? undefined : Promise.reject(error)));
    if (current && current.Status !== 'DELETE_IN_PROGRESS') await client.send(new DeleteDatasetCommand({ DatasetArn }));
    await untilGone(`the old ${DatasetArn} to be deleted`, () => client.send(new DescribeDatasetCommand({ DatasetArn })));
  }));
  return project.ProjectArn!;
}

async function settled(client: RekognitionClient, DatasetArn: string): Promise<DatasetDescription> {
  return until(`dataset ${DatasetArn}`, async () => {
    const { DatasetDescription } = await client.send(new DescribeDatasetCommand({ DatasetArn }));
    return DatasetDescription?.Status?.endsWith('_IN_PROGRESS') && DatasetDescription.Status !== 'DELETE_IN_PROGRESS' ? undefined : DatasetDescription;
  });
}
