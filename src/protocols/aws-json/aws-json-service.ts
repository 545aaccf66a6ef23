import type { ServiceError } from '../../api/errors.js';
import type { Operation } from '../../operations/operation.js';

/** An awsJson1_1 service: operations routed by `X-Amz-Target: <targetPrefix>.<Operation>`. */
export interface AwsJsonService {
  readonly targetPrefix: string;
  readonly operations: ReadonlyMap<string, Operation<never>>;
  /** The modelled error for input that breaks a constraint (Rekognition: InvalidParameterException). */
  validationError(message: string): ServiceError;
  /** The modelled 500 (Rekognition: InternalServerError), with the default message unless given. */
  internalError(message?: string): ServiceError;
  /** Members besides `__type` and `Message` the service puts in every error body (Rekognition: Code, Logref). */
  errorMembers(error: ServiceError, requestId: string): Record<string, unknown>;
}
