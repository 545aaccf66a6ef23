import {
  blob, boolean, enumeration, integer, list, map, optional, required, string, structure,
} from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/**
 * Input shapes of the Rekognition Custom Labels dataset operations, transcribed from the
 * botocore model `rekognition/2016-06-27` (checked by test/unit/model-conformance.test.ts).
 * Member names are the wire's PascalCase names.
 */
const ProjectName = string({ min: 1, max: 255, pattern: '[a-zA-Z0-9_.\\-]+' });
const ProjectArn = string({
  min: 20, max: 2048,
  pattern: '(^arn:[a-z\\d-]+:rekognition:[a-z\\d-]+:\\d{12}:project\\/[a-zA-Z0-9_.\\-]{1,255}\\/[0-9]+$)',
});
export const DatasetArn = string({
  min: 20, max: 2048,
  pattern: '(^arn:[a-z\\d-]+:rekognition:[a-z\\d-]+:\\d{12}:project\\/[a-zA-Z0-9_.\\-]{1,255}\\/dataset\\/(train|test)\\/[0-9]+$)',
});
const ExtendedPaginationToken = string({ max: 1024 });
const PageSize = integer({ min: 1, max: 100 });
const CustomizationFeature = enumeration(['CONTENT_MODERATION', 'CUSTOM_LABELS']);
const DatasetType = enumeration(['TRAIN', 'TEST']);
const DatasetLabel = string({ min: 1, max: 255, pattern: '.{1,}', flags: 'us' });
const TagMap = map(
  string({ min: 1, max: 128, pattern: '^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$' }),
  string({ min: 0, max: 256, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' }),
  { min: 0, max: 200 },
);
const S3Object = structure({
  Bucket: optional(string({ min: 3, max: 255, pattern: '[0-9A-Za-z\\.\\-_]*' })),
  Name: optional(string({ min: 1, max: 1024 })),
  Version: optional(string({ min: 1, max: 1024 })),
});

export const inputShapes = {
  CreateProject: structure({
    ProjectName: required(ProjectName),
    Feature: optional(CustomizationFeature),
    AutoUpdate: optional(enumeration(['ENABLED', 'DISABLED'])),
    Tags: optional(TagMap),
  }),
  DescribeProjects: structure({
    NextToken: optional(ExtendedPaginationToken),
    MaxResults: optional(PageSize),
    ProjectNames: optional(list(ProjectName, { min: 1, max: 10 })),
    Features: optional(list(CustomizationFeature, { min: 1, max: 2 })),
  }),
  DeleteProject: structure({ ProjectArn: required(ProjectArn) }),
  CreateDataset: structure({
    DatasetSource: optional(structure({
      GroundTruthManifest: optional(structure({ S3Object: optional(S3Object) })),
      DatasetArn: optional(DatasetArn),
    })),
    DatasetType: required(DatasetType),
    ProjectArn: required(ProjectArn),
    Tags: optional(TagMap),
  }),
  DescribeDataset: structure({ DatasetArn: required(DatasetArn) }),
  DeleteDataset: structure({ DatasetArn: required(DatasetArn) }),
  UpdateDatasetEntries: structure({
    DatasetArn: required(DatasetArn),
    Changes: required(structure({ GroundTruth: required(blob({ min: 1, max: 5242880 })) })),
  }),
  ListDatasetEntries: structure({
    DatasetArn: required(DatasetArn),
    ContainsLabels: optional(list(DatasetLabel, { min: 1, max: 10 })),
    Labeled: optional(boolean),
    SourceRefContains: optional(string({ min: 1, max: 2048, pattern: '.*\\S.*', flags: 'us' })),
    HasErrors: optional(boolean),
    NextToken: optional(ExtendedPaginationToken),
    MaxResults: optional(PageSize),
  }),
  ListDatasetLabels: structure({
    DatasetArn: required(DatasetArn),
    NextToken: optional(ExtendedPaginationToken),
    MaxResults: optional(PageSize),
  }),
  DistributeDatasetEntries: structure({
    Datasets: required(list(structure({ Arn: required(DatasetArn) }), { min: 2, max: 2 })),
  }),
} satisfies Record<string, StructureShape>;

export type RekognitionOperationName = keyof typeof inputShapes;

export type CustomizationFeature = 'CONTENT_MODERATION' | 'CUSTOM_LABELS';
export type DatasetType = 'TRAIN' | 'TEST';
export type Tags = Record<string, string>;

export interface CreateProjectInput { ProjectName: string; Feature?: CustomizationFeature; AutoUpdate?: 'ENABLED' | 'DISABLED'; Tags?: Tags }
export interface DescribeProjectsInput { NextToken?: string; MaxResults?: number; ProjectNames?: string[]; Features?: CustomizationFeature[] }
export interface DeleteProjectInput { ProjectArn: string }
export interface S3ObjectInput { Bucket?: string; Name?: string; Version?: string }
export interface CreateDatasetInput {
  DatasetSource?: { GroundTruthManifest?: { S3Object?: S3ObjectInput }; DatasetArn?: string };
  DatasetType: DatasetType;
  ProjectArn: string;
  Tags?: Tags;
}
export interface DescribeDatasetInput { DatasetArn: string }
export interface DeleteDatasetInput { DatasetArn: string }
/** `GroundTruth` arrives base64-encoded; validation has checked and decoded it (1..5242880 bytes). */
export interface UpdateDatasetEntriesInput { DatasetArn: string; Changes: { GroundTruth: Buffer } }
export interface ListDatasetEntriesInput {
  DatasetArn: string; ContainsLabels?: string[]; Labeled?: boolean; SourceRefContains?: string; HasErrors?: boolean;
  NextToken?: string; MaxResults?: number;
}
export interface ListDatasetLabelsInput { DatasetArn: string; NextToken?: string; MaxResults?: number }
export interface DistributeDatasetEntriesInput { Datasets: { Arn: string }[] }
