import { randomUUID } from 'node:crypto';
import { ServiceQuotaExceededException, ValidationException } from '../../api/agentcore/errors.js';
import { ExampleId } from '../../api/agentcore/inputs.js';
import type { SchemaType } from '../../api/agentcore/inputs.js';
import type { FieldViolation } from '../../api/errors.js';
import type { ExampleValidator } from './example-validator.js';

/** An example ready to store: its id and its content as JSON text, without exampleId. */
export interface PreparedExample {
  exampleId: string;
  content: string;
}

export interface BatchRules {
  readonly validator: ExampleValidator;
  readonly schemaType: SchemaType;
  readonly maxExampleBytes: number;
}

/**
 * Validates a whole batch before anything is written (AWS: one bad example rejects the batch)
 * and splits each example into id and content. `path` names the list in the request, e.g.
 * `source.inlineExamples.examples`, so errors read `...examples[3].turns[0].input`.
 *
 * AWS (original model docs, facts §5.9): an `exampleId` string member is the example's id and is
 * removed from the stored content; a non-string one is a ValidationException. Without one, Add
 * mints a UUID; Update requires one (it names the example replaced).
 */
export function prepareBatch(examples: readonly unknown[], path: string, rules: BatchRules, idRequired: boolean): PreparedExample[] {
  const violations: FieldViolation[] = [];
  const prepared: PreparedExample[] = [];
  const seen = new Set<string>();
  let oversized: string | undefined;
  examples.forEach((example, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(example)) {
      violations.push({ path: at, constraint: 'Member must be a JSON object', value: example });
      return;
    }
    const { exampleId, ...content } = example;
    let id: string | undefined;
    if (exampleId === undefined && !idRequired) {
      id = randomUUID();
    } else {
      const problem = exampleIdProblem(exampleId);
      if (problem) violations.push({ path: `${at}.exampleId`, constraint: problem, value: exampleId });
      else if (seen.has(exampleId as string)) violations.push({ path: `${at}.exampleId`, constraint: 'Member must be unique within the request', value: exampleId });
      else id = exampleId as string;
    }
    if (id !== undefined) seen.add(id);
    violations.push(...rules.validator.check(rules.schemaType, content, at));
    const text = JSON.stringify(content);
    if (!oversized && Buffer.byteLength(text) > rules.maxExampleBytes) oversized = at;
    if (id !== undefined) prepared.push({ exampleId: id, content: text });
  });
  if (violations.length > 0) throw ValidationException.of(violations);
  if (oversized) {
    throw new ServiceQuotaExceededException(`The example at '${oversized}' is larger than the ${rules.maxExampleBytes} bytes allowed per example.`);
  }
  return prepared;
}

/** Why a value is not a valid ExampleId, or undefined when it is one. */
export function exampleIdProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'Member must not be null';
  if (typeof value !== 'string') return 'Member must be of type string';
  if (value.length > ExampleId.max!) return `Member must have length less than or equal to ${ExampleId.max}`;
  if (!ExampleId.regex!.test(value)) return `Member must satisfy regular expression pattern: ${ExampleId.pattern}`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An example as the wire lists it: `{"exampleId": ..., ...content}` (AWS: exampleId first). */
export function exampleLine(exampleId: string, content: string): string {
  return content === '{}' ? `{"exampleId":${JSON.stringify(exampleId)}}` : `{"exampleId":${JSON.stringify(exampleId)},${content.slice(1)}`;
}
