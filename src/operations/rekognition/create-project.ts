import type { CreateProjectInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProject.html */
export function createProject(services: RekognitionServices): Operation<CreateProjectInput, { ProjectArn: string }> {
  return {
    name: 'CreateProject',
    input: inputShapes.CreateProject,
    async handle(input, { caller }) {
      const project = await services.projects.create(caller, {
        name: input.ProjectName,
        // AWS: Feature defaults to CUSTOM_LABELS.
        feature: input.Feature ?? 'CUSTOM_LABELS',
        autoUpdate: input.AutoUpdate,
        tags: input.Tags,
      });
      return { ProjectArn: project.arn };
    },
  };
}
