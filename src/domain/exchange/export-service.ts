import { ResourceNotFoundException } from '../../api/trove/errors.js';
import type { StoredEntry } from '../../store/records.js';
import { versionLink } from '../agentcore/download-service.js';
import type { ExampleFormat } from '../agentcore/download-service.js';
import type { DatasetService as AgentCoreDatasets } from '../agentcore/dataset-service.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../../lib/clock.js';
import type { DownloadLinks, LinkTarget } from '../downloads/download-links.js';
import { DownloadGone } from '../downloads/download-service.js';
import type { DownloadOpen, DownloadSource } from '../downloads/download-service.js';
import { cocoExport } from './coco-export.js';
import type { EntryPages } from './export-source.js';
import { yoloExport } from './yolo-export.js';

/** The formats a Rekognition dataset exports as. */
export type EntryFormat = 'manifest' | 'coco' | 'yolo';

/** The entries of a dataset at a revision or snapshot, page by page (HistoryService.openRevision). */
export interface RevisionEntries {
  readonly datasetArn: string;
  readonly revision: number;
  readonly snapshot?: string;
  pages(pageSize?: number): AsyncIterable<StoredEntry[]>;
}

/**
 * Reads a dataset at a revision or snapshot (`at`: a revision number, a snapshot name, or absent
 * for the committed revision) for the caller: the one way exports read entries, so a snapshot,
 * garbage collection and tenancy mean the same here as everywhere.
 */
export interface RevisionOpener {
  openRevision(caller: Caller, datasetArn: string, at?: string): Promise<RevisionEntries>;
}

/** An export link as the API answers it. */
export interface ExportLink {
  /** Absolute URL, fetchable without AWS credentials until `expiresAt`. */
  readonly url: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly format: string;
  readonly fileName: string;
  readonly contentType: string;
}

const REKOGNITION_LINK = 'rekognition';

const ENTRY_FILES: Record<EntryFormat, { suffix: string; contentType: string }> = {
  manifest: { suffix: 'manifest', contentType: 'application/jsonl; charset=utf-8' },
  coco: { suffix: 'coco.json', contentType: 'application/json; charset=utf-8' },
  yolo: { suffix: 'yolo.tar', contentType: 'application/x-tar' },
};

const EXAMPLE_FILES: Record<ExampleFormat, { suffix: string; contentType: string }> = {
  jsonl: { suffix: 'jsonl', contentType: 'application/jsonl; charset=utf-8' },
  csv: { suffix: 'csv', contentType: 'text/csv; charset=utf-8' },
};

export interface ExportDeps {
  readonly links: DownloadLinks;
  readonly revisions: RevisionOpener;
  readonly agentcore: Pick<AgentCoreDatasets, 'find' | 'resolveVersion'>;
  readonly clock: Clock;
}

/**
 * Exports in open formats (docs/trove-api.md): hands out signed links that stream a Rekognition
 * dataset at a revision or snapshot as a Ground Truth manifest, COCO or YOLO, or an AgentCore
 * version or the DRAFT as JSONL or CSV. The link pins the revision; the file is produced while it
 * is downloaded, a page at a time, never built in memory.
 */
export class ExportService implements DownloadSource {
  constructor(private readonly deps: ExportDeps) {}

  async exportEntries(caller: Caller, origin: string, datasetArn: string, format: EntryFormat, at?: string): Promise<ExportLink & {
    datasetArn: string; revision: number; snapshot?: string;
  }> {
    const opened = await this.deps.revisions.openRevision(caller, datasetArn, at);
    const { suffix, contentType } = ENTRY_FILES[format];
    const fileName = `${datasetName(datasetArn)}-${opened.snapshot ?? `r${opened.revision}`}.${suffix}`;
    const target: LinkTarget = { kind: REKOGNITION_LINK, arn: opened.datasetArn, revision: opened.revision, format };
    const link = this.deps.links.issue(target, fileName);
    return {
      url: origin + link.path, expiresAt: Math.floor(link.expiresAt / 1000), format, fileName, contentType,
      datasetArn: opened.datasetArn, revision: opened.revision, ...(opened.snapshot ? { snapshot: opened.snapshot } : {}),
    };
  }

  async exportExamples(caller: Caller, origin: string, datasetId: string, format: ExampleFormat, version?: string): Promise<ExportLink & {
    datasetId: string; datasetVersion: string; exampleCount: number;
  }> {
    const dataset = await this.deps.agentcore.find(caller, datasetId);
    const resolved = await this.deps.agentcore.resolveVersion(dataset, version);
    const { suffix, contentType } = EXAMPLE_FILES[format];
    const fileName = `${dataset.datasetId}-${resolved.label === 'DRAFT' ? 'draft' : `v${resolved.label}`}.${suffix}`;
    const link = this.deps.links.issue(versionLink(dataset.id, resolved.label, resolved.revision, format), fileName);
    return {
      url: origin + link.path, expiresAt: Math.floor(link.expiresAt / 1000), format, fileName, contentType,
      datasetId: dataset.datasetId, datasetVersion: resolved.label, exampleCount: resolved.exampleCount,
    };
  }

  /** Serves a Rekognition export link: reads the pinned revision as the dataset's own account. */
  async open(target: LinkTarget, signal?: AbortSignal): Promise<DownloadOpen> {
    const { arn, revision, format } = target;
    if (typeof arn !== 'string' || typeof revision !== 'number' || !(typeof format === 'string' && Object.hasOwn(ENTRY_FILES, format))) {
      return { status: 'forbidden', message: 'The request signature is invalid' };
    }
    const [, , , region, account] = arn.split(':');
    let opened: RevisionEntries;
    try {
      opened = await this.deps.revisions.openRevision({ account, region }, arn, String(revision));
    } catch (error) {
      // The dataset was deleted (or is being deleted), or the revision garbage-collected (its
      // snapshot deleted), since the link was issued. Anything else (the store failing) is no
      // answer to render with its text: the route's 500.
      if (error instanceof ResourceNotFoundException) return { status: 'gone', message: error.message };
      throw error;
    }
    const pages: EntryPages = { pages: () => untilGone(opened.pages(), arn, revision, signal) };
    const entryFormat = format as EntryFormat;
    const description = `${arn} at ${opened.snapshot ? `snapshot ${opened.snapshot}, ` : ''}revision ${revision}`;
    return { status: 'ok', contentType: ENTRY_FILES[entryFormat].contentType, body: this.#body(entryFormat, pages, description) };
  }

  #body(format: EntryFormat, pages: EntryPages, description: string): AsyncIterable<string | Buffer> {
    switch (format) {
      case 'manifest': return manifestLines(pages);
      case 'coco': return cocoExport(pages, {
        description: `Exported by Trove from ${description}`, version: description.slice(description.lastIndexOf(' ') + 1),
        dateCreated: new Date(this.deps.clock.now()).toISOString(),
      });
      case 'yolo': return yoloExport(pages, `YOLO labels exported by Trove from ${description}`);
    }
  }
}

/**
 * The pages of a revision; the dataset or the revision going while they are read (the dataset
 * deleted or being deleted, the revision collected since the link was issued) is DownloadGone.
 * Each page is pulled only while `signal` is not aborted (DownloadSource): the pages are read
 * one per pull, so the check between pulls stops the reads at a page boundary, and leaving the
 * loop closes the revision's iterator.
 */
async function* untilGone(pages: AsyncIterable<StoredEntry[]>, arn: string, revision: number, signal: AbortSignal | undefined): AsyncGenerator<StoredEntry[]> {
  try {
    signal?.throwIfAborted();
    for await (const page of pages) {
      yield page;
      signal?.throwIfAborted();
    }
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new DownloadGone(`Revision ${revision} of ${arn} no longer exists: the dataset was deleted (or is being deleted), or the revision garbage-collected, since the link was issued.`);
    throw error;
  }
}

/** The stored lines, one a line: exactly what ListDatasetEntries pages through. */
async function* manifestLines(source: EntryPages): AsyncGenerator<string> {
  for await (const page of source.pages()) yield page.map(({ line }) => `${line}\n`).join('');
}

/** `flowers-train` from `...:project/flowers/dataset/train/1700000000000`. */
function datasetName(arn: string): string {
  const match = /:project\/([^/]+)\/dataset\/([^/]+)\//.exec(arn);
  return match ? `${match[1]}-${match[2]}` : 'dataset';
}
