import type { HttpBinding } from '../http-binding.js';
import type { AgentCoreOperationName } from './inputs.js';

/** The 11 dataset operations' and the 3 tag operations' HTTP traits, from the model (facts §4; examples/add|update|delete are POSTs). */
export const httpBindings: Readonly<Record<AgentCoreOperationName, HttpBinding>> = {
  CreateDataset: { method: 'POST', uri: '/datasets', code: 202 },
  ListDatasets: { method: 'GET', uri: '/datasets', query: { nextToken: 'nextToken', maxResults: 'maxResults' }, code: 200 },
  GetDataset: { method: 'GET', uri: '/datasets/{datasetId}', query: { datasetVersion: 'datasetVersion' }, code: 200 },
  UpdateDataset: { method: 'PUT', uri: '/datasets/{datasetId}', code: 200 },
  DeleteDataset: { method: 'DELETE', uri: '/datasets/{datasetId}', query: { datasetVersion: 'datasetVersion' }, code: 202 },
  AddDatasetExamples: { method: 'POST', uri: '/datasets/{datasetId}/examples/add', code: 202 },
  UpdateDatasetExamples: { method: 'POST', uri: '/datasets/{datasetId}/examples/update', code: 202 },
  DeleteDatasetExamples: { method: 'POST', uri: '/datasets/{datasetId}/examples/delete', code: 202 },
  ListDatasetExamples: {
    method: 'GET', uri: '/datasets/{datasetId}/examples',
    query: { datasetVersion: 'datasetVersion', maxResults: 'maxResults', nextToken: 'nextToken' }, code: 200,
  },
  CreateDatasetVersion: { method: 'POST', uri: '/datasets/{datasetId}/versions', code: 202 },
  ListDatasetVersions: { method: 'GET', uri: '/datasets/{datasetId}/versions', query: { nextToken: 'nextToken', maxResults: 'maxResults' }, code: 200 },
  TagResource: { method: 'POST', uri: '/tags/{resourceArn}', code: 204 },
  UntagResource: { method: 'DELETE', uri: '/tags/{resourceArn}', query: { tagKeys: 'tagKeys' }, code: 204 },
  ListTagsForResource: { method: 'GET', uri: '/tags/{resourceArn}', code: 200 },
};
