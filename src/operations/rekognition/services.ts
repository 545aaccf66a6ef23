import type { DatasetService } from '../../domain/rekognition/dataset-service.js';
import type { EntryService } from '../../domain/rekognition/entry-service.js';
import type { ProjectService } from '../../domain/rekognition/project-service.js';

/** The Rekognition domain services the operations call. */
export interface RekognitionServices {
  readonly projects: ProjectService;
  readonly datasets: DatasetService;
  readonly entries: EntryService;
}
