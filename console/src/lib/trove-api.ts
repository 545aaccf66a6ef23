import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Session } from './session.js';

/** A modelled error of Trove's API (restJson: `x-amzn-ErrorType` + `message`), named like an SDK error. */
export class TroveApiError extends Error {
  constructor(name: string, message: string, readonly status: number) {
    super(message);
    this.name = name;
  }
}

/**
 * Trove's own API (`/_trove/api/`, docs/trove-api.md) from the browser: JSON requests signed with
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

  async post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const { protocol, hostname, port, host, origin } = window.location;
    const text = JSON.stringify(body);
    const signed = await this.#signer.sign({
      method: 'POST', protocol, hostname, port: port === '' ? undefined : Number(port), path,
      headers: { host, 'content-type': 'application/json' }, body: text,
    });
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
    const response = await fetch(`${origin}${path}`, { method: 'POST', headers, body: text, signal });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const name = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP ${response.status}`;
      throw new TroveApiError(name, typeof answer['message'] === 'string' ? answer['message'] : name, response.status);
    }
    return answer as T;
  }
}
