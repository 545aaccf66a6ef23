/**
 * Operations any signed-in caller may call whatever its allow-lists say, as AWS STS
 * GetCallerIdentity needs no permission: knowing who you are is not access to anything.
 */
export const UNRESTRICTED_OPERATIONS: ReadonlySet<string> = new Set(['GetCallerIdentity']);

/**
 * What each of Trove's own operations amounts to in the AWS APIs, so that the Trove API never lets
 * a key do what the AWS API would refuse it: besides its own action `trove:<Operation>`, a call
 * needs each of these actions on the same resources (the dataset ARN it names). A key allowed
 * `trove:*` but not `rekognition:UpdateDatasetEntries` restores no snapshot and imports nothing; one
 * without `rekognition:ListDatasetEntries` reads no entry through a diff, an export or a conflict.
 * Object-store reads and writes (`s3:GetObject`, `s3:PutObject`) are decided by the object access
 * check on the object itself (src/buckets/object-access.ts), not here. Every operation is listed:
 * a new one does not compile until it says what it amounts to (the protocol's service,
 * src/protocols/rest-json/trove-service.ts, takes this as a Record over every operation). Pure,
 * without imports: the console bundles it to decide what a key may do before trying.
 */
export const AWS_ACTIONS = {
  GetCallerIdentity: [],
  // Counts, statuses and who made each revision: what DescribeDataset shows, over time.
  ListDatasetRevisions: ['rekognition:DescribeDataset'],
  ListDatasetSnapshots: ['rekognition:DescribeDataset'],
  // Source-refs and error codes of the entries a change wrote, and parts of the lines it dropped.
  GetDatasetIngestReport: ['rekognition:ListDatasetEntries'],
  ListDatasetRevisionEntries: ['rekognition:ListDatasetEntries'],
  DiffDatasetRevisions: ['rekognition:ListDatasetEntries'],
  CreateDatasetExport: ['rekognition:ListDatasetEntries'],
  // Counts the entries of a filtered listing (a source-ref's presence, say): a listing's answer.
  GetDatasetEntriesPageToken: ['rekognition:ListDatasetEntries'],
  // The error codes in the entries' lines: what their listing shows, counted.
  GetDatasetErrorCounts: ['rekognition:ListDatasetEntries'],
  // Names a revision and keeps its entries from garbage collection; reads and changes no entry.
  CreateDatasetSnapshot: [],
  DeleteDatasetSnapshot: [],
  RestoreDatasetSnapshot: ['rekognition:UpdateDatasetEntries'],
  StartDatasetImport: ['rekognition:UpdateDatasetEntries'],
  // The same change as StartDatasetImport, from a file the caller sends (no object is read but the images).
  UploadDatasetImport: ['rekognition:UpdateDatasetEntries'],
  // A change, whose conflicts answer the current lines (and whose versions confirm guesses of them).
  UpdateDatasetEntriesIfUnchanged: ['rekognition:UpdateDatasetEntries', 'rekognition:ListDatasetEntries'],
  CreateAgentCoreDatasetExport: ['bedrock-agentcore:ListDatasetExamples'],
  ListWritableBuckets: [],
  UploadImage: [],
  ListJobs: [],
  // A retry is the change its job makes, made again by the caller, and a cancel fails that change:
  // both need the job's own action (requestAction, domain/jobs/control-rules.ts, which ListJobs
  // lists per job; an AgentCore batch's, its call's) on its dataset(s), checked once the job is known (domain/jobs/job-control.ts;
  // tested with real jobs in test/integration/operations/job-control.test.ts and agentcore-jobs.test.ts).
  RetryJob: [],
  CancelJob: [],
} as const satisfies Record<string, readonly string[]>;

export type TroveActionsOperation = keyof typeof AWS_ACTIONS;

/** Every action a call of `operation` needs, its own first (for clients that decide before calling, e.g. the console). */
export function actionsOf(operation: TroveActionsOperation): string[] {
  return [`trove:${operation}`, ...AWS_ACTIONS[operation]];
}
