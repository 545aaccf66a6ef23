import type { HttpBinding } from '../../api/http-binding.js';
import type { FieldViolation } from '../../api/errors.js';
import type { ServiceError } from '../../api/errors.js';
import type { Operation } from '../../operations/operation.js';

/** One restJson1 operation: its handler and where it sits on HTTP. */
export interface RestJsonRoute {
  readonly operation: Operation<never>;
  readonly binding: HttpBinding;
}

/** A restJson1 service: operations routed by method + URI template, and its modelled errors. */
export interface RestJsonService {
  /** URL prefixes the service owns (e.g. `/datasets`): every request under them gets a modelled answer. */
  readonly prefixes: readonly string[];
  readonly routes: readonly RestJsonRoute[];
  /** Input that breaks constraints (AgentCore: ValidationException with fieldList). */
  validationError(violations: readonly FieldViolation[]): ServiceError;
  /** A body or URL that can't be read (AgentCore: ValidationException, reason CannotParse). */
  unreadable(message: string): ServiceError;
  /** A method and path no operation serves. */
  noRoute(method: string, path: string): ServiceError;
  throttled(): ServiceError;
  /** The modelled 500. */
  internalError(): ServiceError;
}
