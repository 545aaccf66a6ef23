import type { CreateDatasetInput } from '../../api/rekognition/inputs.js';
import { InvalidParameterException } from '../../api/rekognition/errors.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { DatasetSource } from '../../domain/rekognition/dataset-service.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateDataset.html */
export function createDataset(services: RekognitionServices): Operation<CreateDatasetInput, { DatasetArn: string }> {
  return {
    name: 'CreateDataset',
    input: inputShapes.CreateDataset,
    async handle(input, { caller }) {
      const datasetArn = await services.datasets.create(caller, {
        projectArn: input.ProjectArn,
        type: input.DatasetType,
        source: sourceOf(input.DatasetSource),
        tags: input.Tags,
      });
      return { DatasetArn: datasetArn };
    },
  };
}

/** AWS: DatasetSource omitted → an empty dataset; otherwise exactly one of its members. */
function sourceOf(source: CreateDatasetInput['DatasetSource']): DatasetSource {
  if (!source) return { kind: 'empty' };
  const { GroundTruthManifest: manifest, DatasetArn: datasetArn } = source;
  if ((manifest === undefined) === (datasetArn === undefined)) {
    throw new InvalidParameterException('DatasetSource must specify exactly one of GroundTruthManifest or DatasetArn.');
  }
  if (datasetArn !== undefined) return { kind: 'copy', datasetArn };
  const object = manifest?.S3Object;
  if (!object?.Bucket || !object.Name) {
    throw new InvalidParameterException('GroundTruthManifest.S3Object must specify Bucket and Name.');
  }
  return { kind: 'manifest', bucket: object.Bucket, name: object.Name, version: object.Version };
}
