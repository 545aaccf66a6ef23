import { describe, expect, it } from 'vitest';
import { inputShapes } from '../../../src/api/rekognition/inputs.js';
import { compareInput, loadModel } from './model-conformance.js';

const model = loadModel('rekognition/2016-06-27/service-2.json');

describe.skipIf(!model)('Rekognition input shapes match the botocore model', () => {
  for (const [operation, shape] of Object.entries(inputShapes)) {
    it(operation, () => {
      const modelShape = model!.operations[operation].input!.shape;
      expect(compareInput(model!, modelShape, shape)).toEqual([]);
    });
  }
});

if (!model) console.warn('skipping model conformance: ../shared/aws-models is not next to the repository');
