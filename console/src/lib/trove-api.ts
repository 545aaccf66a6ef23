import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Session } from './session.js';

/** A modelled error of Trove's API (restJson: `x-amzn-ErrorType` + `message`), named like an SDK error; `body` holds its other members. */
export class TroveApiError extends Error {
  constructor(name: string, message: string, readonly status: number, readonly body: Record<string, unknown> = {}) {
    super(message);
    this.name = name;
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
    const { protocol, hostname, port, host, origin } = window.location;
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (Array.isArray(value)) {
        if (value.length > 0) query[name] = [...value];
      } else if (value !== undefined) query[name] = String(value);
    }
    const body = options.bytes?.data ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType = options.bytes?.contentType ?? (body === undefined ? undefined : 'application/json');
    const signed = await this.#signer.sign({
      method, protocol, hostname, port: port === '' ? undefined : Number(port), path, query,
      headers: { host, ...(contentType ? { 'content-type': contentType } : {}) }, body,
    });
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
    const search = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `${encode(k)}=${encode(item)}`)).join('&');
    const response = await fetch(`${origin}${path}${search ? `?${search}` : ''}`, { method, headers, body: body as BodyInit | undefined, signal: options.signal });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const name = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP ${response.status}`;
      throw new TroveApiError(name, typeof answer['message'] === 'string' ? answer['message'] : name, response.status, answer);
    }
    return answer as T;
  }
}
