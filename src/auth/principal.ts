import type { Caller } from '../domain/caller.js';

/**
 * Who is calling, once the signature is verified: the credential's account, the region of its
 * SigV4 scope, and the credential's optional allow-lists (absent = everything in the account).
 */
export interface Principal extends Caller {
  readonly accessKeyId: string;
  /** IAM-style action patterns, e.g. `rekognition:UpdateDatasetEntries`, `bedrock-agentcore:*`. */
  readonly allowActions?: readonly string[];
  /** ARN patterns with `*` and `?` wildcards, e.g. `arn:aws:rekognition:*:*:project/flowers/*`. */
  readonly allowResources?: readonly string[];
}
