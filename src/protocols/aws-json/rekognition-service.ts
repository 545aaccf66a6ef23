import type { ServiceError } from '../../api/errors.js';
import {
  AccessDeniedException, InternalServerError, InvalidParameterException, ProvisionedThroughputExceededException,
} from '../../api/rekognition/errors.js';
import type { Caller } from '../../domain/caller.js';
import type { Operation } from '../../operations/operation.js';
import type { AwsJsonService } from './aws-json-service.js';

/** Rekognition on awsJson1_1 (`X-Amz-Target: RekognitionService.<Operation>`). */
export function rekognitionService(operations: ReadonlyMap<string, Operation<never>>): AwsJsonService {
  return {
    targetPrefix: 'RekognitionService',
    signingName: 'rekognition',
    operations,
    // AWS's model has no ValidationException for Rekognition; the modelled InvalidParameterException
    // maps to a typed exception in every SDK (facts: UNCONFIRMED which one AWS sends; this is the recommendation).
    validationError: (message) => new InvalidParameterException(message),
    internalError: (message) => new InternalServerError(message),
    accessDenied: (message) => new AccessDeniedException(message),
    // AWS models ThrottlingException (500) and ProvisionedThroughputExceededException (400) on every
    // dataset operation; a caller over its configured rate is a client fault, so the 400 one.
    // The SDKs retry both as throttling errors.
    throttled: (message) => new ProvisionedThroughputExceededException(message),
    resourceArns: rekognitionResourceArns,
    // AWS: every Rekognition error shape has Code and Logref besides Message.
    errorMembers: (error: ServiceError, requestId: string) => ({ Code: error.code, Logref: requestId }),
  };
}

/**
 * The resources a Rekognition request names: every ARN member (ProjectArn, DatasetArn,
 * DatasetSource.DatasetArn, Datasets[].Arn), and for CreateProject the project-to-be,
 * `project/<name>/*` (IAM's CreateProject resource is the project).
 */
export function rekognitionResourceArns(operation: string, input: Record<string, unknown>, caller: Caller): string[] {
  if (operation === 'CreateProject') {
    return [`arn:aws:rekognition:${caller.region}:${caller.account}:project/${String(input.ProjectName)}/*`];
  }
  const arns: string[] = [];
  collectArns(input, arns);
  return arns;
}

function collectArns(value: unknown, into: string[]): void {
  // Decoded blobs (Changes.GroundTruth) hold bytes, never ARNs.
  if (ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) collectArns(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [member, child] of Object.entries(value)) {
      if (typeof child === 'string' && /Arn$/.test(member)) into.push(child);
      else collectArns(child, into);
    }
  }
}
