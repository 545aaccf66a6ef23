// A Rekognition revision as a YOLO folder, streamed as a tar archive in constant memory:
//
//   data.yaml        class names (ids 0..n-1, in the order labels first appear), nc, path/train/val
//   images.txt       every image's s3:// URI, one a line, in listing order
//   labels/<key>.txt per image with boxes: "class cx cy w h", normalised by the image size
//
// A tar header states its file's size before the content, so the revision is read three times:
// pass 1 numbers the labels and measures images.txt, pass 2 writes images.txt, pass 3 the label
// files. YOLO has no image-level labels: only boxes are exported (docs/trove-api.md).

import { tarEnd, tarEntry, tarHeader, tarPadding } from '../../lib/tar.js';
import { entryContent } from './entry-content.js';
import type { EntryContent } from './entry-content.js';
import { ExportSourceChanged, keyOf } from './export-source.js';
import type { EntryPages } from './export-source.js';

/**
 * `labels/<key without its extension>.txt`: Ultralytics' pairing of `images/x.jpg` with
 * `labels/x.txt`. A key is any text a source-ref may carry, so each segment is made one that every
 * tar tool extracts inside the folder (`safeSegment`): a source-ref `s3://b/../../.bashrc.png`
 * would otherwise name a file outside it for tools that trust member names (Python's tarfile
 * before 3.14, Windows tools for `..\`). The import pairs images by the same function.
 */
export function labelPathOf(sourceRef: string): string {
  const key = keyOf(sourceRef);
  const dot = key.lastIndexOf('.');
  const stem = dot > key.lastIndexOf('/') ? key.slice(0, dot) : key;
  return `labels/${stem.split('/').map(safeSegment).join('/')}.txt`;
}

/** Control characters and backslashes percent-encoded, and a `.` or `..` segment as `%2E` / `%2E%2E`. */
function safeSegment(segment: string): string {
  const escaped = escapeControls(segment).replace(/\\/g, '%5C');
  return escaped === '.' || escaped === '..' ? escaped.replaceAll('.', '%2E') : escaped;
}

/** Control characters as `%XX`: a key may hold a line break, which would split a line of images.txt. */
function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Yields the tar archive in pieces. `comment` heads data.yaml (what was exported, from where). */
export async function* yoloExport(source: EntryPages, comment: string): AsyncGenerator<Buffer> {
  const classes = new Map<string, number>();
  let listBytes = 0;
  let images = 0;
  for await (const page of source.pages()) {
    for (const { sourceRef, line } of page) {
      images++;
      listBytes += Buffer.byteLength(escapeControls(sourceRef)) + 1;
      for (const box of entryContent(line).boxes) if (!classes.has(box.label)) classes.set(box.label, classes.size);
    }
  }
  yield tarEntry({ name: 'data.yaml', body: dataYaml(comment, [...classes.keys()]) });
  yield tarHeader('images.txt', listBytes);
  let written = 0;
  let seen = 0;
  for await (const page of source.pages()) {
    const text = page.map(({ sourceRef }) => `${escapeControls(sourceRef)}\n`).join('');
    written += Buffer.byteLength(text);
    seen += page.length;
    yield Buffer.from(text);
  }
  if (written !== listBytes || seen !== images) throw new ExportSourceChanged();
  yield tarPadding(listBytes);
  for await (const page of source.pages()) {
    const files: Buffer[] = [];
    for (const { line } of page) {
      const entry = entryContent(line);
      const labels = labelLines(entry, classes);
      if (labels !== undefined) files.push(tarEntry({ name: labelPathOf(entry.sourceRef), body: labels }));
    }
    yield Buffer.concat(files);
  }
  yield tarEnd();
}

/** The label file of an entry with boxes and a known image size; undefined for the others. */
function labelLines(entry: EntryContent, classes: ReadonlyMap<string, number>): string | undefined {
  if (entry.boxes.length === 0 || !entry.size) return undefined;
  const { width, height } = entry.size;
  return entry.boxes.map((box) => {
    const id = classes.get(box.label);
    if (id === undefined) throw new ExportSourceChanged();
    return `${id} ${(box.left + box.width / 2) / width} ${(box.top + box.height / 2) / height} ${box.width / width} ${box.height / height}\n`;
  }).join('');
}

function dataYaml(comment: string, names: readonly string[]): string {
  const lines = [
    ...comment.split('\n').map((line) => `# ${line}`),
    '# images.txt lists each image as its s3:// URI; labels/<key>.txt holds its boxes.',
    'path: .',
    'train: images',
    'val: images',
    `nc: ${names.length}`,
    names.length === 0 ? 'names: {}' : 'names:',
    // YAML reads a JSON string as a double-quoted scalar, so any label name round-trips.
    ...names.map((name, id) => `  ${id}: ${JSON.stringify(name)}`),
  ];
  return `${lines.join('\n')}\n`;
}
