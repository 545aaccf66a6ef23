import { inputShapes as rekognitionShapes } from '../rekognition/inputs.js';
import { enumeration, integer, list, long, optional, required, string, structure } from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/** ListDatasetEntries' own member shapes: a position names the same listing, with the same limits. */
const listing = rekognitionShapes.ListDatasetEntries.members;

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
  ListJobs: structure({
    states: optional(list(enumeration(['QUEUED', 'RUNNING', 'RETRYING', 'FAILED']), { min: 1, max: 4 })),
    maxResults: optional(integer({ min: 1, max: 1000 })),
    nextToken: optional(string({ min: 1, max: 2048 })),
  }),
} satisfies Record<string, StructureShape>;

export type TroveOperationName = keyof typeof inputShapes;

export type GetCallerIdentityInput = Record<string, never>;
export interface GetDatasetEntriesPageTokenInput {
  datasetArn: string; position: number; containsLabels?: string[]; labeled?: boolean; hasErrors?: boolean; sourceRefContains?: string;
  listingToken?: string;
}

export interface ListJobsInput {
  states?: ('QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED')[];
  maxResults?: number;
  nextToken?: string;
}
