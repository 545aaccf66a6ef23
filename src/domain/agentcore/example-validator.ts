import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { FieldViolation } from '../../api/errors.js';
import type { SchemaType } from '../../api/agentcore/inputs.js';
import { EXAMPLE_AJV_OPTIONS, schemaViolations } from './example-rules.js';
import { EXAMPLE_SCHEMAS } from './example-schemas.js';

/**
 * Checks example documents against their dataset's schema type with validators compiled once
 * at start-up. Violations name the member path inside the request, e.g.
 * `examples[3].turns[0].input`, in AWS's "Member must ..." wording (example-rules.ts, which the
 * console shares).
 */
export class ExampleValidator {
  readonly #validators: ReadonlyMap<string, ValidateFunction>;

  constructor() {
    const ajv = new Ajv2020(EXAMPLE_AJV_OPTIONS);
    this.#validators = new Map(Object.entries(EXAMPLE_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));
  }

  /** Every violation of `content` (one example without its exampleId), paths prefixed by `path`. */
  check(schemaType: SchemaType, content: unknown, path: string): FieldViolation[] {
    const validate = this.#validators.get(schemaType)!;
    if (validate(content)) return [];
    return schemaViolations(validate.errors ?? [], path);
  }
}
