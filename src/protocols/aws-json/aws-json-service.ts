import type { ServiceError } from '../../api/errors.js';
import type { Caller } from '../../domain/caller.js';
import type { Operation } from '../../operations/operation.js';

/** An awsJson1_1 service: operations routed by `X-Amz-Target: <targetPrefix>.<Operation>`. */
export interface AwsJsonService {
  readonly targetPrefix: string;
  /** SigV4 signing name, also the IAM action prefix (`rekognition`). */
  readonly signingName: string;
  readonly operations: ReadonlyMap<string, Operation<never>>;
  /** The modelled error for input that breaks a constraint (Rekognition: InvalidParameterException). */
  validationError(message: string): ServiceError;
  /** The modelled 500 (Rekognition: InternalServerError), with the default message unless given. */
  internalError(message?: string): ServiceError;
  /** The modelled error for a request the credential's allow-lists do not cover. */
  accessDenied(message: string): ServiceError;
  /** The modelled throttling error, which the SDKs retry with backoff. */
  throttled(message: string): ServiceError;
  /** The ARNs of the resources a validated input names, for resource allow-lists (none for listings). */
  resourceArns(operation: string, input: Record<string, unknown>, caller: Caller): string[];
  /** Members besides `__type` and `Message` the service puts in every error body (Rekognition: Code, Logref). */
  errorMembers(error: ServiceError, requestId: string): Record<string, unknown>;
}
