import {
  AccessDeniedException, InvalidS3ObjectException, ResourceAlreadyExistsException, ResourceInUseException, ResourceNotFoundException,
} from '../../api/rekognition/errors.js';
import { ObjectAccessDenied, requesterOf } from '../../buckets/object-access.js';
import { ObjectStoreError } from '../../object-store/object-store.js';
import type { ObjectRef, ObjectStoreFailure } from '../../object-store/object-store.js';
import type { ServiceError } from '../../api/errors.js';
import type { RkDatasetRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { belongsTo, datasetArn } from './arns.js';
import type { DatasetType } from './arns.js';
import { RekognitionJobs } from './job-kinds.js';
import type { CreateDatasetPayload, DeleteDatasetPayload } from './job-kinds.js';
import type { ProjectService } from './project-service.js';
import type { RekognitionDeps } from './rekognition-deps.js';
import { DELETABLE, statusChange } from './status.js';

export type DatasetSource =
  | { kind: 'empty' }
  | { kind: 'copy'; datasetArn: string }
  | ManifestSource;

export interface ManifestSource { kind: 'manifest'; bucket: string; name: string; version?: string }

const MANIFEST_PROBLEM: Record<ObjectStoreFailure, string> = {
  'no-such-bucket': 'no such bucket',
  'no-such-key': 'no such object',
  'access-denied': 'access denied',
  'unavailable': 'the object store did not answer',
  // Only writes fail these ways; listed so every reason has words.
  'already-exists': 'the object exists',
  'invalid-key': 'no such object',
};

/** Rekognition datasets: creation, description, deletion. */
export class DatasetService {
  constructor(private readonly deps: RekognitionDeps, private readonly projects: ProjectService) {}

  /**
   * AWS: returns the ARN at once; the dataset is CREATE_IN_PROGRESS until the job has copied the
   * source (if any). A project holds at most one TRAIN and one TEST dataset.
   */
  async create(caller: Caller, input: { projectArn: string; type: DatasetType; source: DatasetSource; tags?: Record<string, string> }): Promise<string> {
    const project = await this.projects.find(caller, input.projectArn);
    const source = input.source.kind === 'copy' ? await this.find(caller, input.source.datasetArn) : undefined;
    const manifest = input.source.kind === 'manifest' ? await this.#reachableManifest(caller, input.source) : undefined;
    const now = this.deps.clock.now();
    const arn = datasetArn(caller, project.name, input.type, this.deps.stamps.next(now));
    await this.deps.store.transaction(async (tx) => {
      const locked = await tx.rkProjects.lock(project.id);
      if (!locked || locked.status === 'DELETING') throw new ResourceNotFoundException(`The project ${project.arn} is being deleted.`);
      const dataset = await tx.rkDatasets.insert({
        projectId: project.id, arn, datasetType: input.type, tags: input.tags ?? null, createdAt: now,
        ...statusChange('CREATE_IN_PROGRESS', now),
      });
      if (!dataset) {
        throw new ResourceAlreadyExistsException(`The project already has a ${input.type} dataset. Delete it before creating another.`);
      }
      // The requester reads the manifest and images as themselves, and history names their access key.
      const payload: CreateDatasetPayload = { datasetId: dataset.id, sourceDatasetId: source?.id, manifest, requester: requesterOf(caller) };
      await tx.jobs.enqueue({ kind: RekognitionJobs.createDataset, payloadVersion: 1, resource: arn, payload, runAfter: now, createdAt: now });
    });
    this.deps.jobsEnqueued();
    return arn;
  }

  async describe(caller: Caller, arn: string): Promise<RkDatasetRecord> {
    return this.find(caller, arn);
  }

  /** AWS: not while CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS; the dataset then disappears asynchronously. */
  async delete(caller: Caller, arn: string): Promise<void> {
    const dataset = await this.find(caller, arn);
    if (dataset.status === 'DELETE_IN_PROGRESS') return;
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.rkDatasets.transition(dataset.id, DELETABLE, statusChange('DELETE_IN_PROGRESS', now)))) {
        throw new ResourceInUseException(`The dataset ${arn} is being created or updated; delete it once that has finished.`);
      }
      const payload: DeleteDatasetPayload = { datasetId: dataset.id };
      await tx.jobs.enqueue({ kind: RekognitionJobs.deleteDataset, payloadVersion: 1, resource: arn, payload, runAfter: now, createdAt: now });
    });
    this.deps.jobsEnqueued();
  }

  /**
   * AWS answers InvalidS3ObjectException at once when the manifest's metadata cannot be read
   * (no such bucket, key or version, or no permission); the content is read later by the job.
   * A credential whose allow-lists lack s3:GetObject on the manifest is IAM's AccessDeniedException.
   */
  async #reachableManifest(caller: Caller, source: ManifestSource): Promise<ObjectRef> {
    const ref: ObjectRef = { bucket: source.bucket, key: source.name, ...(source.version === undefined ? {} : { version: source.version }) };
    try {
      await this.deps.objects.reader(caller).head(ref);
    } catch (error) {
      if (!(error instanceof ObjectStoreError)) throw error;
      if (error instanceof ObjectAccessDenied && error.byAllowList) throw new AccessDeniedException(error.message);
      throw new InvalidS3ObjectException(
        `Unable to get object metadata from S3. Check object key, region and/or access permissions. (${MANIFEST_PROBLEM[error.reason]}: ${error.message})`,
      );
    }
    return ref;
  }

  /** The caller's dataset with this ARN, or Rekognition's ResourceNotFoundException. */
  async find(caller: Caller, arn: string): Promise<RkDatasetRecord> {
    return findDataset(this.deps.store, caller, arn, ResourceNotFoundException);
  }
}

/** The ResourceNotFoundException of the protocol asking: Rekognition's is a 400, the Trove API's a 404. */
export type NotFoundError = new (message: string) => ServiceError;

/**
 * The one lookup of a Rekognition dataset by ARN, for Rekognition's operations and the Trove
 * API's (history, snapshots, imports): the caller's dataset, whatever its status, or `NotFound`;
 * another account's or region's dataset does not exist for the caller. What a status refuses is
 * the caller's rule (the Trove API's history reads: readDataset in history/dataset-reads.ts).
 */
export async function findDataset(store: Store, caller: Caller, arn: string, NotFound: NotFoundError): Promise<RkDatasetRecord> {
  const dataset = belongsTo(arn, caller) ? await store.rkDatasets.findByArn(arn) : undefined;
  if (!dataset) throw new NotFound(`The dataset ${arn} does not exist.`);
  return dataset;
}
