// Build-time code generation for the console (vite.config.ts): the server's AgentCore example
// schemas (src/domain/agentcore/example-schemas.ts), compiled by the same Ajv with the same
// options as ExampleValidator, emitted as a plain ES module of validation functions (Ajv
// "standalone" code). The browser then validates examples as they are typed exactly as the
// server will, without shipping Ajv's compiler and without `new Function` (which the console's
// Content-Security-Policy forbids).

import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { EXAMPLE_AJV_OPTIONS } from '../../src/domain/agentcore/example-rules.js';
import { EXAMPLE_SCHEMAS } from '../../src/domain/agentcore/example-schemas.js';

/** The virtual module's id: `import { validators } from 'virtual:example-validators'`. */
export const EXAMPLE_VALIDATORS_ID = 'virtual:example-validators';

/**
 * Ajv's runtime helpers the generated code requires (CommonJS), inlined so the module stands
 * alone. ucs2length counts code points as minLength does: the spread iterates them the same way.
 */
const RUNTIME: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': '((text) => [...text].length)',
};

/** The module's source: `export const validators = { AGENTCORE_EVALUATION_PREDEFINED_V1: fn, ... }`. */
export function exampleValidatorsModule(): string {
  const ajv = new Ajv2020({ ...EXAMPLE_AJV_OPTIONS, code: { source: true, esm: true } });
  for (const schema of Object.values(EXAMPLE_SCHEMAS)) ajv.addSchema(schema);
  const types = Object.keys(EXAMPLE_SCHEMAS);
  // CommonJS seen from ESM: the module object is the function, which TypeScript types as its `default`.
  const standaloneCode = standalone.default;
  let code = standaloneCode(ajv, Object.fromEntries(types.map((type) => [type, type])));
  for (const [call, inline] of Object.entries(RUNTIME)) code = code.split(call).join(inline);
  const left = /require\([^)]*\)/.exec(code);
  if (left) throw new Error(`The generated example validators need ${left[0]}: inline it in console/build/example-validators.ts`);
  return `${code}\nexport const validators = { ${types.join(', ')} };\n`;
}
