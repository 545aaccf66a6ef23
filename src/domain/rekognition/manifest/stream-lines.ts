// A Ground Truth manifest read from object storage, line by line (lib/line-stream.ts), with the
// limits and terminal errors of Custom Labels.

import { LineStreamError, streamLines } from '../../../lib/line-stream.js';
import type { StreamedLine } from '../../../lib/line-stream.js';
import { BatchRejected } from '../revision-writer.js';

export interface ManifestStreamLimits {
  /** AWS: a manifest is at most 1 GB (ERROR_MANIFEST_SIZE_TOO_LARGE). */
  readonly maxBytes: number;
  /** AWS: at most 250,000 lines, blank and invalid ones included (ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM). */
  readonly maxLines: number;
  /** Longest line the validator accepts (100,000 characters). */
  readonly maxLineChars: number;
}

export function manifestTooLarge(bytes: number, limits: ManifestStreamLimits): BatchRejected {
  return new BatchRejected('ERROR_MANIFEST_SIZE_TOO_LARGE',
    `The manifest file size exceeds the maximum supported size: it is ${bytes} bytes, the maximum is ${limits.maxBytes} bytes.`);
}

/**
 * The non-blank lines of a manifest. Throws BatchRejected with the AWS terminal error when a
 * limit is passed or the file is not JSON Lines text. A line too long to ever be valid comes cut
 * short, still too long, so the validator drops it.
 */
export async function* streamManifestLines(chunks: AsyncIterable<Uint8Array>, limits: ManifestStreamLimits): AsyncGenerator<StreamedLine> {
  try {
    yield* streamLines(chunks, limits);
  } catch (error) {
    if (!(error instanceof LineStreamError)) throw error;
    switch (error.kind) {
      case 'too-many-bytes':
        throw manifestTooLarge(Number(error.detail), limits);
      case 'too-many-lines':
        throw new BatchRejected('ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM',
          `The manifest file has too many rows: more than the maximum of ${limits.maxLines} lines (blank and invalid lines count).`);
      case 'binary':
        // AWS: "The manifest file extension or contents are invalid." Trove: the extension is not
        // checked (`.manifest` is a convention, not a rule), the contents are.
        throw new BatchRejected('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT',
          `The manifest file extension or contents are invalid: the file is ${error.detail}, not JSON Lines text.`);
    }
  }
}
