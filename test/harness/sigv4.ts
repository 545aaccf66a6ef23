import { request as httpRequest } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/client/sha256.js';

export interface RawRequest {
  method: string;
  /** Path as sent on the wire (already encoded), without the query. */
  path: string;
  /** Query pairs, sent encoded with encodeURIComponent (repeated names allowed). */
  query?: Array<[string, string]>;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body's bytes (images). */
  body: Buffer;
  json(): Record<string, unknown>;
}

export interface SigningInput {
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  service: string;
  signingDate?: Date;
}

function signerFor(signing: SigningInput): SignatureV4 {
  return new SignatureV4({
    service: signing.service, region: signing.region ?? 'us-east-1', sha256: NodeSha256,
    credentials: { accessKeyId: signing.accessKeyId, secretAccessKey: signing.secretAccessKey },
  });
}

/** The request as the SDK's signer takes it, aimed at `endpoint`. */
function toHttpRequest(endpoint: string, request: RawRequest) {
  const url = new URL(endpoint);
  return {
    method: request.method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: request.path,
    query: toQueryMap(request.query ?? []),
    headers: { host: url.host, ...request.headers },
    body: request.body,
  };
}

/** Signs with the JS SDK's own signer (Authorization header form); returns the request to send. */
export async function signRequest(endpoint: string, request: RawRequest, signing: SigningInput): Promise<RawRequest> {
  const signed = await signerFor(signing).sign(toHttpRequest(endpoint, request), { signingDate: signing.signingDate ?? new Date() });
  return { ...request, headers: signed.headers as Record<string, string> };
}

/** Presigns with the JS SDK's signer (query form); `keepInHeaders` stay signed headers instead of query parameters. */
export async function presignRequest(endpoint: string, request: RawRequest, signing: SigningInput & { expiresIn: number; keepInHeaders?: string[] }): Promise<RawRequest> {
  const presigned = await signerFor(signing).presign(toHttpRequest(endpoint, request), {
    signingDate: signing.signingDate ?? new Date(), expiresIn: signing.expiresIn, unhoistableHeaders: new Set(signing.keepInHeaders ?? []),
  });
  const query: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(presigned.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) query.push([name, String(v)]);
  }
  return { ...request, query, headers: presigned.headers as Record<string, string> };
}

/** Sends exactly these bytes with node:http (no client-side rewriting of Host or headers). */
export function send(endpoint: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const query = (request.query ?? []).map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname, port: Number(url.port), method: request.method, path: query ? `${request.path}?${query}` : request.path,
      // Host as signed; a request built without one gets the endpoint's, as any client would send.
      headers: Object.keys(request.headers).some((h) => h.toLowerCase() === 'host') ? request.headers : { host: url.host, ...request.headers },
      setHost: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, json: () => JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** An awsJson1_1 Rekognition request (unsigned). */
export function rekognitionRequest(operation: string, input: unknown): RawRequest {
  const body = JSON.stringify(input);
  return {
    method: 'POST', path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `RekognitionService.${operation}`, 'content-length': String(Buffer.byteLength(body)) },
    body,
  };
}

function toQueryMap(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const map: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const existing = map[name];
    map[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return map;
}

/**
 * `fetch` with a SigV4 signature (by the SDK's own signer), for hand-made requests: by default
 * the local test/test pair, service `rekognition`. The body is hashed as given.
 */
export async function signedFetch(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array },
  signing: Partial<SigningInput> = {},
): Promise<Response> {
  const target = new URL(url);
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(init.body);
  const signed = await signRequest(target.origin, {
    method: init.method ?? 'POST', path: target.pathname, query: [...target.searchParams.entries()], headers: init.headers ?? {}, body,
  }, { accessKeyId: 'test', secretAccessKey: 'test', service: 'rekognition', ...signing });
  // fetch sets Host itself, to the same value the signer signed.
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
  return fetch(url, { method: init.method ?? 'POST', headers, body });
}
