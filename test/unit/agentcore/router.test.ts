import { describe, expect, it } from 'vitest';
import { httpBindings } from '../../../src/api/agentcore/http-bindings.js';
import { MalformedPath, RestJsonRouter } from '../../../src/protocols/rest-json/router.js';

const router = new RestJsonRouter(Object.entries(httpBindings).map(([name, binding]) => ({
  binding, operation: { name, input: { type: 'structure', members: {} }, handle: async () => undefined } as never,
})));
const route = (method: string, path: string) => {
  const match = router.match(method, path);
  return match && [(match.route.operation as { name: string }).name, match.labels];
};

describe('RestJsonRouter', () => {
  it('routes the 11 dataset operations and the 3 tag operations by method and URI template', () => {
    expect(route('POST', '/datasets')).toEqual(['CreateDataset', {}]);
    expect(route('GET', '/datasets')).toEqual(['ListDatasets', {}]);
    expect(route('GET', '/datasets/d-1')).toEqual(['GetDataset', { datasetId: 'd-1' }]);
    expect(route('PUT', '/datasets/d-1')).toEqual(['UpdateDataset', { datasetId: 'd-1' }]);
    expect(route('DELETE', '/datasets/d-1')).toEqual(['DeleteDataset', { datasetId: 'd-1' }]);
    expect(route('POST', '/datasets/d-1/examples/add')).toEqual(['AddDatasetExamples', { datasetId: 'd-1' }]);
    expect(route('POST', '/datasets/d-1/examples/update')).toEqual(['UpdateDatasetExamples', { datasetId: 'd-1' }]);
    expect(route('POST', '/datasets/d-1/examples/delete')).toEqual(['DeleteDatasetExamples', { datasetId: 'd-1' }]);
    expect(route('GET', '/datasets/d-1/examples')).toEqual(['ListDatasetExamples', { datasetId: 'd-1' }]);
    expect(route('POST', '/datasets/d-1/versions')).toEqual(['CreateDatasetVersion', { datasetId: 'd-1' }]);
    expect(route('GET', '/datasets/d-1/versions')).toEqual(['ListDatasetVersions', { datasetId: 'd-1' }]);
    const arn = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:dataset/d-1';
    const encoded = encodeURIComponent(arn);
    expect(route('POST', `/tags/${encoded}`)).toEqual(['TagResource', { resourceArn: arn }]);
    expect(route('DELETE', `/tags/${encoded}`)).toEqual(['UntagResource', { resourceArn: arn }]);
    expect(route('GET', `/tags/${encoded}`)).toEqual(['ListTagsForResource', { resourceArn: arn }]);
  });

  it('decodes labels, keeps an empty label for validation, and matches nothing else', () => {
    expect(route('GET', '/datasets/a%2Fb%20c')).toEqual(['GetDataset', { datasetId: 'a/b c' }]);
    expect(route('GET', '/datasets/')).toEqual(['GetDataset', { datasetId: '' }]);
    expect(route('GET', '/datasets/d/examples/add')).toBeUndefined();
    expect(route('PATCH', '/datasets/d')).toBeUndefined();
    expect(route('GET', '/datasets/d/')).toBeUndefined();
    expect(() => router.match('GET', '/datasets/%E0%A4%A')).toThrow(MalformedPath);
  });
});
