// Pure (no Node, no DOM): bin/trove's `import --from ./file` and the web console's Import… both
// name an upload with it, so the same file is named the same in history whichever sent it.

/** UploadDatasetImport's `name` is at most this many UTF-16 code units (src/api/trove/inputs.ts). */
const MAX_NAME = 255;

/**
 * A file's name as UploadDatasetImport's `name` (history shows it: `COCO upload flowers.json`):
 * each control character, / and \ (which the operation refuses) becomes _, cut to 255 code units
 * between code points (a surrogate pair cut in half is not text: encodeURIComponent throws on
 * it); an empty name is `upload`.
 */
export function uploadName(fileName: string): string {
  let name = '';
  for (const char of fileName.replace(/[\u0000-\u001f\u007f/\\]/g, '_')) {
    if (name.length + char.length > MAX_NAME) break;
    name += char;
  }
  return name === '' ? 'upload' : name;
}
