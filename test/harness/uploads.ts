import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { IssuedCredential } from '../../src/auth/credential-service.js';
import type { UploadFile } from '../../src/client/exchange-client.js';

/** Whose key signs a hand-made request. */
export type Signer = Pick<IssuedCredential, 'accessKeyId' | 'secretAccessKey'>;

/** The URL of an UploadDatasetImport of a COCO file named `name` into `arn`, on the Trove at `base`. */
export function uploadUrl(base: string, arn: string, name: string): URL {
  return new URL(`${base}/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/uploads?format=COCO&name=${name}`);
}

/** SigV4 headers of a POST to a Trove API `url` whose body hashes to `payloadHash` (no Content-Length). */
export async function signedHeaders(url: URL, who: Signer, payloadHash: string): Promise<Record<string, string>> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { NodeSha256 } = await import('../../src/client/sha256.js');
  const signer = new SignatureV4({ service: 'trove', region: 'us-east-1', sha256: NodeSha256, credentials: who });
  const signed = await signer.sign({
    method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, 'content-type': 'application/json', 'x-amz-content-sha256': payloadHash },
  });
  return signed.headers as Record<string, string>;
}

/**
 * A signed upload to `url` announcing `announced` bytes (Content-Length) that sends the first
 * `sent` of them and keeps its connection open, silent, until `close` (or its server cuts it).
 */
export async function heldUpload(url: URL, who: Signer, announced: number, sent: number): Promise<{ close(): void }> {
  const body = Buffer.alloc(announced, 0x20);
  const headers = await signedHeaders(url, who, createHash('sha256').update(body).digest('hex'));
  const sending = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(announced) } });
  sending.on('error', () => undefined);
  sending.write(body.subarray(0, sent));
  return { close: () => sending.destroy() };
}

/** Sends `body` in `pieces` pieces `everyMs` apart (stopping once answered): the answer, and ms from the first byte to it. */
export function trickled(url: URL, body: Buffer, headers: Record<string, string>, pace: { pieces: number; everyMs: number }) {
  return new Promise<{ status?: number; type?: string; message?: string; ms: number }>((resolve) => {
    const started = Date.now();
    const size = Math.ceil(body.length / pace.pieces);
    const sent = request(url, { method: 'POST', headers });
    let timer: NodeJS.Timeout | undefined;
    let offset = 0;
    const next = () => {
      sent.write(body.subarray(offset, offset + size));
      offset += size;
      if (offset < body.length) timer = setTimeout(next, pace.everyMs);
      else sent.end();
    };
    sent.on('error', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started });
    });
    sent.on('response', (response) => {
      clearTimeout(timer);
      let text = '';
      response.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      response.on('end', () => resolve({
        status: response.statusCode, type: response.headers['x-amzn-errortype'] as string | undefined,
        message: (JSON.parse(text || '{}') as { message?: string }).message, ms: Date.now() - started,
      }));
    });
    next();
  });
}

/** A COCO file of `count` images (about 166 bytes each), as UploadDatasetImport takes it. */
export function coco(count: number, prefix = 'img'): UploadFile & { body: Buffer } {
  const images = Array.from({ length: count }, (_, i) => ({ id: i + 1, file_name: `${prefix}-${i}.jpg`, width: 1024, height: 768 }));
  const annotations = images.map((image) => ({ id: image.id, image_id: image.id, category_id: 1, bbox: [10.5, 20.25, 300, 200], iscrowd: 0, segmentation: [] }));
  const body = Buffer.from(JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'widget' }] }));
  return {
    name: `${prefix}.json`, body, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'),
    data: { async* [Symbol.asyncIterator]() { yield body; } },
  };
}
