// The rules an AgentCore example must follow, in a form both the server and the web console use
// (the console checks examples as they are typed with the very same rules, bundled at build
// time; docs/console.md): the id's pattern, the nesting limit, and the words of every schema
// violation. Pure: no Node API, and Ajv only as a type (the validators themselves are compiled
// by ExampleValidator on the server and generated as code for the console).

import type { ErrorObject } from 'ajv/dist/2020.js';
import { ExampleId } from '../../api/agentcore/inputs.js';
import type { FieldViolation } from '../../api/errors.js';

/** Ajv's options for the example schemas (example-schemas.ts), the same on the server and in the console. */
export const EXAMPLE_AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;

/**
 * Trove: examples nest at most this deep (AWS's limit is UNCONFIRMED). Far deeper documents
 * would overflow the stack when serialized again for a listing, so they are refused up front.
 */
export const MAX_EXAMPLE_DEPTH = 100;

/** The violation of an example at `at` nested deeper than MAX_EXAMPLE_DEPTH. */
export function tooDeep(at: string): FieldViolation {
  return { path: at, constraint: `Member must not nest objects and arrays deeper than ${MAX_EXAMPLE_DEPTH} levels` };
}

/** Why a value is not a valid ExampleId, or undefined when it is one. */
export function exampleIdProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'Member must not be null';
  if (typeof value !== 'string') return 'Member must be of type string';
  if (value.length > ExampleId.max!) return `Member must have length less than or equal to ${ExampleId.max}`;
  if (!ExampleId.regex!.test(value)) return `Member must satisfy regular expression pattern: ${ExampleId.pattern}`;
  return undefined;
}

/** Ajv's errors for one example as AWS-worded violations, their paths prefixed by `path` (e.g. `examples[3]`). */
export function schemaViolations(errors: readonly ErrorObject[], path: string): FieldViolation[] {
  return tidy(errors).map((error) => toViolation(error, path));
}

/** A failed `oneOf` reports every branch's errors too; keep only the oneOf's own, clearer one. */
function tidy(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((error) => !/\/oneOf\/\d+\//.test(error.schemaPath));
}

function toViolation(error: ErrorObject, base: string): FieldViolation {
  let path = base + memberPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      path += `.${String(params.missingProperty)}`;
      return { path, constraint: 'Member must not be null' };
    case 'type':
      return { path, constraint: `Member must be of type ${String(params.type)}`, value: error.data };
    case 'oneOf':
      return { path, constraint: String((error.parentSchema as { description?: string } | undefined)?.description ?? 'Member must match exactly one form'), value: error.data };
    case 'minItems':
    case 'minLength':
      return { path, constraint: `Member must have length greater than or equal to ${String(params.limit)}`, value: error.data };
    case 'minimum':
      return { path, constraint: `Member must have value greater than or equal to ${String(params.limit)}`, value: error.data };
    case 'enum':
      return { path, constraint: `Member must satisfy enum value set: [${(params.allowedValues as unknown[]).join(', ')}]`, value: error.data };
    default:
      return { path, constraint: `Member ${error.message ?? 'is invalid'}`, value: error.data };
  }
}

/** JSON pointer `/turns/0/input` → `.turns[0].input`. */
function memberPath(pointer: string): string {
  if (!pointer) return '';
  return pointer.slice(1).split('/').map((raw) => {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }).join('');
}
