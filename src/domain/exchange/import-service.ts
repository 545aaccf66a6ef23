import { AccessDeniedException, ConflictException, ResourceNotFoundException, ValidationException } from '../../api/trove/errors.js';
import type { ObjectAccess } from '../../buckets/object-access.js';
import { ObjectAccessDenied } from '../../buckets/object-access.js';
import { formatS3Uri, ObjectStoreError, parseS3Uri } from '../../object-store/object-store.js';
import type { Store } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { belongsTo } from '../rekognition/arns.js';
import type { EntryService } from '../rekognition/entry-service.js';

export interface ImportRequest {
  readonly datasetArn: string;
  readonly format: 'coco' | 'yolo';
  /** A COCO JSON file or a YOLO archive (tar, or tar.gz) in the object store. */
  readonly source: string;
  /** `s3://bucket/prefix/` the images are found under, by file name. */
  readonly images?: string;
}

export interface ImportAccepted {
  readonly datasetArn: string;
  readonly status: 'UPDATE_IN_PROGRESS';
  readonly format: string;
  readonly source: string;
  readonly images?: string;
}

/**
 * Imports of open formats into a Rekognition dataset (StartDatasetImport): accepted like an
 * UpdateDatasetEntries change (the dataset goes UPDATE_IN_PROGRESS and one durable job is
 * stored) whose job reads the file as the caller and converts it to manifest lines
 * (jobs/definitions/rekognition/import-entries.ts). Local files are converted by `trove import`
 * and sent as UpdateDatasetEntries changes instead.
 */
export class ImportService {
  constructor(private readonly deps: { readonly store: Store; readonly objects: ObjectAccess; readonly entries: EntryService }) {}

  async start(caller: Caller, request: ImportRequest): Promise<ImportAccepted> {
    const dataset = belongsTo(request.datasetArn, caller) ? await this.deps.store.rkDatasets.findByArn(request.datasetArn) : undefined;
    if (!dataset) throw new ResourceNotFoundException(`The dataset ${request.datasetArn} does not exist.`);
    const ref = parseS3Uri(request.source);
    if (!ref) throw new ValidationException(`The source ${request.source} is not an s3://bucket/key URI.`);
    // Refused at once, as CreateDataset refuses an unreadable manifest; the job reads it again, as the caller.
    try {
      await this.deps.objects.reader(caller).head(ref);
    } catch (error) {
      if (error instanceof ObjectAccessDenied && error.byAllowList) throw new AccessDeniedException(error.message);
      if (error instanceof ObjectStoreError && error.reason !== 'unavailable') {
        throw new ValidationException(`The source ${formatS3Uri(ref)} cannot be read (${error.message}).`);
      }
      throw error;
    }
    await this.deps.entries.acceptChange(caller, request.datasetArn, {
      import: { format: request.format, source: { bucket: ref.bucket, key: ref.key }, ...(request.images ? { images: request.images } : {}) },
    }, (message) => new ConflictException(message));
    return {
      datasetArn: request.datasetArn, status: 'UPDATE_IN_PROGRESS', format: request.format, source: request.source,
      ...(request.images ? { images: request.images } : {}),
    };
  }
}
