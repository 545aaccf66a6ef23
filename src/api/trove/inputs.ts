import { DatasetId as AgentCoreDatasetId } from '../agentcore/inputs.js';
import { DatasetArn, inputShapes as rekognitionShapes } from '../rekognition/inputs.js';
import { enumeration, integer, list, long, optional, required, string, structure } from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/** ListDatasetEntries' own member shapes: a position names the same listing, with the same limits. */
const listing = rekognitionShapes.ListDatasetEntries.members;

/**
 * Input shapes of Trove's own operations (`/_trove/api/`, docs/trove-api.md), in the same shape
 * DSL as the AWS APIs, so the restJson protocol validates them before a handler runs. Add an
 * operation here, in http-bindings.ts, and as one file under src/operations/trove/.
 */
/** A revision number or a snapshot name (domain/rekognition/history/revision-points.ts checks which). */
const RevisionOrSnapshot = string({ min: 1, max: 100 });
/** An s3:// URI of the object store (AgentCore's s3Source pattern, upper case allowed as in Rekognition buckets). */
const S3Uri = string({ min: 6, max: 1100, pattern: '^s3://[A-Za-z0-9_][A-Za-z0-9_.\\-]{1,61}[A-Za-z0-9_]/.{1,1024}$' });
/** An s3:// prefix that images are found under (`s3://bucket/` or `s3://bucket/some/folder/`). */
const S3Prefix = string({ min: 6, max: 1100, pattern: '^s3://[A-Za-z0-9_][A-Za-z0-9_.\\-]{1,61}[A-Za-z0-9_]/(.{0,1023}/)?$' });
const AgentCoreVersion = string({ pattern: '^(DRAFT|[0-9]{1,10})$' });

export const inputShapes = {
  GetCallerIdentity: structure({}),
  CreateDatasetExport: structure({
    datasetArn: required(DatasetArn), format: required(enumeration(['MANIFEST', 'COCO', 'YOLO'])), at: optional(RevisionOrSnapshot),
  }),
  CreateAgentCoreDatasetExport: structure({
    datasetId: required(AgentCoreDatasetId), format: required(enumeration(['JSONL', 'CSV'])), datasetVersion: optional(AgentCoreVersion),
  }),
  StartDatasetImport: structure({
    datasetArn: required(DatasetArn), format: required(enumeration(['COCO', 'YOLO'])), source: required(S3Uri), images: optional(S3Prefix),
  }),
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
export interface CreateDatasetExportInput { datasetArn: string; format: 'MANIFEST' | 'COCO' | 'YOLO'; at?: string }
export interface CreateAgentCoreDatasetExportInput { datasetId: string; format: 'JSONL' | 'CSV'; datasetVersion?: string }
export interface StartDatasetImportInput { datasetArn: string; format: 'COCO' | 'YOLO'; source: string; images?: string }
export interface GetDatasetEntriesPageTokenInput {
  datasetArn: string; position: number; containsLabels?: string[]; labeled?: boolean; hasErrors?: boolean; sourceRefContains?: string;
  listingToken?: string;
}

export interface ListJobsInput {
  states?: ('QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED')[];
  maxResults?: number;
  nextToken?: string;
}
