import type { HttpBinding } from '../../api/http-binding.js';
import type { FieldViolation } from '../../api/errors.js';
import type { ServiceError } from '../../api/errors.js';
import type { Caller } from '../../domain/caller.js';
import type { Operation } from '../../operations/operation.js';

/** One restJson1 operation: its handler and where it sits on HTTP. */
export interface RestJsonRoute {
  readonly operation: Operation<never>;
  readonly binding: HttpBinding;
}

/** A restJson1 service: operations routed by method + URI template, and its modelled errors. */
export interface RestJsonService {
  /** SigV4 signing name, also the IAM action prefix (`bedrock-agentcore`). */
  readonly signingName: string;
  /** URL prefixes the service owns (e.g. `/datasets`): every request under them gets a modelled answer. */
  readonly prefixes: readonly string[];
  readonly routes: readonly RestJsonRoute[];
  /** Input that breaks constraints (AgentCore: ValidationException with fieldList). */
  validationError(violations: readonly FieldViolation[]): ServiceError;
  /** A body or URL that can't be read (AgentCore: ValidationException, reason CannotParse). */
  unreadable(message: string): ServiceError;
  /** A method and path no operation serves. */
  noRoute(method: string, path: string): ServiceError;
  /** The modelled throttling error, which the SDKs retry with backoff. */
  throttled(message?: string): ServiceError;
  /** The modelled error for a request the credential's allow-lists do not cover. */
  accessDenied(message: string): ServiceError;
  /**
   * Operations every signed caller may call whatever its allow-lists say (Trove's
   * GetCallerIdentity, like AWS STS's); all others need their action allowed.
   */
  readonly unrestricted?: ReadonlySet<string>;
  /**
   * The other APIs' actions an operation amounts to (Trove's own API: src/api/trove/permissions.ts),
   * each needed on the same resources as its own action, so an operation of one API never lets a
   * key do what another API's operation would refuse it. None when absent.
   */
  awsActions?(operation: string): readonly string[];
  /** The ARNs of the resources a validated input names, for resource allow-lists (none for listings). */
  resourceArns(operation: string, input: Record<string, unknown>, caller: Caller): string[];
  /** The modelled 500 (AgentCore: InternalServerException), with the default message unless given. */
  internalError(message?: string): ServiceError;
}
