import { inputShapes as rekognitionShapes } from '../rekognition/inputs.js';
import { blob, boolean, list, long, optional, required, string, structure } from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/** ListDatasetEntries' own member shapes: a position names the same listing, with the same limits. */
const listing = rekognitionShapes.ListDatasetEntries.members;
const update = rekognitionShapes.UpdateDatasetEntries.members;

/** Most expectations one conditional change may carry (a console save sends one per edited entry). */
export const MAX_EXPECTATIONS = 10_000;
/** AWS Custom Labels: an image is at most 15 MB (image-rules.ts IMAGE_LIMITS.maxBytes). */
export const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;

/**
 * Input shapes of Trove's own operations (`/_trove/api/`, docs/trove-api.md), in the same shape
 * DSL as the AWS APIs, so the restJson protocol validates them before a handler runs. Add an
 * operation here, in http-bindings.ts, and as one file under src/operations/trove/.
 */
export const inputShapes = {
  GetCallerIdentity: structure({}),
  GetDatasetEntriesPageToken: structure({
    datasetArn: required(listing.DatasetArn.shape),
    position: required(long({ min: 0, max: 2_147_483_647 })),
    containsLabels: optional(listing.ContainsLabels.shape),
    labeled: optional(listing.Labeled.shape),
    hasErrors: optional(listing.HasErrors.shape),
    sourceRefContains: optional(listing.SourceRefContains.shape),
    listingToken: optional(listing.NextToken.shape),
  }),
  UpdateDatasetEntriesIfUnchanged: structure({
    datasetArn: required(update.DatasetArn.shape),
    changes: required(structure({ groundTruth: required(blob({ min: 1, max: 5242880 })) })),
    expected: required(list(structure({
      sourceRef: required(string({ min: 1, max: 2048 })),
      version: optional(string({ min: 64, max: 64, pattern: '[0-9a-f]{64}' })),
      absent: optional(boolean),
    }), { min: 1, max: MAX_EXPECTATIONS })),
  }),
  ListWritableBuckets: structure({}),
  UploadImage: structure({
    bucket: required(string({ min: 1, max: 255, pattern: '[0-9A-Za-z._-]+' })),
    key: required(string({ min: 1, max: 1024 })),
    overwrite: optional(boolean),
    body: required(blob({ min: 1, max: MAX_UPLOAD_BYTES })),
  }),
} satisfies Record<string, StructureShape>;

export type TroveOperationName = keyof typeof inputShapes;

export type GetCallerIdentityInput = Record<string, never>;
export interface GetDatasetEntriesPageTokenInput {
  datasetArn: string; position: number; containsLabels?: string[]; labeled?: boolean; hasErrors?: boolean; sourceRefContains?: string;
  listingToken?: string;
}
export interface UpdateDatasetEntriesIfUnchangedInput {
  datasetArn: string;
  /** Decoded by validation (1..5,242,880 bytes), as UpdateDatasetEntries' Changes.GroundTruth. */
  changes: { groundTruth: Buffer };
  expected: { sourceRef: string; version?: string; absent?: boolean }[];
}
export type ListWritableBucketsInput = Record<string, never>;
export interface UploadImageInput { bucket: string; key: string; overwrite?: boolean; body: Buffer }
