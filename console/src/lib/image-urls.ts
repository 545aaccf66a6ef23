import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Session } from './session.js';

/** Signed URLs are reused for this long (the browser caches each URL), then signed afresh. */
const WINDOW_MS = 30 * 60 * 1000;
/** Valid for two windows: a URL signed at the start of a window works until well after its end. */
const EXPIRES_SECONDS = 2 * 60 * 60;
const MAX_CACHED = 4000;

/**
 * URLs of entry images: `GET /_trove/images?datasetArn=…&sourceRef=…`, presigned with SigV4
 * (service `rekognition`) so an `<img>` can load them without an Authorization header. The
 * signing time is rounded down to a 30-minute window, so the same image keeps the same URL for
 * that long and the browser's cache serves it again.
 */
export class ImageUrls {
  readonly #signer: SignatureV4;
  readonly #client: RekognitionClient;
  readonly #cache = new Map<string, Promise<string>>();

  constructor(client: RekognitionClient, session: Session) {
    this.#client = client;
    this.#signer = new SignatureV4({
      service: 'rekognition',
      region: session.region,
      credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
      sha256: client.config.sha256,
      applyChecksum: false,
    });
  }

  /** The image, or with `size` a thumbnail that fits `size` × `size` pixels (resized by Trove). */
  url(datasetArn: string, sourceRef: string, size?: number): Promise<string> {
    // The SDK corrects its clock from the server's Date header after a skew error; so do we.
    const offset = (this.#client.config as { systemClockOffset?: number }).systemClockOffset ?? 0;
    const windowStart = Math.floor((Date.now() + offset) / WINDOW_MS) * WINDOW_MS;
    const key = `${windowStart} ${size ?? ''} ${datasetArn} ${sourceRef}`;
    let url = this.#cache.get(key);
    if (!url) {
      url = this.#sign(datasetArn, sourceRef, size, new Date(windowStart));
      if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(key, url);
    }
    return url;
  }

  async #sign(datasetArn: string, sourceRef: string, size: number | undefined, signingDate: Date): Promise<string> {
    const { protocol, hostname, port, host, origin } = window.location;
    const presigned = await this.#signer.presign({
      method: 'GET', protocol, hostname, port: port === '' ? undefined : Number(port), path: '/_trove/images',
      query: { datasetArn, sourceRef, ...(size === undefined ? {} : { size: String(size) }) }, headers: { host },
    }, { signingDate, expiresIn: EXPIRES_SECONDS });
    const query = Object.entries(presigned.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join('&');
    return `${origin}/_trove/images?${query}`;
  }
}
