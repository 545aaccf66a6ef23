import type { DeleteProjectInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DeleteProject.html */
export function deleteProject(services: RekognitionServices): Operation<DeleteProjectInput, { Status: string }> {
  return {
    name: 'DeleteProject',
    input: inputShapes.DeleteProject,
    async handle(input, { caller }) {
      return { Status: await services.projects.delete(caller, input.ProjectArn) };
    },
  };
}
