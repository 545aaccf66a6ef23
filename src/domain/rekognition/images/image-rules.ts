// AWS Custom Labels' rules for the image a manifest line points at (limits.md,
// md-create-manifest-file-validation-rules.md): PNG or JPEG, at most 15 MB, each side 64..4096
// pixels, aspect ratio at most 20:1. Pure: the facts come from image-checker.ts.

import type { ImageFormat } from './image-header.js';

export const IMAGE_LIMITS = Object.freeze({
  /** AWS: "Maximum image file size in Amazon S3: 15 MB". */
  maxBytes: 15 * 1024 * 1024,
  minSide: 64,
  maxSide: 4096,
  /** AWS: "Maximum image aspect ratio: 20:1". */
  maxAspectRatio: 20,
});

export type ImageErrorCode = 'ERROR_INVALID_IMAGE' | 'ERROR_INVALID_IMAGE_DIMENSION';

/** One rule an image broke, with the reason in Trove's words (appended to the AWS message). */
export interface ImageFinding {
  code: ImageErrorCode;
  detail: string;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** What the line says about its image: the image_size of each bounding-box attribute. */
export interface ImageExpectation {
  /** Declared sizes; any at all means the image carries bounding boxes. */
  declaredSizes: readonly ImageSize[];
}

/** What reading the object showed. */
export type ImageFacts =
  /** Missing, or not readable by the caller (the same fact: which one is not told). */
  | { kind: 'missing' }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'unreadable'; detail: string }
  | { kind: 'image'; format: ImageFormat; width: number; height: number; complete: boolean };

export function imageFindings(facts: ImageFacts, expectation: ImageExpectation): ImageFinding[] {
  const invalid = (detail: string): ImageFinding[] => [{ code: 'ERROR_INVALID_IMAGE', detail }];
  switch (facts.kind) {
    // AWS: missing or inaccessible source-ref objects are invalid images (and count toward the 20% rule).
    case 'missing': return invalid('The object does not exist or this account may not read it.');
    case 'too-large': return invalid(`The object is ${facts.bytes} bytes; the maximum is ${IMAGE_LIMITS.maxBytes} bytes (15 MB).`);
    case 'unreadable': return invalid(facts.detail);
    case 'image': break;
  }
  if (!facts.complete) return invalid(`The ${facts.format} file is truncated (its end marker is missing).`);
  const findings: ImageFinding[] = [];
  const { width, height } = facts;
  const hasBoxes = expectation.declaredSizes.length > 0;
  const { minSide, maxSide, maxAspectRatio } = IMAGE_LIMITS;
  if (width < minSide || height < minSide || width > maxSide || height > maxSide) {
    // AWS: ERROR_INVALID_IMAGE_DIMENSION is the code for images with bounding boxes.
    findings.push({
      code: hasBoxes ? 'ERROR_INVALID_IMAGE_DIMENSION' : 'ERROR_INVALID_IMAGE',
      detail: `The image is ${width}x${height} pixels; each side must be ${minSide} to ${maxSide} pixels.`,
    });
  } else if (Math.max(width, height) > maxAspectRatio * Math.min(width, height)) {
    findings.push({ code: 'ERROR_INVALID_IMAGE', detail: `The image is ${width}x${height} pixels; the aspect ratio may be at most 20:1.` });
  }
  // Trove: bounding boxes are placed against image_size, so it must be the real size. A JPEG may be
  // stored rotated (EXIF orientation, which Trove does not read), so its swapped size is accepted too.
  const wrong = expectation.declaredSizes.find((d) => !(sameSize(d, facts) || (facts.format === 'JPEG' && sameSize(d, { width: height, height: width }))));
  if (wrong && !findings.some((f) => f.code === 'ERROR_INVALID_IMAGE_DIMENSION')) {
    findings.push({
      code: 'ERROR_INVALID_IMAGE_DIMENSION',
      detail: `image_size says ${wrong.width}x${wrong.height} pixels, but the image is ${width}x${height} pixels.`,
    });
  }
  return findings;
}

function sameSize(a: ImageSize, b: ImageSize): boolean {
  return a.width === b.width && a.height === b.height;
}
