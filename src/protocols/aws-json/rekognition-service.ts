import type { ServiceError } from '../../api/errors.js';
import { InternalServerError, InvalidParameterException } from '../../api/rekognition/errors.js';
import type { Operation } from '../../operations/operation.js';
import type { AwsJsonService } from './aws-json-service.js';

/** Rekognition on awsJson1_1 (`X-Amz-Target: RekognitionService.<Operation>`). */
export function rekognitionService(operations: ReadonlyMap<string, Operation<never>>): AwsJsonService {
  return {
    targetPrefix: 'RekognitionService',
    operations,
    // AWS's model has no ValidationException for Rekognition; the modelled InvalidParameterException
    // maps to a typed exception in every SDK (facts: UNCONFIRMED which one AWS sends; this is the recommendation).
    validationError: (message) => new InvalidParameterException(message),
    internalError: (message) => new InternalServerError(message),
    // AWS: every Rekognition error shape has Code and Logref besides Message.
    errorMembers: (error: ServiceError, requestId: string) => ({ Code: error.code, Logref: requestId }),
  };
}
