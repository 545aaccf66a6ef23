import type { DatasetService } from '../../domain/agentcore/dataset-service.js';
import type { ExampleService } from '../../domain/agentcore/example-service.js';
import type { TagService } from '../../domain/agentcore/tag-service.js';
import type { VersionService } from '../../domain/agentcore/version-service.js';

/** The AgentCore domain services the operations call. */
export interface AgentCoreServices {
  readonly datasets: DatasetService;
  readonly examples: ExampleService;
  readonly versions: VersionService;
  readonly tags: TagService;
}
