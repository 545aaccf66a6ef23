import { CreateProjectCommand, DescribeProjectsCommand } from '@aws-sdk/client-rekognition';
import type { TestServer } from './server.js';

/** The settled outcomes of racing calls: how many succeeded, and the names of the errors of the rest. */
export function outcomes(results: PromiseSettledResult<unknown>[]): { succeeded: number; errors: string[] } {
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
  return { succeeded: results.length - errors.length, errors };
}

/**
 * `racers` CreateProject calls at once in `region`, spread over `nodes` in turn (one SDK client
 * each, no SDK retries): what they answered, and how many projects the last node then describes.
 */
export async function raceCreateProjects(nodes: readonly TestServer[], region: string, racers: number): Promise<{ succeeded: number; errors: string[]; described: number }> {
  const clients = nodes.map((server) => server.rekognition({ region, maxAttempts: 1 }));
  const results = await Promise.allSettled(Array.from({ length: racers }, (_, i) => clients[i % clients.length].send(new CreateProjectCommand({ ProjectName: `race-${i}` }))));
  const described = (await clients[clients.length - 1].send(new DescribeProjectsCommand({}))).ProjectDescriptions?.length ?? 0;
  return { ...outcomes(results), described };
}
