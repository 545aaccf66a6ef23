// Checks an AgentCore example as it is typed, with exactly the rules the server applies when it
// is saved: the dataset schema type's JSON Schema (src/domain/agentcore/example-schemas.ts,
// compiled at build time into the 'virtual:example-validators' module by the same Ajv), the
// exampleId pattern and the nesting limit, worded as the server words them (example-rules.ts).

import { validators } from 'virtual:example-validators';
import type { FieldViolation } from '../../../../src/api/errors.js';
import { exampleIdProblem, MAX_EXAMPLE_DEPTH, schemaViolations, tooDeep } from '../../../../src/domain/agentcore/example-rules.js';
import { nestsDeeperThan } from '../../../../src/lib/json-depth.js';

/** Every violation of `example` (with its exampleId, if any); `idRequired` for an update. */
export function exampleViolations(schemaType: string, example: unknown, idRequired: boolean): FieldViolation[] {
  if (typeof example !== 'object' || example === null || Array.isArray(example)) return [{ path: 'example', constraint: 'Member must be a JSON object' }];
  const { exampleId, ...content } = example as Record<string, unknown>;
  const violations: FieldViolation[] = [];
  if (exampleId !== undefined || idRequired) {
    const problem = exampleIdProblem(exampleId);
    if (problem) violations.push({ path: 'example.exampleId', constraint: problem, value: exampleId });
  }
  if (nestsDeeperThan(JSON.stringify(content), MAX_EXAMPLE_DEPTH)) return [...violations, tooDeep('example')];
  const validate = validators[schemaType];
  if (validate && !validate(content)) violations.push(...schemaViolations(validate.errors ?? [], 'example'));
  return violations;
}
