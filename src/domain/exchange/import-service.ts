import type { Logger } from 'pino';
import { AccessDeniedException, ConflictException, ResourceNotFoundException, ServiceQuotaExceededException, ValidationException } from '../../api/trove/errors.js';
import type { ObjectAccess } from '../../buckets/object-access.js';
import { ObjectAccessDenied } from '../../buckets/object-access.js';
import { formatS3Uri, ObjectStoreError, parseS3Uri } from '../../object-store/object-store.js';
import type { Clock } from '../../lib/clock.js';
import type { ByteCaps, CapPassed } from '../../store/sql/byte-caps.js';
import { UploadGone } from '../../store/sql/import-uploads-repository.js';
import type { Store } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { findDataset } from '../rekognition/dataset-service.js';
import type { EntryService } from '../rekognition/entry-service.js';
import { importSourceName } from '../rekognition/job-kinds.js';
import { SETTLED } from '../rekognition/status.js';

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
  /**
   * The revision the import will be once its job has applied (or failed) it: where a client reads
   * what it left out, whatever else changes the dataset afterwards.
   */
  readonly revision: number;
  readonly status: 'UPDATE_IN_PROGRESS';
  readonly format: string;
  readonly source: string;
  readonly images?: string;
}

/** UploadDatasetImport: the file is the request's body; `name` is how history names it. */
export interface UploadRequest {
  readonly datasetArn: string;
  readonly format: 'coco' | 'yolo';
  readonly name: string;
  readonly images?: string;
}

/** The body of an upload as it arrives (operations' StreamedPayload): read to its end, it has been checked against the signature. */
export interface UploadBody {
  readonly announcedBytes?: number;
  readonly chunks: AsyncIterable<Buffer>;
}

/** Bytes per stored piece of an upload: what the COCO reader takes at a time from a file, too. */
const UPLOAD_PIECE = 256 * 1024;
/** Pieces per staging transaction: 1 MiB, a short hold of the writer while the body streams. */
const PIECES_PER_WRITE = 4;
/**
 * Most room an arriving upload takes ahead of its bytes against the store-wide staging cap, so
 * that it locks the cap's row every few megabytes, not every one; never more than it has sent.
 */
const MAX_CLAIM_AHEAD = 8 * 1024 * 1024;

export interface ImportServiceDeps {
  readonly store: Store;
  readonly objects: ObjectAccess;
  readonly entries: EntryService;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Largest file UploadDatasetImport accepts, bytes (`--import-upload-max-bytes`). */
  readonly maxUploadBytes: number;
  /** Bytes of uploads staged at once, per account and in all (`--import-upload-max-staged-bytes[-per-account]`). */
  readonly stagedCaps: ByteCaps;
  /** The paced-upload bounds (domain/uploads/upload-pace.ts): how often progress is marked, and when an upload is abandoned. */
  readonly progressMarkMs: number;
  readonly abandonedUploadMs: number;
}

/**
 * Imports of open formats into a Rekognition dataset: accepted like an UpdateDatasetEntries
 * change (the dataset goes UPDATE_IN_PROGRESS and one durable job is stored) whose job converts
 * the file to manifest lines (jobs/definitions/rekognition/import-entries.ts). The file is an
 * object the job reads as the caller (StartDatasetImport) or one the caller sends in the request
 * (UploadDatasetImport: `trove import --from ./file`), staged in the store first so that the job
 * is as durable as any other and may run on any node.
 */
export class ImportService {
  constructor(private readonly deps: ImportServiceDeps) {}

  async start(caller: Caller, request: ImportRequest): Promise<ImportAccepted> {
    await findDataset(this.deps.store, caller, request.datasetArn, ResourceNotFoundException);
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
    const revision = await this.deps.entries.acceptChange(caller, request.datasetArn, {
      import: { format: request.format, source: { bucket: ref.bucket, key: ref.key }, ...(request.images ? { images: request.images } : {}) },
    }, (message) => new ConflictException(message));
    return {
      datasetArn: request.datasetArn, revision, status: 'UPDATE_IN_PROGRESS', format: request.format, source: request.source,
      ...(request.images ? { images: request.images } : {}),
    };
  }

  /**
   * UploadDatasetImport: stages the body in the store as it arrives (in pieces, a megabyte per
   * short transaction, never the whole file in memory), and once all of it is in and matches its
   * signed hash, accepts the import exactly as `start` does, the upload given to the job in the
   * accepting transaction. Whatever fails before that removes what was staged.
   */
  async upload(caller: Caller, request: UploadRequest, body: UploadBody): Promise<ImportAccepted> {
    const dataset = await findDataset(this.deps.store, caller, request.datasetArn, ResourceNotFoundException);
    // Refused before the body is read, when that can be known: the acceptance checks again.
    if (!SETTLED.includes(dataset.status)) throw new ConflictException(`The dataset ${request.datasetArn} is not settled (${dataset.status}); try again when it has finished.`);
    const max = this.deps.maxUploadBytes;
    if (body.announcedBytes !== undefined && body.announcedBytes > max) throw tooLarge(body.announcedBytes, max);
    const { store, clock } = this.deps;
    const { account } = caller;
    // The announced size is counted against the account's staging cap before the body is read
    // (refused: nothing staged); the store-wide cap counts bytes as they arrive (#stage), so an
    // upload that announces much and sends little holds no other tenant's room.
    const announced = body.announcedBytes ?? 0;
    const id = await store.transaction(async (tx) => {
      const created = await tx.importUploads.create(clock.now(), account);
      const { passed } = announced > 0 ? await tx.importUploads.reserve(created, account, { need: 0, want: 0, announced }, this.deps.stagedCaps, this.#liveSince()) : {};
      if (passed) throw overStagingCap(announced, passed);
      return created;
    }, { durability: 'deferred' });
    try {
      const bytes = await this.#stage(id, account, body.chunks, max, announced);
      if (bytes === 0) throw new ValidationException('The request body is empty: send the file\'s bytes.');
      const source = { upload: id, name: request.name, bytes };
      const revision = await this.deps.entries.acceptChange(caller, request.datasetArn, {
        import: { format: request.format, source, ...(request.images ? { images: request.images } : {}) },
        attach: async (tx, jobId) => {
          if (!(await tx.importUploads.attach(id, jobId))) throw new UploadGone(id);
        },
      }, (message) => new ConflictException(message));
      return {
        datasetArn: request.datasetArn, revision, status: 'UPDATE_IN_PROGRESS', format: request.format, source: importSourceName(source),
        ...(request.images ? { images: request.images } : {}),
      };
    } catch (caught) {
      // Taken for abandoned by another node's sweep (their clocks disagree by more than the margin): the client may send it again.
      const error = caught instanceof UploadGone ? new ConflictException('The upload was removed before it had arrived, taken for abandoned: send it again.') : caught;
      // Only if no job took it: an error thrown after the accepting transaction committed leaves it to its job.
      await store.importUploads.removeUntaken(id).catch((failure: unknown) => {
        // The maintenance sweep removes it later (an upload no job took).
        this.deps.logger.warn({ err: failure, upload: id }, 'a refused upload could not be removed yet');
      });
      throw error;
    }
  }

  /**
   * Writes the chunks as the upload's pieces; resolves to its size. Over `max` bytes:
   * ValidationException. The bytes are counted against the staging caps by the transaction that
   * stages them, whenever they pass the room counted so far (`claimed`): past a cap,
   * ServiceQuotaExceededException. While bytes arrive, the upload's progress time is kept fresh.
   */
  async #stage(id: number, account: string, chunks: AsyncIterable<Buffer>, max: number, announced: number): Promise<number> {
    const { store, clock } = this.deps;
    let staged = 0;
    let claimed = 0;
    let pieces: Buffer[] = [];
    let parts: Buffer[] = [];
    let held = 0;
    let bytes = 0;
    let seq = 0;
    let marked = clock.now();
    // Deferred durability: the accepting transaction commits with the sync and makes these durable with it (commits are ordered).
    const flush = async () => {
      if (pieces.length === 0) return;
      const batch = pieces;
      pieces = [];
      const after = staged + batch.reduce((sum, piece) => sum + piece.length, 0);
      await store.transaction(async (tx) => {
        if (after > claimed) {
          // Room ahead as large as what has come (at most MAX_CLAIM_AHEAD, never past the announced or largest size).
          const want = Math.max(after, Math.min(announced || max, after + Math.min(after, MAX_CLAIM_AHEAD)));
          const granted = await tx.importUploads.reserve(id, account, { need: after, want, announced }, this.deps.stagedCaps, this.#liveSince());
          if (granted.passed) throw overStagingCap(after, granted.passed);
          claimed = granted.claimed;
        }
        await tx.importUploads.append(id, seq, batch, marked = clock.now());
      }, { durability: 'deferred' });
      staged = after;
      seq += batch.length;
    };
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > max) throw tooLarge(bytes, max);
      if (clock.now() - marked >= this.deps.progressMarkMs) await store.importUploads.progress(id, marked = clock.now());
      for (let at = 0; at < chunk.length;) {
        const take = Math.min(chunk.length - at, UPLOAD_PIECE - held);
        parts.push(chunk.subarray(at, at + take));
        held += take;
        at += take;
        if (held === UPLOAD_PIECE) {
          pieces.push(Buffer.concat(parts, held));
          parts = [];
          held = 0;
          if (pieces.length === PIECES_PER_WRITE) await flush();
        }
      }
    }
    if (held > 0) pieces.push(Buffer.concat(parts, held));
    await flush();
    return bytes;
  }

  /** Uploads whose progress is older than this were abandoned by their node: they no longer count. */
  #liveSince(): number {
    return this.deps.clock.now() - this.deps.abandonedUploadMs;
  }

}

function tooLarge(bytes: number, max: number): ValidationException {
  return new ValidationException(`The file is ${bytes} bytes or more: this server imports uploads of at most ${max} bytes (--import-upload-max-bytes); `
    + 'put a larger file into a bucket and import it from s3://.', [{ name: 'body', message: `Member must have length less than or equal to ${max}` }]);
}

/** An upload that would pass a staging cap: the cap is named, and what to do. */
function overStagingCap(bytes: number, passed: CapPassed): ServiceQuotaExceededException {
  // What is staged is told for the caller's own account only: the store-wide total would let an
  // account measure other tenants' uploads by probing near the cap.
  const [whose, flag, staged] = passed.cap === 'account'
    ? ['your account', '--import-upload-max-staged-bytes-per-account', `; ${passed.used} bytes of yours are staged, arriving or waiting for their import`]
    : ['this server', '--import-upload-max-staged-bytes', ''];
  return new ServiceQuotaExceededException(`This upload (${bytes} bytes or more) would pass the ${passed.limit} bytes of uploads ${whose} may have staged at once `
    + `(${flag}${staged}): try again when an import has finished.`);
}
