import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Manifest lines for benchmarks: deterministic, realistic sizes. */

export function classificationLine(i: number, labels = 50): string {
  const label = `class_${Math.floor(i / 10) % labels}`;
  return JSON.stringify({
    'source-ref': `s3://bench-bucket/images/${folder(i)}/img-${String(i).padStart(7, '0')}.jpg`,
    [label]: 1,
    [`${label}-metadata`]: {
      confidence: 1, 'job-name': `labeling-job/${label}`, 'class-name': label, 'human-annotated': 'yes',
      'creation-date': '2021-07-11T03:33:42.025Z', type: 'groundtruth/image-classification',
    },
  });
}

export function detectionLine(i: number, labels = 50): string {
  const boxes = 1 + (i % 4);
  return JSON.stringify({
    'source-ref': `s3://bench-bucket/images/${folder(i)}/img-${String(i).padStart(7, '0')}.png`,
    'bounding-box': {
      image_size: [{ width: 1024, height: 768, depth: 3 }],
      // One image in ten has a box off the frame: a non-terminal error on the entry.
      annotations: Array.from({ length: boxes }, (_, b) => ({ class_id: b, top: 10 + b * 50, left: Math.floor(i / 10) % 10 === 0 && b === 0 ? 1000 : 20 + b * 60, width: 100, height: 80 })),
    },
    'bounding-box-metadata': {
      objects: Array.from({ length: boxes }, () => ({ confidence: 0.93 })),
      'class-map': Object.fromEntries(Array.from({ length: boxes }, (_, b) => [String(b), `object_${(Math.floor(i / 10) + b) % labels}`])),
      type: 'groundtruth/object-detection', 'human-annotated': 'yes', 'creation-date': '2021-07-11T03:33:42.025Z', 'job-name': 'labeling-job/boxes',
    },
  });
}

export function unlabeledLine(i: number): string {
  return JSON.stringify({ 'source-ref': `s3://bench-bucket/images/${folder(i)}/img-${String(i).padStart(7, '0')}.jpg` });
}

function folder(i: number): string {
  return `f${String(i % 100).padStart(2, '0')}`;
}

/** Lines from `line(start), line(start+1), ...` until the blob would exceed `maxBytes`. */
export function blobOf(line: (i: number) => string, maxBytes: number, start = 0): { blob: Buffer; lines: string[] } {
  const lines: string[] = [];
  let size = 0;
  for (let i = start; ; i++) {
    const text = line(i);
    if (size + text.length + 1 > maxBytes) break;
    lines.push(text);
    size += text.length + 1;
  }
  return { blob: Buffer.from(lines.join('\n')), lines };
}

/** Writes `count` lines (`line(i)`, each followed by a newline) to a file, streaming: a large file is never held whole. */
export async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
