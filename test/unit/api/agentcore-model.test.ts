import { describe, expect, it } from 'vitest';
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

if (!model) console.warn('skipping AgentCore model conformance: ../shared/aws-models is not next to the repository');
