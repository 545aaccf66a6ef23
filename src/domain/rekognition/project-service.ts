import {
  InvalidPaginationTokenException, LimitExceededException, ResourceInUseException, ResourceNotFoundException,
} from '../../api/rekognition/errors.js';
import type { ProjectRecord, RkDatasetRecord } from '../../store/records.js';
import type { Caller } from '../caller.js';
import { fingerprint } from '../pagination.js';
import { belongsTo, projectArn } from './arns.js';
import { RekognitionJobs } from './job-kinds.js';
import type { DeleteProjectPayload } from './job-kinds.js';
import type { RekognitionDeps } from './rekognition-deps.js';

export interface ProjectWithDatasets {
  project: ProjectRecord;
  datasets: RkDatasetRecord[];
}

/** Rekognition projects: the containers of one TRAIN and one TEST dataset. */
export class ProjectService {
  constructor(private readonly deps: RekognitionDeps) {}

  /** AWS: a project name is unique in the account and region; a duplicate is ResourceInUseException. */
  async create(caller: Caller, input: { name: string; feature: string; autoUpdate?: string; tags?: Record<string, string> }): Promise<ProjectRecord> {
    const now = this.deps.clock.now();
    const limit = this.deps.limits.maxProjectsPerAccount;
    const project = await this.deps.store.transaction(async (tx) => {
      // Quota per account and region, counted and inserted under its lock: creators on any node
      // take turns, so the count sees every project committed before it (QuotaLocksRepository).
      await tx.quotaLocks.take('rk-projects', caller.account, caller.region);
      if ((await tx.rkProjects.countByAccount(caller.account, caller.region)) >= limit) {
        throw new LimitExceededException(`The account already has ${limit} projects in ${caller.region}, the most it may have. Delete a project first.`);
      }
      return tx.rkProjects.insert({
        account: caller.account,
        region: caller.region,
        name: input.name,
        arn: projectArn(caller, input.name, this.deps.stamps.next(now)),
        feature: input.feature,
        autoUpdate: input.autoUpdate ?? null,
        // Trove creates projects synchronously, so they are CREATED as soon as the ARN is returned.
        status: 'CREATED',
        tags: input.tags ?? null,
        createdAt: now,
      });
    });
    if (!project) throw new ResourceInUseException(`A project named ${input.name} already exists.`);
    return project;
  }

  /** One page of projects in creation order, each with its datasets' metadata. */
  async describe(caller: Caller, query: { nextToken?: string; maxResults: number; names?: string[]; features: string[] }): Promise<{
    projects: ProjectWithDatasets[]; nextToken?: string;
  }> {
    const filters = fingerprint({ names: query.names ? [...query.names].sort() : null, features: [...query.features].sort() });
    let afterId = 0;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<{ a: number; f: string }>('projects', query.nextToken);
      if (!state || state.f !== filters || typeof state.a !== 'number') throw new InvalidPaginationTokenException();
      afterId = state.a;
      startedAt = state.t;
    }
    const rows = await this.deps.store.rkProjects.list({
      account: caller.account, region: caller.region, afterId, limit: query.maxResults + 1, names: query.names, features: query.features,
    });
    const page = rows.slice(0, query.maxResults);
    const datasets = await this.deps.store.rkDatasets.listByProjects(page.map((p) => p.id));
    const projects = page.map((project) => ({ project, datasets: datasets.filter((d) => d.projectId === project.id) }));
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue('projects', { a: page[page.length - 1].id, f: filters }, startedAt)
      : undefined;
    return { projects, nextToken };
  }

  /**
   * Trove's choice (the AWS guides disagree): a project that still has datasets can't be deleted
   * (ResourceInUseException), so deleting a project never silently deletes data.
   */
  async delete(caller: Caller, arn: string): Promise<'DELETING'> {
    const project = await this.find(caller, arn);
    await this.deps.store.transaction(async (tx) => {
      await tx.rkProjects.lock(project.id);
      if ((await tx.rkDatasets.countByProject(project.id)) > 0) {
        throw new ResourceInUseException('The project still has datasets. Delete its datasets first.');
      }
      if (project.status === 'DELETING') return;
      await tx.rkProjects.setStatus(project.id, 'DELETING');
      await tx.jobs.enqueue({
        kind: RekognitionJobs.deleteProject, payloadVersion: 1, resource: project.arn, payload: { projectId: project.id } satisfies DeleteProjectPayload,
        runAfter: this.deps.clock.now(), createdAt: this.deps.clock.now(),
      });
    });
    this.deps.jobsEnqueued();
    return 'DELETING';
  }

  async find(caller: Caller, arn: string): Promise<ProjectRecord> {
    const project = belongsTo(arn, caller) ? await this.deps.store.rkProjects.findByArn(arn) : undefined;
    if (!project) throw new ResourceNotFoundException(`The project ${arn} does not exist.`);
    return project;
  }
}
