import type { TroveApiCaller } from './trove-api-caller.js';

/** An export link as CreateDatasetExport / CreateAgentCoreDatasetExport answer it. */
export interface ExportLinkWire {
  url: string;
  expiresAt: number;
  format: string;
  fileName: string;
  contentType: string;
  datasetArn?: string;
  revision?: number;
  snapshot?: string;
  datasetId?: string;
  datasetVersion?: string;
  exampleCount?: number;
}

/** A file to upload: its name (as history shows it), bytes read as they are sent, their size and SHA-256 (hex). */
export interface UploadFile {
  readonly name: string;
  readonly data: AsyncIterable<Uint8Array>;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * StartDatasetImport's and UploadDatasetImport's 202 answer. `revision`: the revision the import
 * will be once applied (or failed); absent from servers older than it (then the newest revision
 * whose `source` is the import's is the best guess).
 */
export interface ImportAcceptedWire {
  datasetArn: string;
  revision?: number;
  status: string;
  format: string;
  source: string;
  images?: string;
}

/** Typed calls of the open-format operations of the Trove API (docs/trove-api.md): bin/trove's and the web console's. */
export class ExchangeClient {
  constructor(private readonly api: TroveApiCaller) {}

  exportEntries(datasetArn: string, format: 'MANIFEST' | 'COCO' | 'YOLO', at?: string): Promise<ExportLinkWire> {
    return this.api.call<ExportLinkWire>('POST', `${datasetPath(datasetArn)}/exports`, { body: { format, ...(at === undefined ? {} : { at }) } });
  }

  exportExamples(datasetId: string, format: 'JSONL' | 'CSV', datasetVersion?: string): Promise<ExportLinkWire> {
    return this.api.call<ExportLinkWire>('POST', `/_trove/api/agentcore/datasets/${encodeURIComponent(datasetId)}/exports`, {
      body: { format, ...(datasetVersion === undefined ? {} : { datasetVersion }) },
    });
  }

  startImport(datasetArn: string, format: 'COCO' | 'YOLO', source: string, images?: string): Promise<ImportAcceptedWire> {
    return this.api.call<ImportAcceptedWire>('POST', `${datasetPath(datasetArn)}/imports`, {
      body: { format, source, ...(images === undefined ? {} : { images }) },
    });
  }

  /**
   * UploadDatasetImport: sends a file (COCO JSON, YOLO tar) to be imported as StartDatasetImport
   * imports one from the object store; `file.data` is read as it is sent. The answer's `source` is
   * `upload <name>`.
   */
  uploadImport(datasetArn: string, format: 'COCO' | 'YOLO', file: UploadFile, images?: string): Promise<ImportAcceptedWire> {
    return this.api.call<ImportAcceptedWire>('POST', `${datasetPath(datasetArn)}/uploads`, {
      query: { format, name: file.name, ...(images === undefined ? {} : { images }) },
      stream: { data: file.data, bytes: file.bytes, sha256: file.sha256, contentType: format === 'COCO' ? 'application/json' : 'application/x-tar' },
    });
  }

  /** Fetches a link (no AWS signature: the link is the authorisation); throws with the server's message on failure. */
  async download(url: string): Promise<Response> {
    const response = await fetch(url);
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch { /* not JSON */ }
      throw new Error(`the export link answered ${response.status}: ${message}`);
    }
    return response;
  }
}

function datasetPath(arn: string): string {
  return `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}`;
}
