// A Rekognition revision as a COCO instances file, written as a stream in constant memory.
//
// COCO keeps images, annotations and categories in three arrays, while an entry holds its image
// and its boxes together. So the revision is read twice: the first pass writes `images` and
// numbers the labels in the order they first appear (category ids 1..n); the second writes
// `annotations` with those ids; `categories` comes last, once every label is known. Only the
// current page and the label → id map (at most the dataset's labels) are ever in memory.

import { entryContent } from './entry-content.js';
import { ExportSourceChanged, keyOf } from './export-source.js';
import type { EntryPages } from './export-source.js';

/** Trove's extension to COCO's image object: the ids of the image's image-level labels (classification). */
export const IMAGE_LABELS_MEMBER = 'image_labels';

export interface CocoExportInfo {
  readonly description: string;
  /** The revision exported, as COCO's info.version. */
  readonly version: string;
  /** ISO time of the export (COCO's info.date_created). */
  readonly dateCreated: string;
}

/**
 * Yields the COCO JSON text in pieces (about one page of entries each). Image ids are 1..N in
 * listing order; `file_name` is the image's key and `coco_url` its s3:// URI; `width`/`height`
 * come from the entry's `image_size` and are absent when it has none (an image without boxes).
 */
export async function* cocoExport(source: EntryPages, info: CocoExportInfo): AsyncGenerator<string> {
  const categories = new Map<string, number>();
  const categoryOf = (label: string): number => {
    let id = categories.get(label);
    if (id === undefined) categories.set(label, (id = categories.size + 1));
    return id;
  };
  // The head goes out with the first page, so the first piece is a read of the store (a dataset
  // gone before it answers a status: download-service.ts).
  let head = `{"info":${JSON.stringify({ description: info.description, version: info.version, year: Number(info.dateCreated.slice(0, 4)), date_created: info.dateCreated })},"licenses":[],"images":[`;
  let images = 0;
  for await (const page of source.pages()) {
    let out = head;
    head = '';
    for (const { line } of page) {
      const entry = entryContent(line);
      const image: Record<string, unknown> = { id: ++images, file_name: keyOf(entry.sourceRef), coco_url: entry.sourceRef };
      if (entry.size) Object.assign(image, entry.size);
      if (entry.imageLabels.length > 0) image[IMAGE_LABELS_MEMBER] = entry.imageLabels.map(categoryOf);
      for (const box of entry.boxes) categoryOf(box.label);
      out += `${images > 1 ? ',' : ''}\n${JSON.stringify(image)}`;
    }
    yield out;
  }
  yield `${head}\n],"annotations":[`;
  let imageId = 0;
  let annotations = 0;
  for await (const page of source.pages()) {
    let out = '';
    for (const { line } of page) {
      imageId++;
      for (const box of entryContent(line).boxes) {
        const id = categories.get(box.label);
        if (id === undefined) throw new ExportSourceChanged();
        const annotation = {
          id: ++annotations, image_id: imageId, category_id: id, bbox: [box.left, box.top, box.width, box.height],
          area: box.width * box.height, iscrowd: 0, segmentation: [],
        };
        out += `${annotations > 1 ? ',' : ''}\n${JSON.stringify(annotation)}`;
      }
    }
    yield out;
  }
  if (imageId !== images) throw new ExportSourceChanged();
  const list = [...categories].map(([name, id]) => JSON.stringify({ id, name, supercategory: 'none' }));
  yield `\n],"categories":[${list.map((item) => `\n${item}`).join(',')}\n]}\n`;
}
