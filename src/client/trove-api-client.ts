import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './sha256.js';
import type { CallMethod, CallOptions, TroveApiCaller } from './trove-api-caller.js';

/** Where a client talks to and as whom: what `bin/trove`'s client commands resolve (cli/client-target.ts). */
export interface ClientTarget {
  /** Origin of the Trove server, e.g. http://127.0.0.1:4599 (a path prefix is kept, for proxies). */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** A modelled error answered by the Trove API (or any restJson service): its name, message and status. */
export class TroveApiCallError extends Error {
  constructor(readonly code: string, message: string, readonly status: number, readonly body?: Record<string, unknown>) {
    super(message);
    this.name = code;
  }
}

export type { CallOptions } from './trove-api-caller.js';

/**
 * A small client of Trove's own API (`/_trove/api/`, docs/trove-api.md): requests signed with
 * SigV4 (service `trove`) by the AWS SDK's own signer, JSON in and out, modelled errors thrown
 * as TroveApiCallError. Used by `bin/trove`'s client commands; any SigV4 client works the same.
 */
export class TroveApiClient implements TroveApiCaller {
  readonly #target: ClientTarget;
  readonly #signer: SignatureV4;

  constructor(target: ClientTarget) {
    this.#target = target;
    this.#signer = new SignatureV4({ service: 'trove', region: target.region, sha256: NodeSha256, credentials: target.credentials });
  }

  get target(): ClientTarget {
    return this.#target;
  }

  /** `method` on `path` (under /_trove/api, already percent-encoded per segment); resolves to the parsed JSON answer. */
  async call<T = Record<string, unknown>>(method: CallMethod, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  /** The raw response of a successful call (for streamed answers); modelled errors are thrown. */
  async send(method: CallMethod, path: string, options: CallOptions = {}): Promise<Response> {
    const url = new URL(this.#target.endpoint.replace(/\/+$/, '') + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, item);
      else if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const { stream } = options;
    const body = options.bytes?.data ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType = stream?.contentType ?? options.bytes?.contentType ?? (body === undefined ? undefined : 'application/json');
    // Bytes are signed with their hash in x-amz-content-sha256 (the signer reads the header instead
    // of hashing the body): what an operation whose body streams requires; a stream, by the hash given for it.
    const sha256 = stream?.sha256 ?? (options.bytes ? createHash('sha256').update(options.bytes.data).digest('hex') : undefined);
    const payloadHash: Record<string, string> = sha256 === undefined ? {} : { 'x-amz-content-sha256': sha256 };
    // A repeated parameter (`?state=QUEUED&state=FAILED`) is signed with all its values.
    const query: Record<string, string | string[]> = {};
    for (const name of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(name);
      query[name] = values.length === 1 ? values[0] : values;
    }
    const signed = await this.#signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host, ...(contentType === undefined ? {} : { 'content-type': contentType }), ...payloadHash },
      body,
    });
    // fetch sets Host itself, to the value that was signed.
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
    const response = stream
      ? await fetch(url, { method, headers: { ...headers, 'content-length': String(stream.bytes) }, body: toReadable(stream.data), duplex: 'half' } as RequestInit)
      : await fetch(url, { method, headers, body });
    if (!response.ok) throw await callError(response);
    return response;
  }
}

/** An async iterable of bytes as the web stream fetch sends, pulled as the connection takes it. */
function toReadable(data: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = data[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

async function callError(response: Response): Promise<TroveApiCallError> {
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const code = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? (typeof body?.code === 'string' ? body.code : `HTTP ${response.status}`);
  const message = typeof body?.message === 'string' ? body.message : typeof body?.Message === 'string' ? body.Message : text.slice(0, 500);
  return new TroveApiCallError(code, message, response.status, body);
}
