// A local file to import into a Rekognition dataset (UploadDatasetImport, docs/trove-api.md):
// which open format its first bytes are, and what would make the server refuse it, said before
// any of it is sent. The server decides again (it converts the file, and a file that is not what
// it says fails the import); these checks only spare a person an upload that cannot work.
// Pure: no DOM, no React.

export type ImportFormat = 'COCO' | 'YOLO';

export const IMPORT_FORMATS: readonly { readonly format: ImportFormat; readonly label: string; readonly accept: string }[] = [
  { format: 'COCO', label: 'COCO (instances JSON)', accept: '.json' },
  { format: 'YOLO', label: 'YOLO (a tar of the folder: .tar, .tar.gz)', accept: '.tar,.tgz,.gz' },
];

/** How many first bytes `sniff` needs: a tar header's magic sits at 257. */
export const SNIFF_BYTES = 512;

/** What the first bytes say: a JSON object (COCO), a tar or a gzip stream (a YOLO folder packed), or neither. */
export function sniff(head: Uint8Array): ImportFormat | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'YOLO';
  if (String.fromCharCode(...head.subarray(257, 262)) === 'ustar') return 'YOLO';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // a UTF-8 byte-order mark
  while (i < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[i])) i++;
  return head[i] === 0x7b ? 'COCO' : undefined;
}

/** Why a file whose first bytes are `head` cannot be imported as `format`, or undefined. */
export function formatProblem(format: ImportFormat, head: Uint8Array): string | undefined {
  const seen = sniff(head);
  if (seen === format) return undefined;
  if (head.length === 0) return 'The file is empty.';
  if (format === 'COCO') {
    return seen === 'YOLO'
      ? 'This is a tar archive, not a COCO file: import it as YOLO.'
      : 'This is not a COCO file: a COCO instances file is a JSON object (it begins with {), and this file does not.';
  }
  return seen === 'COCO'
    ? 'This is a JSON file, not a YOLO tar: import it as COCO.'
    : 'This is not a tar archive (nor a gzipped one): pack the YOLO folder first, e.g. tar -cf yolo.tar -C yolo .';
}

/** Why a file of `bytes` is refused by a server that takes at most `max` (undefined: not known), or undefined. */
export function sizeProblem(bytes: number, max: number | undefined): string | undefined {
  if (max === undefined || bytes <= max) return undefined;
  return `The file is ${bytesText(bytes)}: this server imports files of at most ${bytesText(max)} (--import-upload-max-bytes). `
    + 'Put a larger file into a bucket and import it from s3:// (bin/trove import --from s3://...).';
}

/** The images prefix as the server's rule wants it (s3://bucket/folder/), or why not; empty: none. */
export function imagesProblem(images: string): string | undefined {
  if (images === '') return undefined;
  if (!images.startsWith('s3://')) return 'The images folder is an s3:// URI: s3://bucket/folder/.';
  if (!images.endsWith('/')) return 'The images folder ends with / (s3://bucket/folder/).';
  return undefined;
}

/** `900 bytes`, `12.5 KiB`, `3.2 MiB`, `256 MiB`: binary units, as the server's limits are set. */
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${units[unit]}`;
}
