import { DescribeDatasetCommand, ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { DatasetDescription, ListDatasetEntriesCommandInput, RekognitionClient } from '@aws-sdk/client-rekognition';
import { eventually } from './server.js';

/** Waits until the dataset leaves its *_IN_PROGRESS status and returns its description. */
export async function settled(client: RekognitionClient, datasetArn: string): Promise<DatasetDescription> {
  return eventually(async () => {
    const { DatasetDescription: d } = await client.send(new DescribeDatasetCommand({ DatasetArn: datasetArn }));
    return d && !d.Status?.endsWith('_IN_PROGRESS') ? d : undefined;
  }, 30_000, `dataset ${datasetArn} to settle`);
}

/** Every entry of a listing, page by page, parsed. */
export async function allEntries(client: RekognitionClient, input: ListDatasetEntriesCommandInput): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListDatasetEntriesCommand({ ...input, NextToken }));
    lines.push(...(page.DatasetEntries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Ground Truth lines: image-level (classification) and bounding-box (detection). */
export function classificationLine(sourceRef: string, label: string): string {
  return JSON.stringify({
    'source-ref': sourceRef,
    [label]: 1,
    [`${label}-metadata`]: {
      confidence: 1, 'job-name': `labeling-job/${label}`, 'class-name': label, 'human-annotated': 'yes',
      'creation-date': '2021-07-11T03:33:42.025Z', type: 'groundtruth/image-classification',
    },
  });
}

export function detectionLine(sourceRef: string, boxes: { label: string; left: number; top: number; width: number; height: number }[], size = { width: 640, height: 480 }): string {
  const names = [...new Set(boxes.map((b) => b.label))];
  return JSON.stringify({
    'source-ref': sourceRef,
    'bounding-box': {
      image_size: [{ ...size, depth: 3 }],
      annotations: boxes.map((b) => ({ class_id: names.indexOf(b.label), top: b.top, left: b.left, width: b.width, height: b.height })),
    },
    'bounding-box-metadata': {
      objects: boxes.map(() => ({ confidence: 1 })),
      'class-map': Object.fromEntries(names.map((name, i) => [String(i), name])),
      type: 'groundtruth/object-detection', 'human-annotated': 'yes', 'creation-date': '2013-11-18T02:53:27', 'job-name': 'my job',
    },
  });
}

export function lines(...items: string[]): Uint8Array {
  return Buffer.from(items.join('\n'));
}
