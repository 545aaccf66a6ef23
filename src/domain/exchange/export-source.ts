/**
 * The entries an export reads: pages of stored lines in listing order, at one pinned revision,
 * readable as many times as a format needs passes (COCO and YOLO read the revision more than once
 * so that nothing but the current page is ever in memory). Each call starts from the beginning.
 */
export interface EntryPages {
  pages(): AsyncIterable<readonly { readonly sourceRef: string; readonly line: string }[]>;
}

/** A second pass saw another number of entries than the first: the revision changed under the export. */
export class ExportSourceChanged extends Error {
  constructor() {
    super('The entries changed while they were being exported (the revision was garbage-collected); export again.');
  }
}

/** The key of an s3:// URI: what COCO's file_name and YOLO's label paths are made of. */
export function keyOf(sourceRef: string): string {
  const slash = sourceRef.indexOf('/', 5);
  return slash < 0 ? sourceRef : sourceRef.slice(slash + 1);
}
