import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyRequest } from 'fastify';
import { Base64Extractor } from './base64-extractor.js';
import type { ExtractedBlobs } from './base64-extractor.js';

/** A request body read as text, with the SHA-256 of its bytes (what SigV4 signs). */
export interface HashedBody {
  /** The JSON text; long base64 strings, when extracted, are placeholders for `blobs`. */
  readonly text: string;
  /** Lower-case hex SHA-256 of the raw bytes. */
  readonly sha256: string;
  /** Placeholder → bytes of each long base64 string taken out of the text (Base64Extractor). */
  readonly blobs: ExtractedBlobs;
}

const NO_BLOBS: ExtractedBlobs = new Map();

/**
 * A Fastify content-type parser that streams the body once: each chunk is hashed and decoded as
 * it arrives, so the raw bytes are never held whole beside the text (a 7 MB awsJson body would
 * otherwise sit in memory as chunks, as one Buffer and as a string at once). With
 * `extractBase64Over`, base64 strings at least that long are decoded to bytes as they arrive
 * instead (Base64Extractor): a 5 MB blob is then held once, as 5 MB of bytes. A body over `limit`
 * is refused as soon as it is announced or reached, with Fastify's own body-too-large error.
 */
export function hashedBodyParser(limit: number, options: { extractBase64Over?: number } = {}) {
  return (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: HashedBody) => void): void => {
    const announced = Number(request.headers['content-length']);
    if (Number.isFinite(announced) && announced > limit) {
      payload.resume();
      return done(tooLarge(limit));
    }
    const hash = createHash('sha256');
    const extractor = options.extractBase64Over === undefined ? undefined : new Base64Extractor(options.extractBase64Over, Number.isInteger(announced) ? announced : 0);
    const decoder = new StringDecoder('utf8');
    let text = '';
    let received = 0;
    let finished = false;
    const finish = (error: Error | null, body?: HashedBody) => {
      if (finished) return;
      finished = true;
      payload.removeAllListeners('data');
      done(error, body);
    };
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        payload.pause();
        return finish(tooLarge(limit));
      }
      hash.update(chunk);
      if (extractor) extractor.write(chunk);
      else text += decoder.write(chunk);
    });
    payload.on('end', () => {
      const sha256 = hash.digest('hex');
      finish(null, extractor ? { ...extractor.end(), sha256 } : { text: text + decoder.end(), sha256, blobs: NO_BLOBS });
    });
    payload.on('error', (error) => finish(error));
  };
}

export function isHashedBody(body: unknown): body is HashedBody {
  return typeof body === 'object' && body !== null && typeof (body as HashedBody).sha256 === 'string';
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`Request body is larger than ${limit} bytes`), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
}
