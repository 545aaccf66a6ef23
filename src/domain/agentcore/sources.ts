import { ValidationException } from '../../api/agentcore/errors.js';
import type { DataSource } from '../../api/agentcore/inputs.js';

/**
 * The examples of a `source` union (exactly one member, checked with the shape). `s3Source`
 * arrives with object storage; until then it is refused synchronously, as the facts recommend
 * for an emulator without S3 configured.
 */
export function inlineExamples(source: DataSource): readonly unknown[] {
  if (source.s3Source) {
    throw new ValidationException(
      's3Source is not supported by this Trove server yet (it arrives with object storage support); send the examples in source.inlineExamples.',
      'FieldValidationFailed',
      [{ name: 'source.s3Source', message: 'Member is not supported by this server yet; use source.inlineExamples' }],
    );
  }
  return source.inlineExamples!.examples;
}
