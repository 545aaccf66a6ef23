import { DatasetId as AgentCoreDatasetId } from '../agentcore/inputs.js';
import { inputShapes as rekognitionShapes } from '../rekognition/inputs.js';
import { blob, boolean, enumeration, integer, list, long, optional, required, string, structure } from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/** ListDatasetEntries' own member shapes: a position names the same listing, with the same limits. */
const listing = rekognitionShapes.ListDatasetEntries.members;
const DatasetArn = listing.DatasetArn.shape;
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
const MaxResults = integer({ min: 1, max: 1000 });
const NextToken = string({ min: 1, max: 4096 });
/** A revision number or a snapshot name (domain/rekognition/history/revision-points.ts checks which). */
const RevisionOrSnapshot = string({ min: 1, max: 100 });
const SnapshotName = string({ min: 1, max: 100 });
/** A revision number in a path: labels are text. */
const RevisionLabel = string({ min: 1, max: 15, pattern: '^[0-9]+$' });
/** An s3:// URI of the object store (AgentCore's s3Source pattern, upper case allowed as in Rekognition buckets). */
const S3Uri = string({ min: 6, max: 1100, pattern: '^s3://[A-Za-z0-9_][A-Za-z0-9_.\\-]{1,61}[A-Za-z0-9_]/.{1,1024}$' });
/** An s3:// prefix that images are found under (`s3://bucket/` or `s3://bucket/some/folder/`). */
const S3Prefix = string({ min: 6, max: 1100, pattern: '^s3://[A-Za-z0-9_][A-Za-z0-9_.\\-]{1,61}[A-Za-z0-9_]/(.{0,1023}/)?$' });
/** A job id in a path (ListJobs' `jobId`): labels are text. */
const JobIdLabel = string({ min: 1, max: 15, pattern: '^[0-9]+$' });
const AgentCoreVersion = string({ pattern: '^(DRAFT|[0-9]{1,10})$' });
/** An uploaded file's name, as history shows it (`COCO upload flowers.json`): no path, no control characters. */
const UploadName = string({ min: 1, max: 255, pattern: '^[^\\u0000-\\u001f\\u007f/\\\\]+$' });

export const inputShapes = {
  GetCallerIdentity: structure({}),
  ListDatasetRevisions: structure({ datasetArn: required(DatasetArn), maxResults: optional(MaxResults), nextToken: optional(NextToken) }),
  GetDatasetIngestReport: structure({
    datasetArn: required(DatasetArn), revision: required(RevisionLabel), maxResults: optional(MaxResults), nextToken: optional(NextToken),
  }),
  ListDatasetRevisionEntries: structure({
    datasetArn: required(DatasetArn), at: optional(RevisionOrSnapshot), maxResults: optional(MaxResults), nextToken: optional(NextToken),
  }),
  DiffDatasetRevisions: structure({
    datasetArn: required(DatasetArn), from: required(RevisionOrSnapshot), to: optional(RevisionOrSnapshot),
    maxResults: optional(MaxResults), nextToken: optional(NextToken),
  }),
  CreateDatasetSnapshot: structure({
    datasetArn: required(DatasetArn), name: required(SnapshotName), revision: optional(integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
  }),
  ListDatasetSnapshots: structure({ datasetArn: required(DatasetArn), maxResults: optional(MaxResults), nextToken: optional(NextToken) }),
  DeleteDatasetSnapshot: structure({ datasetArn: required(DatasetArn), name: required(SnapshotName) }),
  RestoreDatasetSnapshot: structure({ datasetArn: required(DatasetArn), name: required(SnapshotName) }),
  CreateDatasetExport: structure({
    datasetArn: required(DatasetArn), format: required(enumeration(['MANIFEST', 'COCO', 'YOLO'])), at: optional(RevisionOrSnapshot),
  }),
  CreateAgentCoreDatasetExport: structure({
    datasetId: required(AgentCoreDatasetId), format: required(enumeration(['JSONL', 'CSV'])), datasetVersion: optional(AgentCoreVersion),
  }),
  StartDatasetImport: structure({
    datasetArn: required(DatasetArn), format: required(enumeration(['COCO', 'YOLO'])), source: required(S3Uri), images: optional(S3Prefix),
  }),
  // The file itself is the request body, streamed (not a member: the protocol hands it over as it arrives).
  UploadDatasetImport: structure({
    datasetArn: required(DatasetArn), format: required(enumeration(['COCO', 'YOLO'])), name: required(UploadName), images: optional(S3Prefix),
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
  GetDatasetErrorCounts: structure({ datasetArn: required(DatasetArn), nextToken: optional(NextToken) }),
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
  ListJobs: structure({
    states: optional(list(enumeration(['QUEUED', 'RUNNING', 'RETRYING', 'FAILED']), { min: 1, max: 4 })),
    maxResults: optional(integer({ min: 1, max: 1000 })),
    nextToken: optional(string({ min: 1, max: 2048 })),
  }),
  RetryJob: structure({ jobId: required(JobIdLabel) }),
  CancelJob: structure({ jobId: required(JobIdLabel) }),
} satisfies Record<string, StructureShape>;

export type TroveOperationName = keyof typeof inputShapes;

export type GetCallerIdentityInput = Record<string, never>;

interface Paged { maxResults?: number; nextToken?: string }
export interface ListDatasetRevisionsInput extends Paged { datasetArn: string }
export interface GetDatasetIngestReportInput extends Paged { datasetArn: string; revision: string }
export interface ListDatasetRevisionEntriesInput extends Paged { datasetArn: string; at?: string }
export interface DiffDatasetRevisionsInput extends Paged { datasetArn: string; from: string; to?: string }
export interface CreateDatasetSnapshotInput { datasetArn: string; name: string; revision?: number }
export interface ListDatasetSnapshotsInput extends Paged { datasetArn: string }
export interface DatasetSnapshotInput { datasetArn: string; name: string }
export interface CreateDatasetExportInput { datasetArn: string; format: 'MANIFEST' | 'COCO' | 'YOLO'; at?: string }
export interface CreateAgentCoreDatasetExportInput { datasetId: string; format: 'JSONL' | 'CSV'; datasetVersion?: string }
export interface StartDatasetImportInput { datasetArn: string; format: 'COCO' | 'YOLO'; source: string; images?: string }
export interface UploadDatasetImportInput { datasetArn: string; format: 'COCO' | 'YOLO'; name: string; images?: string }
export interface GetDatasetEntriesPageTokenInput {
  datasetArn: string; position: number; containsLabels?: string[]; labeled?: boolean; hasErrors?: boolean; sourceRefContains?: string;
  listingToken?: string;
}
export interface GetDatasetErrorCountsInput { datasetArn: string; nextToken?: string }
export interface UpdateDatasetEntriesIfUnchangedInput {
  datasetArn: string;
  /** Decoded by validation (1..5,242,880 bytes), as UpdateDatasetEntries' Changes.GroundTruth. */
  changes: { groundTruth: Buffer };
  expected: { sourceRef: string; version?: string; absent?: boolean }[];
}
export type ListWritableBucketsInput = Record<string, never>;
export interface UploadImageInput { bucket: string; key: string; overwrite?: boolean; body: Buffer }

export interface JobIdInput { jobId: string }

export interface ListJobsInput {
  states?: ('QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED')[];
  maxResults?: number;
  nextToken?: string;
}
