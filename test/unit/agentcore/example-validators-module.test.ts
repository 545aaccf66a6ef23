import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleValidatorsModule } from '../../../console/build/example-validators.js';
import type { SchemaType } from '../../../src/api/agentcore/inputs.js';
import { schemaViolations } from '../../../src/domain/agentcore/example-rules.js';
import { ExampleValidator } from '../../../src/domain/agentcore/example-validator.js';

type Generated = Record<SchemaType, ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }>;

// The console checks examples with validation code generated at build time from the server's
// schemas (console/build/example-validators.ts). It must say exactly what the server says.
describe('the console\'s generated example validators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-validators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const server = new ExampleValidator();

  it('stand alone (no require, no eval) and agree with the server on every schema type', async () => {
    const code = exampleValidatorsModule();
    expect(code).not.toMatch(/require\(|new Function|eval\(/);
    const file = join(dir, 'validators.mjs');
    writeFileSync(file, code);
    const { validators } = (await import(pathToFileURL(file).href)) as { validators: Generated };
    const check = (type: SchemaType, example: unknown) => {
      const validate = validators[type];
      return validate(example) ? [] : schemaViolations(validate.errors ?? [], 'e');
    };
    const cases: [SchemaType, unknown][] = [
      ['AGENTCORE_EVALUATION_PREDEFINED_V1', { scenario_id: 's', turns: [{ input: 'q', expected_response: 'a' }], expected_trajectory: ['t'], assertions: ['x'] }],
      ['AGENTCORE_EVALUATION_PREDEFINED_V1', { scenario_id: '', turns: [{ input: ' ' }, {}, { input: {} }], assertions: [1] }],
      ['AGENTCORE_EVALUATION_PREDEFINED_V1', { turns: [] }],
      ['AGENTCORE_EVALUATION_PREDEFINED_V1', { scenario_id: '😀', turns: [{ input: 'x' }] }],
      ['AGENTCORE_EVALUATION_SIMULATED_V1', { scenario_id: 's', actor_profile: { context: 'c', goal: 'g', traits: { a: 1 } }, input: 'hi', max_turns: 3 }],
      ['AGENTCORE_EVALUATION_SIMULATED_V1', { scenario_id: 's', actor_profile: { context: '', goal: 1 }, input: {}, max_turns: 0 }],
      ['THIRD_PARTY_EVALUATION_V1', { input: [{ role: 'robot', content: 'x' }], expected_tools: [1] }],
      ['THIRD_PARTY_EVALUATION_V1', []],
    ];
    for (const [type, example] of cases) expect(check(type, example), JSON.stringify(example)).toEqual(server.check(type, example, 'e'));
    expect(check('AGENTCORE_EVALUATION_PREDEFINED_V1', cases[1][1]).length).toBeGreaterThan(2);
  });
});
