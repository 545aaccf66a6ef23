import { ValidationException } from '../../api/agentcore/errors.js';
import type { DataSource } from '../../api/agentcore/inputs.js';
import { parseS3Uri } from '../../object-store/object-store.js';
import type { ObjectRef } from '../../object-store/object-store.js';

/** Where the examples of a write come from: the request itself, or a JSONL object in S3. */
export type ExampleSource =
  | { kind: 'inline'; examples: readonly unknown[] }
  | { kind: 's3'; ref: ObjectRef };

/**
 * The `source` union (exactly one member, checked with the shape). AWS: an s3Source file is read
 * asynchronously (facts §5.8, INFERRED), so its problems surface as CREATE_FAILED/UPDATE_FAILED
 * with a failureReason (jobs/definitions/agentcore/import-examples.ts), not as a 400 here.
 */
export function exampleSource(source: DataSource): ExampleSource {
  if (source.s3Source) {
    const ref = parseS3Uri(source.s3Source.s3Uri);
    if (!ref) {
      throw new ValidationException('source.s3Source.s3Uri must be s3://bucket/key.', 'FieldValidationFailed',
        [{ name: 'source.s3Source.s3Uri', message: 'Member must be an S3 URI of the form s3://bucket/key' }]);
    }
    return { kind: 's3', ref };
  }
  return { kind: 'inline', examples: source.inlineExamples!.examples };
}
