import { randomUUID } from 'node:crypto';
import { ServiceQuotaExceededException, ValidationException } from '../../api/agentcore/errors.js';
import type { SchemaType } from '../../api/agentcore/inputs.js';
import type { FieldViolation } from '../../api/errors.js';
import { nestsDeeperThan } from '../../lib/json-depth.js';
import { exampleIdProblem, MAX_EXAMPLE_DEPTH, tooDeep } from './example-rules.js';
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
 *
 * `asSent`: each example's content as the request wrote it, where that is exactly the JSON text
 * JSON.stringify would make of it (json-as-sent.ts), so that is stored without serializing again.
 */
export function prepareBatch(
  examples: readonly unknown[], path: string, rules: BatchRules, idRequired: boolean, asSent?: readonly (string | undefined)[],
): PreparedExample[] {
  const violations: FieldViolation[] = [];
  const prepared: PreparedExample[] = [];
  const seen = new Set<string>();
  let oversized: string | undefined;
  examples.forEach((example, index) => {
    const at = `${path}[${index}]`;
    const one = prepareExample(example, at, rules, idRequired, seen, 'request', asSent?.[index]);
    violations.push(...one.violations);
    if (!oversized && one.oversized) oversized = at;
    if (one.prepared) prepared.push(one.prepared);
  });
  if (violations.length > 0) throw ValidationException.of(violations);
  if (oversized) {
    throw new ServiceQuotaExceededException(`The example at '${oversized}' is larger than the ${rules.maxExampleBytes} bytes allowed per example.`);
  }
  return prepared;
}

/** One example checked on its own: its violations, whether it is too large, and the prepared form. */
export interface ExampleCheck {
  violations: FieldViolation[];
  oversized: boolean;
  /** Absent when the example is not an object, has an unusable id or nests too deep. */
  prepared?: PreparedExample;
}

/**
 * The checks of prepareBatch for one example at `at` (e.g. `examples[3]`, or `line 7` of an
 * s3Source file). `seen` holds the ids met so far in the same request or file (`scope`).
 * `asSent`: the content's JSON text as the client wrote it, when that is JSON.stringify's.
 */
export function prepareExample(
  example: unknown, at: string, rules: BatchRules, idRequired: boolean, seen: Set<string>, scope: 'request' | 'file', asSent?: string,
): ExampleCheck {
  const violations: FieldViolation[] = [];
  if (!isObject(example)) return { violations: [{ path: at, constraint: 'Member must be a JSON object', value: example }], oversized: false };
  const { exampleId, ...content } = example;
  let id: string | undefined;
  if (exampleId === undefined && !idRequired) {
    id = randomUUID();
  } else {
    const problem = exampleIdProblem(exampleId);
    if (problem) violations.push({ path: `${at}.exampleId`, constraint: problem, value: exampleId });
    else if (seen.has(exampleId as string)) violations.push({ path: `${at}.exampleId`, constraint: `Member must be unique within the ${scope}`, value: exampleId });
    else id = exampleId as string;
  }
  if (id !== undefined) seen.add(id);
  violations.push(...rules.validator.check(rules.schemaType, content, at));
  const text = asSent ?? serialize(content);
  if (text === undefined || nestsDeeperThan(text, MAX_EXAMPLE_DEPTH)) {
    violations.push(tooDeep(at));
    return { violations, oversized: false };
  }
  const oversized = Buffer.byteLength(text) > rules.maxExampleBytes;
  return { violations, oversized, prepared: id === undefined ? undefined : { exampleId: id, content: text } };
}

/** The JSON text, or undefined when the document is too deep to serialize at all. */
function serialize(content: object): string | undefined {
  try {
    return JSON.stringify(content);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An example as the wire lists it: `{"exampleId": ..., ...content}` (AWS: exampleId first). */
export function exampleLine(exampleId: string, content: string): string {
  return content === '{}' ? `{"exampleId":${JSON.stringify(exampleId)}}` : `{"exampleId":${JSON.stringify(exampleId)},${content.slice(1)}`;
}
