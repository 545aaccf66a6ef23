import { describe, expect, it } from 'vitest';
import { ExampleValidator } from '../../../src/domain/agentcore/example-validator.js';
import { exampleLine, prepareBatch } from '../../../src/domain/agentcore/examples-batch.js';
import { ServiceQuotaExceededException, ValidationException } from '../../../src/api/agentcore/errors.js';

const validator = new ExampleValidator();

describe('ExampleValidator', () => {
  it('accepts the documented examples of each schema type', () => {
    expect(validator.check('AGENTCORE_EVALUATION_PREDEFINED_V1', {
      scenario_id: 'math-then-weather',
      turns: [{ input: 'What is 15 + 27?', expected_response: '15 + 27 = 42' }, { input: { text: 'weather?' } }],
      expected_trajectory: ['calculator', 'weather'], assertions: ['used the calculator'], metadata: { sessionId: 'abc' }, extra: true,
    }, 'e')).toEqual([]);
    expect(validator.check('AGENTCORE_EVALUATION_SIMULATED_V1', {
      scenario_id: 'sim-1', scenario_description: 'Frustrated customer',
      actor_profile: { traits: { personality: 'impatient' }, context: 'Waiting 3 days', goal: 'Get a refund' },
      input: 'I want my money back!', max_turns: 5, assertions: ['Agent should empathize'],
    }, 'e')).toEqual([]);
    expect(validator.check('THIRD_PARTY_EVALUATION_V1', { input: [{ role: 'user', content: 'Book a flight' }], expected_output: 'ok' }, 'e')).toEqual([]);
  });

  it('names each failing member with its path and AWS wording', () => {
    expect(validator.check('AGENTCORE_EVALUATION_PREDEFINED_V1', { scenario_id: '', turns: [{ input: ' ' }, {}] }, 'examples[3]')).toEqual([
      { path: 'examples[3].scenario_id', constraint: 'Member must have length greater than or equal to 1', value: '' },
      { path: 'examples[3].turns[0].input', constraint: 'Member must be a non-blank string or a non-empty object', value: ' ' },
      { path: 'examples[3].turns[1].input', constraint: 'Member must not be null' },
    ]);
    expect(validator.check('AGENTCORE_EVALUATION_SIMULATED_V1', { scenario_id: 's', actor_profile: 'x', input: {}, max_turns: 1.5 }, 'e')
      .map((v) => `${v.path}: ${v.constraint}`)).toEqual([
      'e.actor_profile: Member must be of type object',
      'e.input: Member must be a non-blank string or a non-empty object',
      'e.max_turns: Member must be of type integer',
    ]);
    expect(validator.check('THIRD_PARTY_EVALUATION_V1', { input: [{ role: 'robot', content: 'x' }] }, 'e').map((v) => v.path)).toEqual(['e.input']);
    expect(validator.check('THIRD_PARTY_EVALUATION_V1', [], 'e')).toEqual([{ path: 'e', constraint: 'Member must be of type object', value: [] }]);
  });
});

describe('prepareBatch', () => {
  const rules = { validator, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1' as const, maxExampleBytes: 200 };
  const ok = (id?: unknown) => ({ ...(id === undefined ? {} : { exampleId: id }), scenario_id: 's', turns: [{ input: 'q' }] });

  it('splits exampleId from the content, minting UUIDs in input order when absent', () => {
    const prepared = prepareBatch([ok('mine'), ok()], 'examples', rules, false);
    expect(prepared[0]).toEqual({ exampleId: 'mine', content: '{"scenario_id":"s","turns":[{"input":"q"}]}' });
    expect(prepared[1].exampleId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(exampleLine('mine', prepared[0].content)).toBe('{"exampleId":"mine","scenario_id":"s","turns":[{"input":"q"}]}');
    expect(exampleLine('e', '{}')).toBe('{"exampleId":"e"}');
  });

  it('rejects the whole batch for any bad example, and oversized examples with a quota error', () => {
    const error = (() => {
      try {
        prepareBatch([ok(), ok(null), ok('a'), ok('a'), 5], 'examples', rules, true);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ValidationException;
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.fieldList).toEqual([
      { name: 'examples[0].exampleId', message: 'Member must not be null' },
      { name: 'examples[1].exampleId', message: 'Member must not be null' },
      { name: 'examples[3].exampleId', message: 'Member must be unique within the request' },
      { name: 'examples[4]', message: 'Member must be a JSON object' },
    ]);
    expect(() => prepareBatch([{ ...ok(), metadata: { pad: 'x'.repeat(300) } }], 'examples', rules, false)).toThrow(ServiceQuotaExceededException);
  });

  it('refuses documents nested too deep to serialize safely, whatever their depth', () => {
    const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    const fine = prepareBatch([{ ...ok(), metadata: { d: nested(90), s: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' } }], 'examples', { ...rules, maxExampleBytes: 1 << 20 }, false);
    expect(fine).toHaveLength(1);
    for (const depth of [120, 200_000]) {
      expect(() => prepareBatch([{ ...ok(), metadata: { d: nested(depth) } }], 'examples', { ...rules, maxExampleBytes: 1 << 20 }, false))
        .toThrow(/deeper than 100 levels/);
    }
  });
});
