import { describe, expect, it } from 'vitest';
import { httpBindings } from '../../../src/api/agentcore/http-bindings.js';
import { inputShapes } from '../../../src/api/agentcore/inputs.js';
import { compareInput, loadModel } from './model-conformance.js';

const model = loadModel('bedrock-agentcore-control/2023-06-05/service-2.json');

/**
 * The one deliberate difference: THIRD_PARTY_EVALUATION_V1 was added to DatasetSchemaType after
 * the model in ../shared (it is in the JS SDK 3.1142.0 and botocore 1.43.107; facts §3).
 */
const THIRD_PARTY = 'schemaType: enum AGENTCORE_EVALUATION_PREDEFINED_V1,AGENTCORE_EVALUATION_SIMULATED_V1,THIRD_PARTY_EVALUATION_V1, '
  + 'model AGENTCORE_EVALUATION_PREDEFINED_V1,AGENTCORE_EVALUATION_SIMULATED_V1';

describe.skipIf(!model)('AgentCore dataset input shapes match the botocore model', () => {
  for (const [operation, shape] of Object.entries(inputShapes)) {
    it(operation, () => {
      const modelShape = model!.operations[operation].input!.shape;
      const expected = operation === 'CreateDataset' ? [`${modelShape}.${THIRD_PARTY}`] : [];
      expect(compareInput(model!, modelShape, shape)).toEqual(expected);
    });
  }
});

describe.skipIf(!model)('AgentCore HTTP bindings match the botocore model', () => {
  for (const [operation, binding] of Object.entries(httpBindings)) {
    it(operation, () => {
      const { http, input } = model!.operations[operation];
      expect({ method: binding.method, uri: binding.uri, code: binding.code })
        .toEqual({ method: http!.method, uri: http!.requestUri.replace(/\?.*$/, ''), code: http!.responseCode ?? 200 });
      // Every query member of the model is bound to its parameter, and nothing else is.
      const members = model!.shapes[input!.shape].members ?? {};
      const query = Object.fromEntries(Object.entries(members).filter(([, m]) => m.location === 'querystring').map(([name, m]) => [name, m.locationName]));
      expect(binding.query ?? {}).toEqual(query);
    });
  }
});

if (!model) console.warn('skipping AgentCore model conformance: ../shared/aws-models is not next to the repository');
