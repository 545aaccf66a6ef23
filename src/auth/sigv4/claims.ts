/** What a SigV4-signed request claims about itself, read from its Authorization header or its query. */
export interface SignatureClaims {
  readonly form: 'header' | 'presigned';
  readonly accessKeyId: string;
  /** Credential scope `<date>/<region>/<service>/<terminator>` (the terminator must be aws4_request). */
  readonly scope: { readonly date: string; readonly region: string; readonly service: string; readonly terminator: string };
  readonly signedHeaders: readonly string[];
  /** Hex signature, lower case. */
  readonly signature: string;
  /** The request time as signed, ISO 8601 basic (`20240102T030405Z`). */
  readonly amzDate: string;
  /** The request time in epoch ms. */
  readonly signedAt: number;
  /** Presigned only: seconds the URL stays valid after `signedAt`. */
  readonly expiresSeconds?: number;
  /** A session token, which Trove never issues. */
  readonly securityToken?: string;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** `20240102T030405Z` → epoch ms, or undefined when malformed. */
export function parseAmzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Reject dates like 20240231 that Date.UTC would roll over.
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 ? ms : undefined;
}

/** Epoch ms → `20240102T030405Z`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A credential `<access key>/<date>/<region>/<service>/aws4_request`, split; undefined when malformed. */
export function splitCredential(credential: string): { accessKeyId: string; date: string; region: string; service: string; terminator: string } | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts;
  return { accessKeyId, date, region, service, terminator };
}
