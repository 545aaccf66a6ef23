import type { DescribeProjectsInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeProjects.html */
export function describeProjects(services: RekognitionServices): Operation<DescribeProjectsInput, unknown> {
  return {
    name: 'DescribeProjects',
    input: inputShapes.DescribeProjects,
    async handle(input, { caller }) {
      const { projects, nextToken } = await services.projects.describe(caller, {
        nextToken: input.NextToken || undefined,
        maxResults: input.MaxResults ?? 100,
        names: input.ProjectNames,
        // AWS: without Features only CUSTOM_LABELS projects are returned.
        features: input.Features ?? ['CUSTOM_LABELS'],
      });
      return {
        ProjectDescriptions: projects.map(({ project, datasets }) => ({
          ProjectArn: project.arn,
          CreationTimestamp: toEpochSeconds(project.createdAt),
          Status: project.status,
          Datasets: datasets.map((dataset) => ({
            CreationTimestamp: toEpochSeconds(dataset.createdAt),
            DatasetType: dataset.datasetType,
            DatasetArn: dataset.arn,
            Status: dataset.status,
            StatusMessage: dataset.statusMessage,
            StatusMessageCode: dataset.statusMessageCode,
          })),
          Feature: project.feature,
          AutoUpdate: project.autoUpdate ?? undefined,
        })),
        NextToken: nextToken,
      };
    },
  };
}
