// What a client of Trove's own API offers, without how it signs: TroveApiClient (Node, bin/trove)
// and the web console's signed fetch both do. No imports, so browser code can use the typed
// clients built on it (dataset-history-client.ts).

export interface CallOptions {
  /** A list is a repeated parameter (`?state=QUEUED&state=FAILED`). */
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as they are (an operation whose body is its payload, e.g. UploadImage), with this Content-Type. */
  readonly bytes?: { readonly data: Uint8Array; readonly contentType: string };
  /**
   * Sent as it is read, never held whole (a file for UploadDatasetImport): its size and SHA-256
   * (hex, signed as x-amz-content-sha256) must be known before it is sent.
   */
  readonly stream?: { readonly data: AsyncIterable<Uint8Array>; readonly bytes: number; readonly sha256: string; readonly contentType: string };
}

export type CallMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface TroveApiCaller {
  /** `method` on `path` (under /_trove/api, already percent-encoded per segment); resolves to the parsed JSON answer. */
  call<T>(method: CallMethod, path: string, options?: CallOptions): Promise<T>;
}
