import { describeViolations, ServiceError } from '../errors.js';
import type { FieldViolation } from '../errors.js';

/**
 * AgentCore Control's modelled errors (restJson1): the name travels in `x-amzn-ErrorType`, the
 * text in body `message` (AWS: NonBlankString, so never empty). HTTP codes are the model's,
 * including ServiceQuotaExceededException's unusual 402.
 */
export class AgentCoreError extends ServiceError {}

/** AWS ValidationExceptionReason. */
export type ValidationReason =
  | 'CannotParse' | 'FieldValidationFailed' | 'IdempotentParameterMismatchException' | 'ResourceConflict' | 'EventInOtherSession';

export interface ValidationField {
  readonly name: string;
  readonly message: string;
}

/** Most fieldList entries sent with one error: a 1000-example batch can't produce a megabyte of errors. */
const MAX_FIELDS = 100;

export class ValidationException extends AgentCoreError {
  constructor(message: string, readonly reason: ValidationReason = 'FieldValidationFailed', readonly fieldList?: readonly ValidationField[]) {
    super('ValidationException', message, 400);
  }

  /** One error for every constraint violation, each named in fieldList by its member path. */
  static of(violations: readonly FieldViolation[]): ValidationException {
    const shown = violations.slice(0, MAX_FIELDS);
    return new ValidationException(
      describeViolations(shown),
      'FieldValidationFailed',
      shown.map((v) => ({ name: v.path, message: v.constraint })),
    );
  }

  override wireMembers(): Record<string, unknown> {
    return this.fieldList ? { reason: this.reason, fieldList: this.fieldList } : { reason: this.reason };
  }
}

export class ConflictException extends AgentCoreError {
  constructor(message: string) {
    super('ConflictException', message, 409);
  }
}

export class ResourceNotFoundException extends AgentCoreError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 404);
  }
}

export class ServiceQuotaExceededException extends AgentCoreError {
  constructor(message: string) {
    super('ServiceQuotaExceededException', message, 402);
  }
}

export class ThrottlingException extends AgentCoreError {
  constructor(message = 'Rate exceeded.') {
    super('ThrottlingException', message, 429);
  }
}

export class AccessDeniedException extends AgentCoreError {
  constructor(message = 'You do not have sufficient access to perform this action.') {
    super('AccessDeniedException', message, 403);
  }
}

export class InternalServerException extends AgentCoreError {
  constructor(message = 'The service encountered an internal error. Try again.') {
    super('InternalServerException', message, 500, 'server');
  }
}
