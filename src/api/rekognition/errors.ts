import { ServiceError } from '../errors.js';

/**
 * Rekognition's modelled errors (awsJson1_1). Every client fault is HTTP 400; InternalServerError
 * and ThrottlingException are server faults with 500, as the model's error shapes say.
 * Each carries `Code` and `Logref` on the wire besides `Message`.
 */
export class RekognitionError extends ServiceError {}

export class InvalidParameterException extends RekognitionError {
  constructor(message = 'Request has invalid parameters.') {
    super('InvalidParameterException', message, 400);
  }
}

export class InvalidPaginationTokenException extends RekognitionError {
  constructor(message = 'Invalid Pagination Token') {
    super('InvalidPaginationTokenException', message, 400);
  }
}

export class ResourceNotFoundException extends RekognitionError {
  constructor(message = 'The specified resource does not exist.') {
    super('ResourceNotFoundException', message, 400);
  }
}

export class ResourceInUseException extends RekognitionError {
  constructor(message = 'Specified resource is in use.') {
    super('ResourceInUseException', message, 400);
  }
}

export class ResourceAlreadyExistsException extends RekognitionError {
  constructor(message = 'The specified resource already exists.') {
    super('ResourceAlreadyExistsException', message, 400);
  }
}

export class ResourceNotReadyException extends RekognitionError {
  constructor(message = 'The requested resource isn\'t ready.') {
    super('ResourceNotReadyException', message, 400);
  }
}

export class LimitExceededException extends RekognitionError {
  constructor(message = 'An Amazon Rekognition service limit was exceeded.') {
    super('LimitExceededException', message, 400);
  }
}

export class InvalidS3ObjectException extends RekognitionError {
  constructor(message = 'Unable to get object metadata from S3. Check object key, region and/or access permissions.') {
    super('InvalidS3ObjectException', message, 400);
  }
}

export class AccessDeniedException extends RekognitionError {
  constructor(message = 'You are not authorized to perform the action.') {
    super('AccessDeniedException', message, 400);
  }
}

export class ProvisionedThroughputExceededException extends RekognitionError {
  constructor(message = 'Provisioned Rate exceeded.') {
    super('ProvisionedThroughputExceededException', message, 400);
  }
}

export class ThrottlingException extends RekognitionError {
  constructor(message = 'Slow down; sudden increase in rate of requests.') {
    super('ThrottlingException', message, 500, 'server');
  }
}

export class InternalServerError extends RekognitionError {
  constructor(message = 'Internal server error') {
    super('InternalServerError', message, 500, 'server');
  }
}
