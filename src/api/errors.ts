/** Who is at fault, as the AWS SDKs report it in `$fault` (drives retries together with the status). */
export type Fault = 'client' | 'server';

/**
 * Base of every error that reaches the wire. `code` is the error shape name in the AWS model
 * (moto's rule: the code must match an exception ShapeID), `httpStatus` the status AWS sends.
 * Each protocol renders these in exactly one place.
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly fault: Fault;

  constructor(code: string, message: string, httpStatus: number, fault: Fault = httpStatus >= 500 ? 'server' : 'client') {
    super(message);
    this.name = code;
    this.code = code;
    this.httpStatus = httpStatus;
    this.fault = fault;
  }

  /** Modelled members beyond `message`, rendered into the error body. */
  wireMembers(): Record<string, unknown> {
    return {};
  }
}

/** One constraint violation found while validating an input against its modelled shape. */
export interface FieldViolation {
  /** Path of the member, e.g. `datasets[1].arn` or `examples[3].turns[0].input`. */
  path: string;
  /** What the member must satisfy, in AWS's "Member must ..." wording. */
  constraint: string;
  /** The offending value, when it is short enough to echo. */
  value?: unknown;
}

/** Formats violations the way AWS Coral services word them. */
export function describeViolations(violations: readonly FieldViolation[]): string {
  const parts = violations.map((v) => `Value ${echo(v.value)} at '${v.path}' failed to satisfy constraint: ${v.constraint}`);
  const count = violations.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

function echo(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value.length > 100 ? `'${value.slice(0, 100)}...'` : `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `'${String(value)}'`;
  return 'of the given type';
}
