import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { FieldViolation } from '../../api/errors.js';
import type { SchemaType } from '../../api/agentcore/inputs.js';
import { EXAMPLE_SCHEMAS } from './example-schemas.js';

/**
 * Checks example documents against their dataset's schema type with validators compiled once
 * at start-up. Violations name the member path inside the request, e.g.
 * `examples[3].turns[0].input`, in AWS's "Member must ..." wording.
 */
export class ExampleValidator {
  readonly #validators: ReadonlyMap<string, ValidateFunction>;

  constructor() {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    this.#validators = new Map(Object.entries(EXAMPLE_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));
  }

  /** Every violation of `content` (one example without its exampleId), paths prefixed by `path`. */
  check(schemaType: SchemaType, content: unknown, path: string): FieldViolation[] {
    const validate = this.#validators.get(schemaType)!;
    if (validate(content)) return [];
    return tidy(validate.errors ?? []).map((error) => toViolation(error, path));
  }
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
