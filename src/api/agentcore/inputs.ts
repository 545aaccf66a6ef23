import {
  document, enumeration, integer, list, map, optional, required, string, structure,
} from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/**
 * Input shapes of the AgentCore evaluation dataset operations, transcribed from the botocore
 * model `bedrock-agentcore-control/2023-06-05` (plus THIRD_PARTY_EVALUATION_V1, added to the
 * enum after that model; facts §3). restJson1 member names are already the wire's camelCase.
 * The SDKs validate nothing client-side, so every constraint here is Trove's to enforce.
 */
export const DatasetId = string({ pattern: '[a-zA-Z0-9_-]{1,110}' });
const DatasetName = string({ pattern: '[a-zA-Z][a-zA-Z0-9_]{0,47}' });
const DatasetVersion = string({ pattern: '(DRAFT|[0-9]+)' });
const ClientToken = string({ min: 33, max: 256, pattern: '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}' });
const Description = string({ min: 0, max: 200 });
export const SCHEMA_TYPES = ['AGENTCORE_EVALUATION_PREDEFINED_V1', 'AGENTCORE_EVALUATION_SIMULATED_V1', 'THIRD_PARTY_EVALUATION_V1'] as const;
const DatasetSchemaType = enumeration(SCHEMA_TYPES);
const KmsKeyArn = string({ min: 1, max: 2048, pattern: 'arn:aws(|-cn|-us-gov):kms:[a-zA-Z0-9-]*:[0-9]{12}:key/[a-zA-Z0-9-]{36}' });
const TagsMap = map(
  string({ min: 1, max: 128, pattern: '[a-zA-Z0-9\\s._:/=+@-]*' }),
  string({ min: 0, max: 256, pattern: '[a-zA-Z0-9\\s._:/=+@-]*' }),
  { min: 0, max: 50 },
);
/** Any AgentCore resource's ARN; Trove's tag operations know only datasets (`dataset/{datasetId}`). */
const TaggableResourcesArn = string({ min: 20, max: 1011, pattern: 'arn:(?:[^:]+)?:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:([a-z-]+/[^/]+)(?:/[a-z-]+/[^/]+)*' });
/** AWS: 0..256 by length, but the pattern needs at least one character. */
export const ExampleId = string({ min: 0, max: 256, pattern: '[a-zA-Z0-9_.:-]+' });
const ExampleList = list(document, { min: 1, max: 1000 });
const DataSourceType = structure({
  inlineExamples: optional(structure({ examples: required(ExampleList) })),
  s3Source: optional(structure({ s3Uri: required(string({ pattern: 's3://[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]/.{1,1024}' })) })),
}, { union: true });

export const inputShapes = {
  CreateDataset: structure({
    clientToken: optional(ClientToken),
    datasetName: required(DatasetName),
    description: optional(Description),
    source: required(DataSourceType),
    schemaType: required(DatasetSchemaType),
    kmsKeyArn: optional(KmsKeyArn),
    tags: optional(TagsMap),
  }),
  GetDataset: structure({ datasetId: required(DatasetId), datasetVersion: optional(DatasetVersion) }),
  UpdateDataset: structure({ datasetId: required(DatasetId), clientToken: optional(ClientToken), description: optional(Description) }),
  DeleteDataset: structure({ datasetId: required(DatasetId), datasetVersion: optional(DatasetVersion) }),
  ListDatasets: structure({
    nextToken: optional(string({ min: 0, max: 2048 })),
    maxResults: optional(integer({ min: 1, max: 100 })),
  }),
  AddDatasetExamples: structure({ datasetId: required(DatasetId), clientToken: optional(ClientToken), source: required(DataSourceType) }),
  UpdateDatasetExamples: structure({ datasetId: required(DatasetId), clientToken: optional(ClientToken), examples: required(ExampleList) }),
  DeleteDatasetExamples: structure({
    datasetId: required(DatasetId),
    clientToken: optional(ClientToken),
    exampleIds: required(list(ExampleId, { min: 1, max: 1000 })),
  }),
  ListDatasetExamples: structure({
    datasetId: required(DatasetId),
    datasetVersion: optional(DatasetVersion),
    maxResults: optional(integer({ min: 1, max: 1000 })),
    nextToken: optional(string({ min: 0, max: 2048 })),
  }),
  CreateDatasetVersion: structure({ datasetId: required(DatasetId), clientToken: optional(ClientToken) }),
  ListDatasetVersions: structure({
    datasetId: required(DatasetId),
    nextToken: optional(string()),
    maxResults: optional(integer({ min: 1, max: 100 })),
  }),
  TagResource: structure({ resourceArn: required(TaggableResourcesArn), tags: required(TagsMap) }),
  UntagResource: structure({ resourceArn: required(TaggableResourcesArn), tagKeys: required(list(TagsMap.key, { min: 0, max: 200 })) }),
  ListTagsForResource: structure({ resourceArn: required(TaggableResourcesArn) }),
} satisfies Record<string, StructureShape>;

export type AgentCoreOperationName = keyof typeof inputShapes;

export type SchemaType = (typeof SCHEMA_TYPES)[number];
/** An example as the wire carries it: any JSON (validated against the dataset's schema type). */
export type ExampleDocument = unknown;
export interface DataSource { inlineExamples?: { examples: ExampleDocument[] }; s3Source?: { s3Uri: string } }

export interface CreateDatasetInput {
  clientToken?: string; datasetName: string; description?: string; source: DataSource; schemaType: SchemaType;
  kmsKeyArn?: string; tags?: Record<string, string>;
}
export interface GetDatasetInput { datasetId: string; datasetVersion?: string }
export interface UpdateDatasetInput { datasetId: string; clientToken?: string; description?: string }
export interface DeleteDatasetInput { datasetId: string; datasetVersion?: string }
export interface ListDatasetsInput { nextToken?: string; maxResults?: number }
export interface AddDatasetExamplesInput { datasetId: string; clientToken?: string; source: DataSource }
export interface UpdateDatasetExamplesInput { datasetId: string; clientToken?: string; examples: ExampleDocument[] }
export interface DeleteDatasetExamplesInput { datasetId: string; clientToken?: string; exampleIds: string[] }
export interface ListDatasetExamplesInput { datasetId: string; datasetVersion?: string; maxResults?: number; nextToken?: string }
export interface CreateDatasetVersionInput { datasetId: string; clientToken?: string }
export interface ListDatasetVersionsInput { datasetId: string; nextToken?: string; maxResults?: number }
export interface TagResourceInput { resourceArn: string; tags: Record<string, string> }
export interface UntagResourceInput { resourceArn: string; tagKeys: string[] }
export interface ListTagsForResourceInput { resourceArn: string }
