import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { SignatureV4 } from '@smithy/signature-v4';
import { hashHex } from './file-hash.js';
import type { Session } from './session.js';

/** A modelled error of Trove's API (restJson: `x-amzn-ErrorType` + `message`), named like an SDK error; `body` holds its other members. */
export class TroveApiError extends Error {
  constructor(name: string, message: string, readonly status: number, readonly body: Record<string, unknown> = {}) {
    super(message);
    this.name = name;
  }
}

/**
 * An upload that ended without an answer: stopped, or the connection lost; `allSent`, whether the
 * browser reported its last byte sent first. Trove accepts a body it received whole whether or not
 * the client is still connected, so then the caller must find out rather than say nothing was imported.
 */
export class UploadInterrupted extends Error {
  constructor(message: string, readonly allSent: boolean, readonly stopped: boolean) {
    super(message);
    this.name = stopped ? 'AbortError' : 'UploadInterrupted';
  }
}

export interface CallOptions {
  /** A list is a repeated parameter (`?state=QUEUED&state=FAILED`). */
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as they are (UploadImage's image). */
  readonly bytes?: { readonly data: Uint8Array; readonly contentType: string };
  readonly signal?: AbortSignal;
}

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Trove's own API (`/_trove/api/`, docs/trove-api.md) from the browser: requests signed with
 * SigV4 (service `trove`) by the same signer and key pair as the SDK clients.
 */
export class TroveApi {
  readonly #signer: SignatureV4;

  constructor(client: RekognitionClient, session: Session) {
    this.#signer = new SignatureV4({
      service: 'trove', region: session.region, sha256: client.config.sha256, applyChecksum: false,
      credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
    });
  }

  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.call<T>('POST', path, { body, signal });
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: CallOptions = {}): Promise<T> {
    const query = queryOf(options.query);
    const body = options.bytes?.data ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType = options.bytes?.contentType ?? (body === undefined ? undefined : 'application/json');
    const { url, headers } = await this.#signed(method, path, query, contentType ? { 'content-type': contentType } : {}, body);
    const response = await fetch(url, { method, headers, body: body as BodyInit | undefined, signal: options.signal });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw apiError(response.status, response.headers.get('x-amzn-errortype'), answer);
    return answer as T;
  }

  /**
   * POSTs a file as the request's body (UploadDatasetImport), reporting the bytes sent as they go.
   * The body is signed by its SHA-256 (x-amz-content-sha256), which the server requires of a
   * streamed body; the browser then sends the file from disk. XMLHttpRequest, not fetch: only it
   * reports an upload's progress. `onHashed(read)` reports the hashing's progress first;
   * `onAllSent` says the last byte has left (from then on stopping cannot prevent the import).
   * Ended without an answer (stopped, or the connection lost): UploadInterrupted.
   */
  async upload<T>(path: string, options: {
    readonly query: CallOptions['query']; readonly file: Blob; readonly contentType: string;
    readonly onHashed?: (read: number) => void; readonly onProgress: (sent: number) => void; readonly onAllSent?: () => void;
    readonly signal?: AbortSignal;
  }): Promise<T> {
    const query = queryOf(options.query);
    const sha256 = await hashHex(options.file, options.signal, options.onHashed);
    const { url, headers } = await this.#signed('POST', path, query, { 'content-type': options.contentType, 'x-amz-content-sha256': sha256 });
    options.signal?.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      const request = new XMLHttpRequest();
      let allSent = false;
      request.open('POST', url);
      for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
      request.upload.onprogress = (event) => options.onProgress(event.loaded);
      request.upload.onload = () => {
        allSent = true;
        options.onAllSent?.();
      };
      request.onload = () => {
        let answer: Record<string, unknown> = {};
        try {
          answer = JSON.parse(request.responseText) as Record<string, unknown>;
        } catch { /* no JSON body */ }
        if (request.status >= 200 && request.status < 300) resolve(answer as T);
        else reject(apiError(request.status, request.getResponseHeader('x-amzn-errortype'), answer));
      };
      // Before the last byte, also what a refusal sent before the body was read can look like (Trove
      // answers, then closes the connection): a body Trove did not get whole is dropped. After it, or
      // when a proxy or the network hides how far it got, Trove may have accepted it.
      request.onerror = () => reject(new UploadInterrupted(allSent
        ? 'The connection to Trove closed after the whole file was sent, before Trove answered.'
        : 'The connection to Trove closed before it answered (the network, or Trove refusing the file before reading all of it).', allSent, false));
      request.onabort = () => reject(new UploadInterrupted('The upload was stopped.', allSent, true));
      options.signal?.addEventListener('abort', () => request.abort(), { once: true });
      request.send(options.file);
    });
  }

  async #signed(method: string, path: string, query: Record<string, string | string[]>, extra: Record<string, string>, body?: unknown) {
    const { protocol, hostname, port, host, origin } = window.location;
    const signed = await this.#signer.sign({
      method, protocol, hostname, port: port === '' ? undefined : Number(port), path, query, headers: { host, ...extra }, body,
    });
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
    const search = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `${encode(k)}=${encode(item)}`)).join('&');
    return { url: `${origin}${path}${search ? `?${search}` : ''}`, headers };
  }
}

function queryOf(options: CallOptions['query']): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (Array.isArray(value)) {
      if (value.length > 0) query[name] = [...value];
    } else if (value !== undefined) query[name] = String(value);
  }
  return query;
}

/** A refusal as restJson renders it: `x-amzn-ErrorType` names it, the body's `message` says it. */
function apiError(status: number, errorType: string | null, answer: Record<string, unknown>): TroveApiError {
  const name = errorType?.split(':')[0] ?? `HTTP ${status}`;
  return new TroveApiError(name, typeof answer['message'] === 'string' ? answer['message'] : name, status, answer);
}
