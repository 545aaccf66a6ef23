import { describeViolations, ServiceError } from '../errors.js';
import type { FieldViolation } from '../errors.js';

/**
 * Errors of Trove's own API (`/_trove/api/`, docs/trove-api.md). It speaks restJson1 exactly as
 * AgentCore does (`x-amzn-ErrorType` header, body `message`), so any SigV4 + JSON client, the
 * console and `bin/trove` parse it the same way. The names are AWS's usual ones.
 */
export class TroveApiError extends ServiceError {}

export interface ValidationField {
  readonly name: string;
  readonly message: string;
}

/** Most fieldList entries sent with one error. */
const MAX_FIELDS = 100;

export class ValidationException extends TroveApiError {
  constructor(message: string, readonly fieldList?: readonly ValidationField[]) {
    super('ValidationException', message, 400);
  }

  static of(violations: readonly FieldViolation[]): ValidationException {
    const shown = violations.slice(0, MAX_FIELDS);
    return new ValidationException(describeViolations(shown), shown.map((v) => ({ name: v.path, message: v.constraint })));
  }

  override wireMembers(): Record<string, unknown> {
    return this.fieldList ? { fieldList: this.fieldList } : {};
  }
}

export class ResourceNotFoundException extends TroveApiError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 404);
  }
}

export class ConflictException extends TroveApiError {
  constructor(message: string) {
    super('ConflictException', message, 409);
  }
}

export class ServiceQuotaExceededException extends TroveApiError {
  constructor(message: string) {
    super('ServiceQuotaExceededException', message, 402);
  }
}

/**
 * A conditional write whose condition no longer holds (DynamoDB's name for the same thing): the
 * entries named in `conflicts` are not the versions the client expected. Nothing was changed.
 */
export class ConditionalCheckFailedException extends TroveApiError {
  constructor(message: string, readonly conflicts: readonly Record<string, unknown>[], readonly conflictCount: number) {
    super('ConditionalCheckFailedException', message, 409);
  }

  override wireMembers(): Record<string, unknown> {
    return { conflicts: this.conflicts, conflictCount: this.conflictCount };
  }
}

export class AccessDeniedException extends TroveApiError {
  constructor(message = 'You do not have sufficient access to perform this action.') {
    super('AccessDeniedException', message, 403);
  }
}

export class ThrottlingException extends TroveApiError {
  constructor(message = 'Rate exceeded.') {
    super('ThrottlingException', message, 429);
  }
}

export class InternalServerException extends TroveApiError {
  constructor(message = 'Trove encountered an internal error. Try again.') {
    super('InternalServerException', message, 500, 'server');
  }
}
