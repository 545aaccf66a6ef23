import { AgentCoreDatasetList } from '../agentcore/dataset-list.js';
import { ProjectList } from '../rekognition/project-list.js';

export function HomePage() {
  return (
    <div className="home">
      <ProjectList />
      <AgentCoreDatasetList />
    </div>
  );
}
